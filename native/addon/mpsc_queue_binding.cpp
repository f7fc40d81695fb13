// mpsc_queue_binding.cpp — the MPSC queue's exports: mpscCreate,
// mpscConsumer, mpscTryPush, mpscPop, mpscItems, mpscCheckInvariants.
#include "bindings.hpp"
#include "collection_binding.hpp"
#include "lockstep/mpsc_queue.hpp"

namespace lockstep::addon {
namespace {

struct ConsumerApi {
  virtual ~ConsumerApi() = default;
  virtual Take<Value> pop() noexcept = 0;
};
// Producers push on the queue itself; only the one consumer pops.
struct MpscApi : CollectionApi {
  virtual std::unique_ptr<ConsumerApi> consumer() = 0;
};

template <class Bugs> class MpscOf final : public MpscApi {
  using Queue = MpscQueue<Value, StdSync, Bugs>;
  struct Consumer final : ConsumerApi {
    explicit Consumer(typename Queue::Consumer&& c) : c(std::move(c)) {}
    Take<Value> pop() noexcept override { return c.pop(); }
    typename Queue::Consumer c;
  };

public:
  explicit MpscOf(std::size_t capacity) : queue_(capacity) {}
  bool try_push(Value v) noexcept override { return queue_.try_push(v); }
  std::unique_ptr<ConsumerApi> consumer() override {
    return std::make_unique<Consumer>(queue_.consumer());
  }
  std::vector<Value> items() const override { return queue_.items_quiescent(); }
  std::string check_invariants() const override {
    return queue_.check_invariants();
  }

private:
  Queue queue_;
};

struct MpscNames {
  using Api = MpscApi;
  static constexpr Kind kKind = Kind::kMpscQueue;
  static constexpr const char* kParam = "queue";
  static constexpr const char* kCreate = "mpscCreate";
  static constexpr const char* kTryPush = "mpscTryPush";
  static constexpr const char* kTryPop = nullptr; // the consumer pops
  static constexpr const char* kItems = "mpscItems";
  static constexpr const char* kCheckInvariants = "mpscCheckInvariants";
};

template <class Bugs>
constexpr CollectionFactory<MpscApi> mpsc =
    &make_collection<MpscApi, MpscOf<Bugs>>;

const auto kVariants = variant_table<MpscVariants, CollectionFactory<MpscApi>>(
    []<class Bugs>() { return mpsc<Bugs>; });

using MpscHandle = CollectionHandle<MpscNames>;
using ConsumerHandle = RoleHandle<MpscApi, ConsumerApi>;

Napi::Value mpsc_consumer(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "mpscConsumer";
  expect_arity(info, fn, 1, 1);
  auto& queue = collection_arg<MpscNames>(info, fn);
  std::unique_ptr<ConsumerApi> consumer;
  try {
    consumer = queue.api().consumer();
  } catch (const std::logic_error&) {
    throw_error(info.Env(), std::string(fn) +
                                ": the queue already has an open consumer "
                                "(one per queue); close it first");
  }
  return wrap_handle(info.Env(), std::make_unique<ConsumerHandle>(
                                     Kind::kMpscConsumer, queue.shared(),
                                     std::move(consumer)));
}

Napi::Value mpsc_pop(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "mpscPop";
  expect_arity(info, fn, 1, 1);
  auto& consumer =
      handle_arg<ConsumerHandle>(info, 0, Kind::kMpscConsumer, fn, "consumer");
  return take_result(info.Env(), consumer.role().pop());
}

} // namespace

void init_mpsc_queue(Napi::Env env, Napi::Object exports) {
  init_collection<MpscNames>(env, exports, kVariants);
  exports.Set("mpscConsumer",
              Napi::Function::New(env, mpsc_consumer, "mpscConsumer"));
  exports.Set("mpscPop", Napi::Function::New(env, mpsc_pop, "mpscPop"));
}

} // namespace lockstep::addon

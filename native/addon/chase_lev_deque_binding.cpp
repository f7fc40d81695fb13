// chase_lev_deque_binding.cpp — the Chase-Lev deque's exports:
// dequeCreate, dequeWorker, dequeStealer, dequePush, dequePop, dequeSteal,
// dequeItems, dequeCheckInvariants.
#include <napi.h>

#include <memory>

#include "args.hpp"
#include "bindings.hpp"
#include "handles.hpp"
#include "lockstep/chase_lev_deque.hpp"
#include "results.hpp"
#include "variants.hpp"

namespace lockstep::addon {
namespace {

using Value = std::int64_t;

struct WorkerApi {
  virtual ~WorkerApi() = default;
  virtual bool push(Value v) noexcept = 0;
  virtual std::optional<Value> pop() noexcept = 0;
};
struct StealerApi {
  virtual ~StealerApi() = default;
  virtual Take<Value> steal() noexcept = 0;
};
struct DequeApi {
  virtual ~DequeApi() = default;
  virtual std::unique_ptr<WorkerApi> worker() = 0;
  virtual std::unique_ptr<StealerApi> stealer() = 0;
  virtual std::vector<Value> items() const = 0;
  virtual std::string check_invariants() const = 0;
};

struct DequeConfig {
  std::size_t capacity, max_stealers, max_capacity;
};

template <class Bugs> class DequeOf final : public DequeApi {
  using Deque = ChaseLevDeque<Value, StdSync, Bugs>;
  struct Worker final : WorkerApi {
    explicit Worker(typename Deque::Worker&& w) : w(std::move(w)) {}
    bool push(Value v) noexcept override { return w.push(v); }
    std::optional<Value> pop() noexcept override { return w.pop(); }
    typename Deque::Worker w;
  };
  struct Stealer final : StealerApi {
    explicit Stealer(typename Deque::Stealer&& s) : s(std::move(s)) {}
    Take<Value> steal() noexcept override { return s.steal(); }
    typename Deque::Stealer s;
  };

public:
  explicit DequeOf(const DequeConfig& c)
      : deque_(c.capacity, c.max_stealers, c.max_capacity) {}
  std::unique_ptr<WorkerApi> worker() override {
    return std::make_unique<Worker>(deque_.worker());
  }
  std::unique_ptr<StealerApi> stealer() override {
    return std::make_unique<Stealer>(deque_.stealer());
  }
  std::vector<Value> items() const override { return deque_.items_quiescent(); }
  std::string check_invariants() const override {
    return deque_.check_invariants();
  }

private:
  Deque deque_;
};

using DequeFactory = std::unique_ptr<DequeApi> (*)(const DequeConfig&);
template <class Bugs>
std::unique_ptr<DequeApi> make_deque(const DequeConfig& c) {
  return std::make_unique<DequeOf<Bugs>>(c);
}

const auto kVariants = variant_table<DequeVariants, DequeFactory>(
    []<class Bugs>() { return &make_deque<Bugs>; });

using DequeHandle = StructureHandle<DequeApi>;
using WorkerHandle = RoleHandle<DequeApi, WorkerApi>;
using StealerHandle = RoleHandle<DequeApi, StealerApi>;

Napi::Value deque_create(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "dequeCreate";
  expect_arity(info, fn, 0, 1);
  const Options options(info, 0, fn,
                        {"capacity", "maxCapacity", "maxStealers", "variant"});
  const std::size_t capacity = options.size("capacity", 64, 1, kMaxJsCapacity);
  const DequeConfig config{capacity, options.size("maxStealers", 16, 1, 4096),
                           options.size("maxCapacity", kMaxJsCapacity,
                                        std::bit_ceil(capacity),
                                        kMaxJsCapacity)};
  const auto& variant = find_variant(info.Env(), kVariants,
                                     options.string("variant", "correct"), fn);
  auto api = construct(info.Env(), fn, [&] { return variant.make(config); });
  return wrap_handle(
      info.Env(), std::make_unique<DequeHandle>(Kind::kDeque, std::move(api)));
}

Napi::Value deque_worker(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "dequeWorker";
  expect_arity(info, fn, 1, 1);
  auto& deque = handle_arg<DequeHandle>(info, 0, Kind::kDeque, fn, "deque");
  std::unique_ptr<WorkerApi> worker;
  try {
    worker = deque.api().worker();
  } catch (const std::logic_error&) {
    throw_error(info.Env(), std::string(fn) +
                                ": the deque already has an open worker "
                                "(one owner per deque); close it first");
  }
  return wrap_handle(
      info.Env(), std::make_unique<WorkerHandle>(
                      Kind::kDequeWorker, deque.shared(), std::move(worker)));
}

Napi::Value deque_stealer(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "dequeStealer";
  expect_arity(info, fn, 1, 1);
  auto& deque = handle_arg<DequeHandle>(info, 0, Kind::kDeque, fn, "deque");
  std::unique_ptr<StealerApi> stealer;
  try {
    stealer = deque.api().stealer();
  } catch (const std::length_error&) {
    throw_error(info.Env(), std::string(fn) +
                                ": every stealer slot (maxStealers) is taken; "
                                "close a stealer first");
  }
  return wrap_handle(
      info.Env(), std::make_unique<StealerHandle>(
                      Kind::kDequeStealer, deque.shared(), std::move(stealer)));
}

Napi::Value deque_push(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "dequePush";
  expect_arity(info, fn, 2, 2);
  auto& worker =
      handle_arg<WorkerHandle>(info, 0, Kind::kDequeWorker, fn, "worker");
  const Value v = safe_integer_arg(info, 1, fn, "value");
  return Napi::Boolean::New(info.Env(), worker.role().push(v));
}

Napi::Value deque_pop(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "dequePop";
  expect_arity(info, fn, 1, 1);
  auto& worker =
      handle_arg<WorkerHandle>(info, 0, Kind::kDequeWorker, fn, "worker");
  return optional_value(info.Env(), worker.role().pop());
}

Napi::Value deque_steal(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "dequeSteal";
  expect_arity(info, fn, 1, 1);
  auto& stealer =
      handle_arg<StealerHandle>(info, 0, Kind::kDequeStealer, fn, "stealer");
  return take_result(info.Env(), stealer.role().steal());
}

Napi::Value deque_items(const Napi::CallbackInfo& info) {
  expect_arity(info, "dequeItems", 1, 1);
  auto& d =
      handle_arg<DequeHandle>(info, 0, Kind::kDeque, "dequeItems", "deque");
  return number_array(info.Env(), d.api().items());
}

Napi::Value deque_check_invariants(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "dequeCheckInvariants";
  expect_arity(info, fn, 1, 1);
  auto& d = handle_arg<DequeHandle>(info, 0, Kind::kDeque, fn, "deque");
  return invariants_result(info.Env(), d.api().check_invariants());
}

} // namespace

void init_chase_lev_deque(Napi::Env env, Napi::Object exports) {
  exports.Set("dequeCreate",
              Napi::Function::New(env, deque_create, "dequeCreate"));
  exports.Set("dequeWorker",
              Napi::Function::New(env, deque_worker, "dequeWorker"));
  exports.Set("dequeStealer",
              Napi::Function::New(env, deque_stealer, "dequeStealer"));
  exports.Set("dequePush", Napi::Function::New(env, deque_push, "dequePush"));
  exports.Set("dequePop", Napi::Function::New(env, deque_pop, "dequePop"));
  exports.Set("dequeSteal",
              Napi::Function::New(env, deque_steal, "dequeSteal"));
  exports.Set("dequeItems",
              Napi::Function::New(env, deque_items, "dequeItems"));
  exports.Set(
      "dequeCheckInvariants",
      Napi::Function::New(env, deque_check_invariants, "dequeCheckInvariants"));
}

} // namespace lockstep::addon

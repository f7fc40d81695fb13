// collection_binding.hpp — the exports that the bounded collections (the
// MPMC queue, the MPSC queue, the tagged stack) share: create, try-push,
// items and check-invariants, written once over a `Names` type that gives
// each export's name, the handle kind and the structure's interface.
//
//   struct MpmcNames { using Api = BoundedApi; static constexpr const char*
//     kCreate = "mpmcCreate"; ... };
//   init_collection<MpmcNames>(env, exports, kVariants);
#pragma once

#include <napi.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "args.hpp"
#include "handles.hpp"
#include "results.hpp"
#include "variants.hpp"

namespace lockstep::addon {

using Value = std::int64_t;

// What every bounded collection offers JavaScript.
struct CollectionApi {
  virtual ~CollectionApi() = default;
  virtual bool try_push(Value v) noexcept = 0;
  virtual std::vector<Value> items() const = 0;
  virtual std::string check_invariants() const = 0;
};

// A collection that any thread may pop: the MPMC queue, the tagged stack.
struct BoundedApi : CollectionApi {
  virtual std::optional<Value> try_pop() noexcept = 0;
};

// Adapts an engine structure with try_push, try_pop, items_quiescent and
// check_invariants to BoundedApi.
template <class Structure> class BoundedOf final : public BoundedApi {
public:
  explicit BoundedOf(std::size_t capacity) : structure_(capacity) {}
  bool try_push(Value v) noexcept override { return structure_.try_push(v); }
  std::optional<Value> try_pop() noexcept override {
    return structure_.try_pop();
  }
  std::vector<Value> items() const override {
    return structure_.items_quiescent();
  }
  std::string check_invariants() const override {
    return structure_.check_invariants();
  }

private:
  Structure structure_;
};

template <class Api>
using CollectionFactory = std::unique_ptr<Api> (*)(std::size_t);

template <class Api, class Impl>
std::unique_ptr<Api> make_collection(std::size_t capacity) {
  return std::make_unique<Impl>(capacity);
}

template <class Names>
using CollectionHandle = StructureHandle<typename Names::Api>;

template <class Names>
CollectionHandle<Names>& collection_arg(const Napi::CallbackInfo& info,
                                        const char* fn) {
  return handle_arg<CollectionHandle<Names>>(info, 0, Names::kKind, fn,
                                             Names::kParam);
}

template <class Names>
Napi::Value collection_create(
    const Napi::CallbackInfo& info,
    const VariantTable<CollectionFactory<typename Names::Api>>& table) {
  constexpr const char* fn = Names::kCreate;
  expect_arity(info, fn, 0, 1);
  const Options options(info, 0, fn, {"capacity", "variant"});
  const std::size_t capacity =
      options.size("capacity", 1024, 1, kMaxJsCapacity);
  const auto& variant =
      find_variant(info.Env(), table, options.string("variant", "correct"), fn);
  auto api = construct(info.Env(), fn, [&] { return variant.make(capacity); });
  return wrap_handle(info.Env(), std::make_unique<CollectionHandle<Names>>(
                                     Names::kKind, std::move(api)));
}

template <class Names>
Napi::Value collection_try_push(const Napi::CallbackInfo& info) {
  constexpr const char* fn = Names::kTryPush;
  expect_arity(info, fn, 2, 2);
  auto& handle = collection_arg<Names>(info, fn);
  const Value v = safe_integer_arg(info, 1, fn, "value");
  return Napi::Boolean::New(info.Env(), handle.api().try_push(v));
}

template <class Names>
Napi::Value collection_items(const Napi::CallbackInfo& info) {
  expect_arity(info, Names::kItems, 1, 1);
  return number_array(info.Env(),
                      collection_arg<Names>(info, Names::kItems).api().items());
}

template <class Names>
Napi::Value collection_check_invariants(const Napi::CallbackInfo& info) {
  expect_arity(info, Names::kCheckInvariants, 1, 1);
  return invariants_result(info.Env(),
                           collection_arg<Names>(info, Names::kCheckInvariants)
                               .api()
                               .check_invariants());
}

template <class Names>
Napi::Value collection_try_pop(const Napi::CallbackInfo& info) {
  expect_arity(info, Names::kTryPop, 1, 1);
  return optional_value(
      info.Env(), collection_arg<Names>(info, Names::kTryPop).api().try_pop());
}

// Registers create, try-push, items and check-invariants; for a
// BoundedApi collection, try-pop too.
template <class Names>
void init_collection(
    Napi::Env env, Napi::Object exports,
    const VariantTable<CollectionFactory<typename Names::Api>>& table) {
  auto set = [&](const char* name, Napi::Function::Callback cb) {
    exports.Set(name, Napi::Function::New(env, cb, name));
  };
  exports.Set(Names::kCreate, Napi::Function::New(
                                  env,
                                  [&table](const Napi::CallbackInfo& info) {
                                    return collection_create<Names>(info,
                                                                    table);
                                  },
                                  Names::kCreate));
  set(Names::kTryPush, collection_try_push<Names>);
  set(Names::kItems, collection_items<Names>);
  set(Names::kCheckInvariants, collection_check_invariants<Names>);
  if constexpr (std::is_base_of_v<BoundedApi, typename Names::Api>) {
    set(Names::kTryPop, collection_try_pop<Names>);
  }
}

} // namespace lockstep::addon

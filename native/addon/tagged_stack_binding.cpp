// tagged_stack_binding.cpp — the tagged Treiber stack's exports:
// stackCreate, stackTryPush, stackTryPop, stackItems, stackCheckInvariants.
#include "bindings.hpp"
#include "collection_binding.hpp"
#include "lockstep/tagged_stack.hpp"

namespace lockstep::addon {
namespace {

struct StackNames {
  using Api = BoundedApi;
  static constexpr Kind kKind = Kind::kTaggedStack;
  static constexpr const char* kParam = "stack";
  static constexpr const char* kCreate = "stackCreate";
  static constexpr const char* kTryPush = "stackTryPush";
  static constexpr const char* kTryPop = "stackTryPop";
  static constexpr const char* kItems = "stackItems";
  static constexpr const char* kCheckInvariants = "stackCheckInvariants";
};

template <class Bugs>
constexpr CollectionFactory<BoundedApi> stack =
    &make_collection<BoundedApi, BoundedOf<TaggedStack<Value, StdSync, Bugs>>>;

const auto kVariants =
    variant_table<StackVariants, CollectionFactory<BoundedApi>>(
        []<class Bugs>() { return stack<Bugs>; });

} // namespace

void init_tagged_stack(Napi::Env env, Napi::Object exports) {
  init_collection<StackNames>(env, exports, kVariants);
}

} // namespace lockstep::addon

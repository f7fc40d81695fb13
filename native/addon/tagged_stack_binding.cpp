// tagged_stack_binding.cpp — the tagged Treiber stack's exports:
// stackCreate, stackTryPush, stackTryPop, stackItems, stackCheckInvariants.
#include "bindings.hpp"
#include "collection_binding.hpp"
#include "lockstep/tagged_stack.hpp"

namespace lockstep::addon {
namespace {

struct StackNames {
  using Api = BoundedApi;
  static constexpr const char* kTarget = "tagged-stack";
  static constexpr Kind kKind = Kind::kTaggedStack;
  static constexpr const char* kParam = "stack";
  static constexpr const char* kCreate = "stackCreate";
  static constexpr const char* kTryPush = "stackTryPush";
  static constexpr const char* kTryPop = "stackTryPop";
  static constexpr const char* kItems = "stackItems";
  static constexpr const char* kCheckInvariants = "stackCheckInvariants";
};

template <class Bugs, unsigned TagBits = 32>
constexpr CollectionFactory<BoundedApi> stack =
    &make_collection<BoundedApi,
                     BoundedOf<TaggedStack<Value, StdSync, Bugs, TagBits>>>;

const Variant<CollectionFactory<BoundedApi>> kVariants[] = {
    {"correct", "Treiber stack, 32-bit tag beside a 32-bit index",
     stack<NoStackBugs>},
    {"untagged-head", "the CAS ignores the tag: the classic Treiber ABA",
     stack<StackUntaggedHead>},
    {"tag-2-bits",
     "a correct algorithm with a 2-bit tag: ABA once the tag wraps (4 CASes)",
     stack<NoStackBugs, 2>},
};

} // namespace

void init_tagged_stack(Napi::Env env, Napi::Object exports,
                       Napi::Object variants) {
  init_collection<StackNames>(env, exports, variants, kVariants);
}

} // namespace lockstep::addon

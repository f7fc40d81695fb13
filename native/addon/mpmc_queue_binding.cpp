// mpmc_queue_binding.cpp — the bounded MPMC queue's exports: mpmcCreate,
// mpmcTryPush, mpmcTryPop, mpmcItems, mpmcCheckInvariants.
#include "bindings.hpp"
#include "collection_binding.hpp"
#include "lockstep/mpmc_queue.hpp"

namespace lockstep::addon {
namespace {

struct MpmcNames {
  using Api = BoundedApi;
  static constexpr Kind kKind = Kind::kMpmcQueue;
  static constexpr const char* kParam = "queue";
  static constexpr const char* kCreate = "mpmcCreate";
  static constexpr const char* kTryPush = "mpmcTryPush";
  static constexpr const char* kTryPop = "mpmcTryPop";
  static constexpr const char* kItems = "mpmcItems";
  static constexpr const char* kCheckInvariants = "mpmcCheckInvariants";
};

template <class Bugs>
constexpr CollectionFactory<BoundedApi> mpmc =
    &make_collection<BoundedApi, BoundedOf<MpmcQueue<Value, StdSync, Bugs>>>;

const auto kVariants =
    variant_table<MpmcVariants, CollectionFactory<BoundedApi>>(
        []<class Bugs>() { return mpmc<Bugs>; });

} // namespace

void init_mpmc_queue(Napi::Env env, Napi::Object exports) {
  init_collection<MpmcNames>(env, exports, kVariants);
}

} // namespace lockstep::addon

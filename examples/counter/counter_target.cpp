#include <lockstep/sdk.hpp>

template <class Sync, class Bugs> struct Counter {  // hands out 0, 1, 2, ...
  typename Sync::template atomic<long> n{0};
  long next() {
    if constexpr (!Bugs::kRacy) return n.fetch_add(1);
    long v = n.load(); n.store(v + 1); return v;  // the seeded bug: two threads may read one v
  }
};
struct Ok { static constexpr const char *kVariant = "correct", *kDescription = "fetch_add"; static constexpr bool kRacy = false; };
struct Racy : Ok { static constexpr const char *kVariant = "racy", *kDescription = "load, then store"; static constexpr bool kRacy = true; };
LOCKSTEP_SDK_TARGET(counter) {
  return lockstep::sdk::Target<Counter, std::tuple<Ok, Racy>>("counter", "hands out numbers").op("next", [](auto& c) { return c.next(); });
}

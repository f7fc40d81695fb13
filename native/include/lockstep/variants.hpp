// variants.hpp — visiting a structure's variants.
//
// Each structure lists its variants as a std::tuple of Bugs types (the
// correct one first, then every seeded bug), each carrying kVariant (its
// name) and kDescription (one line). for_each_variant visits them in order,
// so the addon and the simulator build their tables from the one list.
//
//   lockstep::for_each_variant<lockstep::DequeVariants>([&]<class Bugs>() {
//     names.push_back(Bugs::kVariant);
//   });
#pragma once

#include <tuple>

namespace lockstep {

template <class Variants, class Visit> void for_each_variant(Visit&& visit) {
  [&]<class... Bugs>(std::tuple<Bugs...>*) {
    (visit.template operator()<Bugs>(), ...);
  }(static_cast<Variants*>(nullptr));
}

} // namespace lockstep

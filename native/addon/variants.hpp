// variants.hpp — the named variants of a target as the addon sees them: a
// table built from the structure's variant list (its Bugs types), with a
// factory per variant.
//
//   const auto kVariants = variant_table<DequeVariants, DequeFactory>(
//       []<class Bugs>() { return &make_deque<Bugs>; });
//   std::unique_ptr<DequeApi> deque =
//       find_variant(env, kVariants, name, "dequeCreate").make(config);
#pragma once

#include <napi.h>

#include <string>
#include <vector>

#include "args.hpp"
#include "lockstep/variants.hpp"

namespace lockstep::addon {

template <class Factory> struct Variant {
  const char* name;
  const char* description;
  Factory make;
};

template <class Factory> using VariantTable = std::vector<Variant<Factory>>;

// One row per Bugs type in `Variants`, in order; `make_for<Bugs>()` gives
// the factory of each.
template <class Variants, class Factory, class MakeFor>
VariantTable<Factory> variant_table(MakeFor make_for) {
  VariantTable<Factory> table;
  for_each_variant<Variants>([&]<class Bugs>() {
    table.push_back({Bugs::kVariant, Bugs::kDescription,
                     make_for.template operator()<Bugs>()});
  });
  return table;
}

template <class Factory>
const Variant<Factory>& find_variant(Napi::Env env,
                                     const VariantTable<Factory>& table,
                                     const std::string& name, const char* fn) {
  std::string names;
  for (const Variant<Factory>& v : table) {
    if (name == v.name) return v;
    names += names.empty() ? v.name : std::string(", ") + v.name;
  }
  throw_range_error(env, std::string(fn) + ": option variant must be one of " +
                             names + ", got '" + name + "'");
}

// Runs `make`, turning the structures' constructor exceptions into JS
// errors that name `fn`.
template <class Make> auto construct(Napi::Env env, const char* fn, Make make) {
  try {
    return make();
  } catch (const std::bad_alloc&) {
    throw_range_error(env,
                      std::string(fn) +
                          ": not enough memory for the requested capacity");
  } catch (const std::invalid_argument& e) {
    throw_range_error(env, std::string(fn) + ": " + e.what());
  }
}

} // namespace lockstep::addon

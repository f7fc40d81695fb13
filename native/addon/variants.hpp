// variants.hpp — the named variants of a target: "correct" and its seeded
// bugs (mutants), each with a factory, for the addon's create functions.
//
//   const auto& v = find_variant(info.Env(), kDequeVariants, name,
//   "dequeCreate"); std::unique_ptr<DequeApi> deque = v.make(config);
#pragma once

#include <napi.h>

#include <string>

#include "args.hpp"

namespace lockstep::addon {

template <class Factory> struct Variant {
  const char* name;
  const char* description;
  Factory make;
};

template <class Factory, std::size_t N>
const Variant<Factory>& find_variant(Napi::Env env,
                                     const Variant<Factory> (&table)[N],
                                     const std::string& name, const char* fn) {
  std::string names;
  for (const Variant<Factory>& v : table) {
    if (name == v.name) return v;
    names += names.empty() ? v.name : std::string(", ") + v.name;
  }
  throw_range_error(env, std::string(fn) + ": option variant must be one of " +
                             names + ", got '" + name + "'");
}

// [{ name, description }, ...] for the `variants` export.
template <class Factory, std::size_t N>
Napi::Array describe_variants(Napi::Env env,
                              const Variant<Factory> (&table)[N]) {
  Napi::Array out = Napi::Array::New(env, N);
  for (std::size_t i = 0; i < N; ++i) {
    Napi::Object v = Napi::Object::New(env);
    v.Set("name", table[i].name);
    v.Set("description", table[i].description);
    out.Set(static_cast<std::uint32_t>(i), v);
  }
  return out;
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

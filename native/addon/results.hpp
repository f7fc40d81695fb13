// results.hpp — conversions of native results to JavaScript values.
#pragma once

#include <napi.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lockstep/take.hpp"

namespace lockstep::addon {

// A value taken out of a structure, or undefined for none.
inline Napi::Value optional_value(Napi::Env env,
                                  const std::optional<std::int64_t>& v) {
  if (!v) return env.Undefined();
  return Napi::Number::New(env, static_cast<double>(*v));
}

// { kind: 'empty' } | { kind: 'retry' } | { kind: 'success', value }
inline Napi::Value take_result(Napi::Env env, const Take<std::int64_t>& t) {
  Napi::Object out = Napi::Object::New(env);
  switch (t.kind()) {
  case TakeKind::kEmpty:
    out.Set("kind", "empty");
    break;
  case TakeKind::kRetry:
    out.Set("kind", "retry");
    break;
  case TakeKind::kSuccess:
    out.Set("kind", "success");
    out.Set("value", Napi::Number::New(env, static_cast<double>(t.value())));
    break;
  }
  return out;
}

inline Napi::Value number_array(Napi::Env env,
                                const std::vector<std::int64_t>& values) {
  Napi::Array out = Napi::Array::New(env, values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    out.Set(static_cast<std::uint32_t>(i),
            Napi::Number::New(env, static_cast<double>(values[i])));
  }
  return out;
}

// null when the invariants hold, else the message.
inline Napi::Value invariants_result(Napi::Env env, const std::string& broken) {
  if (broken.empty()) return env.Null();
  return Napi::String::New(env, broken);
}

} // namespace lockstep::addon

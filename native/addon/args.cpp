// args.cpp — argument checking for the addon's exports (see args.hpp).
#include "args.hpp"

#include <cmath>
#include <cstdio>

#include "handles.hpp"

namespace lockstep::addon {

namespace {
constexpr double kMaxSafeInteger = 9007199254740991.0; // 2^53 - 1

std::string number_text(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", d);
  return buffer;
}
} // namespace

std::string describe(const Napi::Value& value) {
  switch (value.Type()) {
  case napi_undefined:
    return "undefined";
  case napi_null:
    return "null";
  case napi_boolean:
    return value.As<Napi::Boolean>().Value() ? "true" : "false";
  case napi_number:
    return number_text(value.As<Napi::Number>().DoubleValue());
  case napi_string:
    return "a string";
  case napi_symbol:
    return "a symbol";
  case napi_bigint:
    return "a bigint";
  case napi_function:
    return "a function";
  case napi_external: {
    const Handle* h = unwrap_handle(value);
    if (h == nullptr) return "a foreign external";
    return handle_phrase(h->kind(), h->closed());
  }
  case napi_object:
    return value.IsArray() ? "an array" : "an object";
  }
  return "an unknown value";
}

void throw_type_error(Napi::Env env, const std::string& message) {
  throw Napi::TypeError::New(env, message);
}
void throw_range_error(Napi::Env env, const std::string& message) {
  throw Napi::RangeError::New(env, message);
}
void throw_error(Napi::Env env, const std::string& message) {
  throw Napi::Error::New(env, message);
}

void expect_arity(const Napi::CallbackInfo& info, const char* fn,
                  std::size_t min, std::size_t max) {
  const std::size_t n = info.Length();
  if (n >= min && n <= max) return;
  const std::string wanted =
      min == max ? std::to_string(min)
                 : std::to_string(min) + " to " + std::to_string(max);
  throw_type_error(info.Env(), std::string(fn) + ": expected " + wanted +
                                   " argument(s), got " + std::to_string(n));
}

std::string arg_name(std::size_t index, const char* param) {
  return "argument " + std::to_string(index + 1) + " (" + param + ")";
}

std::int64_t safe_integer_arg(const Napi::CallbackInfo& info, std::size_t index,
                              const char* fn, const char* param) {
  const Napi::Value v = info[index];
  if (!v.IsNumber()) {
    throw_type_error(info.Env(), std::string(fn) + ": " +
                                     arg_name(index, param) +
                                     " must be a number, got " + describe(v));
  }
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(std::trunc(d) == d) || std::fabs(d) > kMaxSafeInteger) {
    throw_range_error(info.Env(),
                      std::string(fn) + ": " + arg_name(index, param) +
                          " must be a safe integer, got " + describe(v));
  }
  return static_cast<std::int64_t>(d);
}

Options::Options(const Napi::CallbackInfo& info, std::size_t index,
                 const char* fn, std::initializer_list<const char*> known)
    : env_(info.Env()), present_(false), fn_(fn) {
  const Napi::Value v = info[index];
  if (v.IsUndefined()) return;
  if (v.Type() != napi_object || v.IsArray()) {
    throw_type_error(env_, std::string(fn) + ": " + arg_name(index, "options") +
                               " must be an object or undefined, got " +
                               describe(v));
  }
  object_ = v.As<Napi::Object>();
  present_ = true;
  const Napi::Array keys = object_.GetPropertyNames();
  for (std::uint32_t i = 0; i < keys.Length(); ++i) {
    const std::string key = keys.Get(i).ToString().Utf8Value();
    bool ok = false;
    std::string list;
    for (const char* k : known) {
      ok = ok || key == k;
      list += list.empty() ? k : std::string(", ") + k;
    }
    if (!ok) {
      throw_type_error(env_, std::string(fn) + ": unknown option '" + key +
                                 "' (known: " + list + ")");
    }
  }
}

std::size_t Options::size(const char* key, std::size_t fallback,
                          std::size_t min, std::size_t max) const {
  if (!present_) return fallback;
  const Napi::Value v = object_.Get(key);
  if (v.IsUndefined()) return fallback;
  const std::string where = std::string(fn_) + ": option " + key;
  if (!v.IsNumber()) {
    throw_type_error(env_, where + " must be a number, got " + describe(v));
  }
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(std::trunc(d) == d) || d < static_cast<double>(min) ||
      d > static_cast<double>(max)) {
    throw_range_error(env_, where + " must be an integer from " +
                                std::to_string(min) + " to " +
                                std::to_string(max) + ", got " + describe(v));
  }
  return static_cast<std::size_t>(d);
}

std::string Options::string(const char* key, const char* fallback) const {
  if (!present_) return fallback;
  const Napi::Value v = object_.Get(key);
  if (v.IsUndefined()) return fallback;
  if (!v.IsString()) {
    throw_type_error(env_, std::string(fn_) + ": option " + key +
                               " must be a string, got " + describe(v));
  }
  return v.As<Napi::String>().Utf8Value();
}

} // namespace lockstep::addon

// args.hpp — argument checking for the addon's exports.
//
// Every export checks its argument count and each argument before touching
// native code, and throws a TypeError (wrong type) or RangeError (right
// type, value out of range) whose message names the function, the argument
// and what it got:
//   dequePush: argument 2 (value) must be a safe integer, got 1.5
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>

namespace lockstep::addon {

// The largest capacity the addon accepts for any structure (2^20): enough
// for every test and campaign, small enough that no input from JavaScript
// can make the process take gigabytes.
inline constexpr std::size_t kMaxJsCapacity = std::size_t{1} << 20;

// "1.5", "a string", "undefined", "an object", ... for error messages.
std::string describe(const Napi::Value& value);

[[noreturn]] void throw_type_error(Napi::Env env, const std::string& message);
[[noreturn]] void throw_range_error(Napi::Env env, const std::string& message);
[[noreturn]] void throw_error(Napi::Env env, const std::string& message);

// Throws unless min <= info.Length() <= max.
void expect_arity(const Napi::CallbackInfo& info, const char* fn,
                  std::size_t min, std::size_t max);

// "argument 2 (value)"
std::string arg_name(std::size_t index, const char* param);

// A number that is a safe integer (|v| <= 2^53 - 1), as int64.
std::int64_t safe_integer_arg(const Napi::CallbackInfo& info, std::size_t index,
                              const char* fn, const char* param);

// An options object: undefined means {}; anything but a plain object, or a
// key not in `known`, is a TypeError.
class Options {
public:
  Options(const Napi::CallbackInfo& info, std::size_t index, const char* fn,
          std::initializer_list<const char*> known);

  // An integer option in [min, max], `fallback` when absent or undefined.
  std::size_t size(const char* key, std::size_t fallback, std::size_t min,
                   std::size_t max) const;
  // A string option, `fallback` when absent or undefined.
  std::string string(const char* key, const char* fallback) const;

private:
  Napi::Env env_;
  Napi::Object object_;
  bool present_;
  const char* fn_;
};

} // namespace lockstep::addon

// handles.cpp — handle wrapping, unwrapping and checking (see handles.hpp),
// and the `close` export that closes any handle.
#include "handles.hpp"

#include "args.hpp"

namespace lockstep::addon {

namespace {
// Marks Externals made by this addon, so that a foreign External is never
// mistaken for a Handle. Random 128 bits.
constexpr napi_type_tag kHandleTag = {0x6c6f636b73746570ull,
                                      0x9e3779b97f4a7c15ull};

Napi::Value close(const Napi::CallbackInfo& info) {
  expect_arity(info, "close", 1, 1);
  Handle* h = unwrap_handle(info[0]);
  if (h == nullptr) {
    throw_type_error(info.Env(), "close: " + arg_name(0, "handle") +
                                     " must be a lockstep handle, got " +
                                     describe(info[0]));
  }
  h->close();
  return info.Env().Undefined();
}
} // namespace

const char* kind_noun(Kind kind) {
  switch (kind) {
  case Kind::kDeque:
    return "deque";
  case Kind::kDequeWorker:
    return "deque worker";
  case Kind::kDequeStealer:
    return "deque stealer";
  case Kind::kMpmcQueue:
    return "mpmc queue";
  case Kind::kMpscQueue:
    return "mpsc queue";
  case Kind::kMpscConsumer:
    return "mpsc consumer";
  case Kind::kTaggedStack:
    return "tagged stack";
  case Kind::kArena:
    return "arena";
  case Kind::kBlockPool:
    return "block pool";
  }
  return "unknown";
}

std::string handle_phrase(Kind kind, bool closed) {
  const std::string noun = kind_noun(kind);
  if (closed) return "a closed " + noun + " handle";
  const bool vowel_sound = noun.rfind("mp", 0) == 0 || noun[0] == 'a';
  return (vowel_sound ? "an " : "a ") + noun + " handle";
}

Napi::Value wrap_handle(Napi::Env env, std::unique_ptr<Handle> handle) {
  auto external = Napi::External<Handle>::New(
      env, handle.release(), [](Napi::Env, Handle* h) { delete h; });
  external.TypeTag(&kHandleTag);
  return external;
}

Handle* unwrap_handle(const Napi::Value& value) {
  if (!value.IsExternal()) return nullptr;
  auto external = value.As<Napi::External<Handle>>();
  if (!external.CheckTypeTag(&kHandleTag)) return nullptr;
  return external.Data();
}

Handle& checked_handle(const Napi::CallbackInfo& info, std::size_t index,
                       Kind kind, const char* fn, const char* param) {
  const Napi::Value v = info[index];
  Handle* h = unwrap_handle(v);
  const std::string where = std::string(fn) + ": " + arg_name(index, param);
  if (h == nullptr || h->kind() != kind) {
    throw_type_error(info.Env(), where + " must be " + handle_phrase(kind) +
                                     ", got " + describe(v));
  }
  if (h->closed()) {
    throw_type_error(info.Env(), where + " is " + handle_phrase(kind, true));
  }
  return *h;
}

void init_handles(Napi::Env env, Napi::Object exports) {
  exports.Set("close", Napi::Function::New(env, close, "close"));
}

} // namespace lockstep::addon

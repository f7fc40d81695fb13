// addon.cpp — the lockstep Node-API module: registers every binding.
//
// The addon is thin: it converts and checks arguments and calls the engine
// (native/include/lockstep/). Its JavaScript face is declared, typed, in
// native/index.ts.
#include <napi.h>

#include "bindings.hpp"
#include "handles.hpp"
#include "lockstep/cache_padded.hpp"

namespace lockstep::addon {
namespace {

Napi::Object init(Napi::Env env, Napi::Object exports) {
  Napi::Object variants = Napi::Object::New(env);
  init_handles(env, exports);
  init_chase_lev_deque(env, exports, variants);
  init_mpmc_queue(env, exports, variants);
  init_mpsc_queue(env, exports, variants);
  init_tagged_stack(env, exports, variants);
  init_memory(env, exports, variants);
  init_scheduler(env, exports, variants);
  init_simulator(env, exports);
  init_topology(env, exports);
  init_stress(env, exports);
  init_crash_note(env, exports);
  variants.Freeze();
  exports.Set("variants", variants);
  exports.Set("cacheLineSize",
              Napi::Number::New(env, static_cast<double>(kCacheLineSize)));
  return exports;
}

} // namespace
} // namespace lockstep::addon

// NODE_API_MODULE pastes the function's name into an identifier.
static Napi::Object InitLockstep(Napi::Env env, Napi::Object exports) {
  return lockstep::addon::init(env, exports);
}
NODE_API_MODULE(lockstep, InitLockstep)

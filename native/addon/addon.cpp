// addon.cpp — the lockstep Node-API module: registers every binding.
//
// The addon is thin: it converts and checks arguments and calls the engine
// (native/include/lockstep/). Its JavaScript face is declared, typed, in
// native/index.ts.
#include <napi.h>

#include "bindings.hpp"
#include "handles.hpp"
#include "lockstep/cache_padded.hpp"
#include "sim/targets.hpp"

namespace lockstep::addon {
namespace {

// `variants`: each built-in target's variants, { name, description }, from
// the registry (listTargets() has the same, and a plugin's too).
Napi::Object variants_of_targets(Napi::Env env) {
  Napi::Object variants = Napi::Object::New(env);
  for (const sim::TargetInfo& t : sim::targets()) {
    Napi::Array rows = Napi::Array::New(env, t.variants.size());
    for (std::size_t i = 0; i < t.variants.size(); ++i) {
      Napi::Object v = Napi::Object::New(env);
      v.Set("name", t.variants[i].name);
      v.Set("description", t.variants[i].description);
      rows.Set(static_cast<std::uint32_t>(i), v);
    }
    variants.Set(t.name, rows);
  }
  variants.Freeze();
  return variants;
}

Napi::Object init(Napi::Env env, Napi::Object exports) {
  init_handles(env, exports);
  init_chase_lev_deque(env, exports);
  init_mpmc_queue(env, exports);
  init_mpsc_queue(env, exports);
  init_tagged_stack(env, exports);
  init_memory(env, exports);
  init_scheduler(env, exports);
  init_simulator(env, exports);
  init_topology(env, exports);
  init_stress(env, exports);
  init_crash_note(env, exports);
  const Napi::Object variants = variants_of_targets(env);
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

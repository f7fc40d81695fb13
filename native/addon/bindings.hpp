// bindings.hpp — each binding registers its exports here; addon.cpp calls
// them all.
#pragma once

#include <napi.h>

namespace lockstep::addon {

void init_chase_lev_deque(Napi::Env env, Napi::Object exports);
void init_mpmc_queue(Napi::Env env, Napi::Object exports);
void init_mpsc_queue(Napi::Env env, Napi::Object exports);
void init_tagged_stack(Napi::Env env, Napi::Object exports);
void init_memory(Napi::Env env, Napi::Object exports);
void init_scheduler(Napi::Env env, Napi::Object exports);
void init_simulator(Napi::Env env, Napi::Object exports);
void init_topology(Napi::Env env, Napi::Object exports);
void init_stress(Napi::Env env, Napi::Object exports);
void init_crash_note(Napi::Env env, Napi::Object exports);

} // namespace lockstep::addon

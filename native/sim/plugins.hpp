// plugins.hpp — targets from outside lockstep: a plugin is a shared library
// built with lockstep_add_target (cmake/lockstepConfig.cmake) whose files
// register targets exactly as the built-in ones do (LOCKSTEP_TARGET, or the
// SDK's builder in lockstep/sdk.hpp). load_plugin opens it and adds its
// targets to the registry, after checking what can be checked before any
// of its code runs: that the file is a shared library for this machine,
// and that it carries the stamp of the lockstep it must run in (its
// version and a digest of the headers it was compiled against).
//
//   std::vector<std::string> names;
//   std::string error = load_plugin("build/ring_target.so", names);
//   if (!error.empty()) ...; // one line: what is wrong, and what to do
#pragma once

#include <string>
#include <vector>

namespace lockstep::sim {

// The stamp this build expects (LOCKSTEP_PLUGIN_STAMP), e.g.
// "lockstep-0.2.0-3f2a9c1b7d0e4a61".
const char* plugin_stamp() noexcept;

// Opens the plugin at `path` and adds its targets, their names appended to
// `names`. Returns "" or what is wrong, in one line naming the file:
// missing or unreadable, not a shared library, built for another machine,
// without a stamp or with another lockstep's, failing to load (dlerror:
// a missing symbol, a missing library), registering no target, a target
// whose build threw, or a name that clashes with a loaded target. A failed
// plugin is closed again and adds nothing. Loading the same file twice
// adds nothing the second time and names its targets again.
std::string load_plugin(const std::string& path,
                        std::vector<std::string>& names);

} // namespace lockstep::sim

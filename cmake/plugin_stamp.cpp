// plugin_stamp.cpp — compiled into every plugin by lockstep_add_target:
// the stamp load_plugin looks for in the file before it opens it
// (native/sim/plugins.hpp). LOCKSTEP_PLUGIN_STAMP comes from
// lockstepConfig.cmake.
extern "C" [[gnu::used, gnu::visibility("default")]] const char
    lockstep_plugin_stamp[] = "lockstep-plugin-stamp=" LOCKSTEP_PLUGIN_STAMP;

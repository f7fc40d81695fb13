// other_stamp.cpp — the stamp of a lockstep that does not exist.
extern "C" [[gnu::used, gnu::visibility("default")]] const char
    lockstep_plugin_stamp[] =
        "lockstep-plugin-stamp=lockstep-0.0.1-0123456789abcdef";

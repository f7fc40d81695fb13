// plugins.cpp — loading plugins (see plugins.hpp).
#include "sim/plugins.hpp"

#include <dlfcn.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>

#include "sim/targets.hpp"

#ifndef LOCKSTEP_PLUGIN_STAMP
#error "LOCKSTEP_PLUGIN_STAMP is defined by CMake (cmake/lockstep_stamp.cmake)"
#endif

namespace lockstep::sim {
namespace {

constexpr char kStampKey[] = "lockstep-plugin-stamp=";

// ELF e_machine values of the machines a plugin is likely built for.
const char* machine_name(unsigned machine) {
  switch (machine) {
  case 3: return "x86 (32-bit)";
  case 40: return "arm (32-bit)";
  case 62: return "x86-64";
  case 183: return "aarch64";
  case 243: return "riscv";
  default: return nullptr;
  }
}

unsigned this_machine() {
#if defined(__x86_64__)
  return 62;
#elif defined(__aarch64__)
  return 183;
#elif defined(__riscv)
  return 243;
#else
  return 0; // unknown: not checked
#endif
}

// What is wrong with the file's bytes as a plugin for this lockstep ("" if
// nothing): checked before dlopen, which runs the plugin's constructors.
std::string check_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::string("cannot read it: ") + std::strerror(errno);
  const std::string bytes((std::istreambuf_iterator<char>(in)),
                          std::istreambuf_iterator<char>());
  if (bytes.size() < 64 || bytes.compare(0, 4, "\x7f"
                                               "ELF") != 0)
    return "it is not a shared library (no ELF header): give the .so that "
           "lockstep_add_target built";
  if (bytes[4] != 2)
    return "it is a 32-bit library; this lockstep is 64-bit";
  const unsigned machine = static_cast<unsigned char>(bytes[18]) |
                           static_cast<unsigned char>(bytes[19]) << 8;
  if (this_machine() != 0 && machine != this_machine()) {
    const char* name = machine_name(machine);
    return std::string("it is built for ") +
           (name != nullptr ? name
                            : "ELF machine " + std::to_string(machine)) +
           "; this lockstep runs on " + machine_name(this_machine()) +
           ": build the plugin on this machine";
  }
  const std::size_t at = bytes.find(kStampKey);
  if (at == std::string::npos)
    return "it has no lockstep stamp: build it with lockstep_add_target "
           "(find_package(lockstep)), which stamps it";
  const std::size_t begin = at + sizeof kStampKey - 1;
  const std::size_t end = bytes.find('\0', begin);
  const std::string stamp = bytes.substr(begin, end - begin);
  if (stamp != plugin_stamp())
    return "it was built against " + stamp + ", this is " + plugin_stamp() +
           " (another version, or other headers): rebuild it against this "
           "lockstep";
  return {};
}

// The addon's symbols (the simulator the plugin calls into) for the
// plugin's undefined ones: Node opens addons RTLD_LOCAL, so promote the
// library this code is in to the global scope. In an executable that
// links the simulator statically this reopens the executable, whose
// symbols are global already where it exports them (-rdynamic).
std::string expose_simulator() {
  Dl_info self{};
  if (dladdr(reinterpret_cast<void*>(&plugin_stamp), &self) == 0 ||
      self.dli_fname == nullptr)
    return "cannot find the lockstep library in this process (dladdr)";
  if (dlopen(self.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_GLOBAL) ==
      nullptr) {
    const char* why = dlerror();
    return std::string("cannot expose the simulator to plugins: ") +
           (why != nullptr ? why : "dlopen failed");
  }
  return {};
}

// Opened plugins: their canonical path and the targets they added.
std::map<std::string, std::vector<std::string>>& loaded() {
  static std::map<std::string, std::vector<std::string>> all;
  return all;
}

} // namespace

const char* plugin_stamp() noexcept { return LOCKSTEP_PLUGIN_STAMP; }

std::string load_plugin(const std::string& path,
                        std::vector<std::string>& names) {
  const std::string where = "plugin " + path + ": ";
  char* real = realpath(path.c_str(), nullptr);
  if (real == nullptr)
    return where + (errno == ENOENT ? "no such file"
                                    : std::string("cannot open it: ") +
                                          std::strerror(errno));
  const std::string canonical = real;
  std::free(real);
  if (auto it = loaded().find(canonical); it != loaded().end()) {
    names.insert(names.end(), it->second.begin(), it->second.end());
    return {};
  }
  if (std::string problem = check_file(canonical); !problem.empty())
    return where + problem;
  if (std::string problem = expose_simulator(); !problem.empty())
    return where + problem;

  targets(); // the built-in targets first: the plugin's come after
  const std::size_t first = registration_count();
  dlerror();
  void* handle = dlopen(canonical.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    const char* why = dlerror();
    forget_registrations_since(first);
    return where + "it does not load: " +
           (why != nullptr ? why : "dlopen failed") +
           " (built against another lockstep, or a library it needs is "
           "missing?)";
  }
  std::vector<std::string> added;
  if (std::string problem = add_registered_since(first, canonical, added);
      !problem.empty()) {
    dlclose(handle);
    return where + problem;
  }
  loaded()[canonical] = added;
  names.insert(names.end(), added.begin(), added.end());
  return {};
}

} // namespace lockstep::sim

// topology_binding.cpp — the machine's topology and thread pinning from
// JavaScript: topology, parseCpuList, formatCpuList, victimOrder,
// threadAffinity, pinThread, memoryBinding (lockstep/topology.hpp).
//
// Bad arguments are TypeErrors and RangeErrors naming the argument; a
// sysfs tree that is missing or malformed, or a pin the kernel refuses, is
// an Error whose message names the file or the call.
#include <sys/mman.h>
#include <unistd.h>

#include <cmath>
#include <system_error>
#include <vector>

#include "args.hpp"
#include "bindings.hpp"
#include "lockstep/topology.hpp"

namespace lockstep::addon {
namespace {

Napi::Array to_js(Napi::Env env, const std::vector<int>& values) {
  Napi::Array a = Napi::Array::New(env, values.size());
  for (std::size_t i = 0; i < values.size(); ++i)
    a.Set(static_cast<std::uint32_t>(i), Napi::Number::New(env, values[i]));
  return a;
}

// An array of integers in [min, kMaxCpus), at most kMaxCpus long.
std::vector<int> cpus_arg(const Napi::CallbackInfo& info, std::size_t index,
                          const char* fn, const char* param, int min) {
  const Napi::Value v = info[index];
  const std::string where = std::string(fn) + ": " + arg_name(index, param);
  if (!v.IsArray()) {
    const std::string got = describe(v);
    throw_type_error(info.Env(),
                     where + " must be an array of CPU numbers, got " + got);
  }
  const Napi::Array a = v.As<Napi::Array>();
  if (a.Length() > static_cast<std::uint32_t>(kMaxCpus))
    throw_range_error(info.Env(), where + " has " + std::to_string(a.Length()) +
                                      " entries, more than " +
                                      std::to_string(kMaxCpus));
  std::vector<int> out;
  for (std::uint32_t i = 0; i < a.Length(); ++i) {
    const Napi::Value e = a.Get(i);
    const std::string at = where + " entry " + std::to_string(i);
    if (!e.IsNumber())
      throw_type_error(info.Env(),
                       at + " must be a number, got " + describe(e));
    const double d = e.As<Napi::Number>().DoubleValue();
    if (!(std::trunc(d) == d) || d < min || d >= kMaxCpus)
      throw_range_error(info.Env(), at + " must be an integer from " +
                                        std::to_string(min) + " to " +
                                        std::to_string(kMaxCpus - 1) +
                                        ", got " + describe(e));
    out.push_back(static_cast<int>(d));
  }
  return out;
}

Topology read(Napi::Env env, const char* fn, const std::string& root) {
  try {
    return read_topology(root);
  } catch (const std::exception& e) {
    throw_error(env, std::string(fn) + ": " + e.what());
  }
}

Napi::Object topology_to_js(Napi::Env env, const Topology& t) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("source", t.source);
  Napi::Array nodes = Napi::Array::New(env, t.nodes.size());
  std::size_t cpus = 0;
  for (std::size_t n = 0; n < t.nodes.size(); ++n) {
    Napi::Object node = Napi::Object::New(env);
    node.Set("id", t.nodes[n].id);
    node.Set("cpus", to_js(env, t.nodes[n].cpus));
    node.Set("cpuList", format_cpu_list(t.nodes[n].cpus));
    node.Set("distances", to_js(env, t.nodes[n].distances));
    nodes.Set(static_cast<std::uint32_t>(n), node);
    cpus += t.nodes[n].cpus.size();
  }
  out.Set("nodes", nodes);
  out.Set("cpus", Napi::Number::New(env, static_cast<double>(cpus)));
  return out;
}

// topology(options?: { root })
Napi::Value topology(const Napi::CallbackInfo& info) {
  expect_arity(info, "topology", 0, 1);
  const Options options(info, 0, "topology", {"root"});
  const std::string root = options.string("root", "/sys");
  return topology_to_js(info.Env(), read(info.Env(), "topology", root));
}

// parseCpuList(text)
Napi::Value parse_cpu_list_js(const Napi::CallbackInfo& info) {
  expect_arity(info, "parseCpuList", 1, 1);
  if (!info[0].IsString())
    throw_type_error(info.Env(), "parseCpuList: " + arg_name(0, "text") +
                                     " must be a string, got " +
                                     describe(info[0]));
  const std::string text = info[0].As<Napi::String>().Utf8Value();
  try {
    return to_js(info.Env(), parse_cpu_list(text));
  } catch (const std::invalid_argument& e) {
    throw_range_error(info.Env(), "parseCpuList: " + arg_name(0, "text") +
                                      " is not a CPU list: " + e.what());
  }
}

// formatCpuList(cpus)
Napi::Value format_cpu_list_js(const Napi::CallbackInfo& info) {
  expect_arity(info, "formatCpuList", 1, 1);
  return Napi::String::New(
      info.Env(),
      format_cpu_list(cpus_arg(info, 0, "formatCpuList", "cpus", 0)));
}

// victimOrder(workerCpus, self, options?: { root })
Napi::Value victim_order_js(const Napi::CallbackInfo& info) {
  const char* fn = "victimOrder";
  expect_arity(info, fn, 2, 3);
  const std::vector<int> cpus = cpus_arg(info, 0, fn, "workerCpus", -1);
  const std::int64_t self = safe_integer_arg(info, 1, fn, "self");
  if (self < 0 || static_cast<std::size_t>(self) >= cpus.size())
    throw_range_error(info.Env(), std::string(fn) + ": " + arg_name(1, "self") +
                                      " must be a worker index from 0 to " +
                                      std::to_string(cpus.size()) +
                                      " - 1, got " + std::to_string(self));
  const Options options(info, 2, fn, {"root"});
  const Topology t = read(info.Env(), fn, options.string("root", "/sys"));
  return to_js(info.Env(), victim_order(t, cpus, static_cast<int>(self)));
}

// threadAffinity()
Napi::Value thread_affinity(const Napi::CallbackInfo& info) {
  expect_arity(info, "threadAffinity", 0, 0);
  try {
    return to_js(info.Env(), current_thread_affinity());
  } catch (const std::system_error& e) {
    throw_error(info.Env(), std::string("threadAffinity: ") + e.what());
  }
}

// pinThread(cpus): pins the calling (JavaScript) thread; returns the CPUs
// it could run on before, to restore.
Napi::Value pin_thread(const Napi::CallbackInfo& info) {
  expect_arity(info, "pinThread", 1, 1);
  const std::vector<int> cpus = cpus_arg(info, 0, "pinThread", "cpus", 0);
  if (cpus.empty())
    throw_range_error(info.Env(),
                      "pinThread: " + arg_name(0, "cpus") + " is empty");
  try {
    const std::vector<int> before = current_thread_affinity();
    pin_current_thread(cpus);
    return to_js(info.Env(), before);
  } catch (const std::exception& e) {
    throw_error(info.Env(), "pinThread: cannot pin to " +
                                format_cpu_list(cpus) + ": " + e.what());
  }
}

// memoryBinding(): can memory be bound to a node here? Binds one fresh
// page to the node of the calling thread's first CPU, touches it and asks
// the kernel where it is.
Napi::Value memory_binding(const Napi::CallbackInfo& info) {
  expect_arity(info, "memoryBinding", 0, 0);
  Napi::Env env = info.Env();
  const Topology t = read(env, "memoryBinding", "/sys");
  const int index = t.node_of(current_thread_affinity().front());
  const int node = t.nodes[static_cast<std::size_t>(index < 0 ? 0 : index)].id;
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  void* p = ::mmap(nullptr, page, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw_error(env, "memoryBinding: mmap failed");
  std::string why;
  try {
    why = bind_memory_to_node(p, page, node);
  } catch (const std::exception& e) {
    why = e.what();
  }
  static_cast<volatile char*>(p)[0] = 1; // the first touch places it
  const int placed = node_of_page(p);
  ::munmap(p, page);
  Napi::Object out = Napi::Object::New(env);
  out.Set("bound", why.empty());
  out.Set("node", node);
  out.Set("pageNode", placed);
  out.Set("detail", why.empty() ? "mbind to node " + std::to_string(node) +
                                      ": a touched page reports node " +
                                      std::to_string(placed)
                                : why);
  return out;
}

} // namespace

void init_topology(Napi::Env env, Napi::Object exports) {
  exports.Set("topology", Napi::Function::New(env, topology, "topology"));
  exports.Set("parseCpuList",
              Napi::Function::New(env, parse_cpu_list_js, "parseCpuList"));
  exports.Set("formatCpuList",
              Napi::Function::New(env, format_cpu_list_js, "formatCpuList"));
  exports.Set("victimOrder",
              Napi::Function::New(env, victim_order_js, "victimOrder"));
  exports.Set("threadAffinity",
              Napi::Function::New(env, thread_affinity, "threadAffinity"));
  exports.Set("pinThread", Napi::Function::New(env, pin_thread, "pinThread"));
  exports.Set("memoryBinding",
              Napi::Function::New(env, memory_binding, "memoryBinding"));
}

} // namespace lockstep::addon

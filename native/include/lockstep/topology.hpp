// topology.hpp — the machine's NUMA nodes, their CPUs and distances, read
// from sysfs; thread pinning; binding memory to a node; and the order in
// which a worker tries its peers when it steals (same node first, then by
// distance).
//
// Linux describes NUMA under <root>/devices/system/node: one nodeN folder
// per node, with `cpulist` (its CPUs as a CPU list, "0-3,8-11") and
// `distance` (one number per node, in node order; 10 means local). The
// root is a parameter so that tests read synthetic machines; a root with no
// node folder (a kernel without NUMA) is one node holding the CPUs of
// <root>/devices/system/cpu/online. Anything else that is missing or
// malformed is a TopologyError that names the file and what is wrong.
// Nothing here is on a hot path: read the topology once, at start-up.
//
//   const lockstep::Topology t = lockstep::read_topology();      // "/sys"
//   std::vector<int> order = lockstep::victim_order(t, worker_cpus, me);
//   lockstep::pin_current_thread(t.nodes[0].cpus);             // node 0
#pragma once

#include <linux/mempolicy.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace lockstep {

// CPU ids are below this (Linux's largest NR_CPUS is 8192): a bound that
// keeps a malformed list from asking for gigabytes.
inline constexpr int kMaxCpus = 16384;

// A sysfs file that is missing or malformed, or a root with no topology.
class TopologyError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

// "0-3,8,10-11" -> {0, 1, 2, 3, 8, 10, 11}; "" (or a lone newline) -> {}.
// Ascending, without duplicates. Throws std::invalid_argument saying what
// is wrong: a character that is not a digit, '-' or ',', an empty item, a
// range that runs backwards, an id not below kMaxCpus.
inline std::vector<int> parse_cpu_list(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' '))
    text.remove_suffix(1);
  std::vector<bool> seen(kMaxCpus, false);
  if (text.empty()) return {};
  const auto number = [&](std::string_view item) {
    int value = 0;
    const auto [end, ec] =
        std::from_chars(item.data(), item.data() + item.size(), value);
    if (item.empty() || ec != std::errc{} || end != item.data() + item.size())
      throw std::invalid_argument("'" + std::string(item) +
                                  "' is not a CPU number");
    if (value >= kMaxCpus)
      throw std::invalid_argument("CPU " + std::string(item) +
                                  " is not below " + std::to_string(kMaxCpus));
    return value;
  };
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = text.find(',', start);
    const std::string_view item = text.substr(
        start, comma == std::string_view::npos ? comma : comma - start);
    if (item.empty()) throw std::invalid_argument("an empty item");
    const std::size_t dash = item.find('-');
    const int first = number(item.substr(0, dash));
    const int last =
        dash == std::string_view::npos ? first : number(item.substr(dash + 1));
    if (last < first)
      throw std::invalid_argument("the range '" + std::string(item) +
                                  "' runs backwards");
    for (int cpu = first; cpu <= last; ++cpu)
      seen[static_cast<std::size_t>(cpu)] = true;
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  std::vector<int> cpus;
  for (int cpu = 0; cpu < kMaxCpus; ++cpu)
    if (seen[static_cast<std::size_t>(cpu)]) cpus.push_back(cpu);
  return cpus;
}

// The shortest CPU list for `cpus` (any order, duplicates allowed): runs of
// consecutive ids as ranges, "0-3,8,10-11". Throws std::invalid_argument
// for an id below 0 or not below kMaxCpus.
inline std::string format_cpu_list(std::vector<int> cpus) {
  for (int cpu : cpus) {
    if (cpu < 0 || cpu >= kMaxCpus)
      throw std::invalid_argument("CPU " + std::to_string(cpu) +
                                  " is not between 0 and " +
                                  std::to_string(kMaxCpus - 1));
  }
  std::sort(cpus.begin(), cpus.end());
  cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
  std::string out;
  for (std::size_t i = 0; i < cpus.size();) {
    std::size_t j = i;
    while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1)
      ++j;
    if (!out.empty()) out += ',';
    out += std::to_string(cpus[i]);
    if (j > i) out += '-' + std::to_string(cpus[j]);
    i = j + 1;
  }
  return out;
}

struct NumaNode {
  int id;                     // N of nodeN
  std::vector<int> cpus;      // ascending; empty for a memory-only node
  std::vector<int> distances; // to each node, in Topology::nodes order
};

struct Topology {
  std::vector<NumaNode> nodes; // ascending id; never empty
  std::string source;          // where it came from, for people

  // The index in `nodes` of the node holding `cpu`, or -1.
  int node_of(int cpu) const noexcept {
    for (std::size_t n = 0; n < nodes.size(); ++n) {
      if (std::binary_search(nodes[n].cpus.begin(), nodes[n].cpus.end(), cpu))
        return static_cast<int>(n);
    }
    return -1;
  }
};

namespace detail {
inline std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw TopologyError(path.string() + ": missing or unreadable");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}
inline std::vector<int> read_cpu_list(const std::filesystem::path& path) {
  const std::string text = read_file(path);
  try {
    return parse_cpu_list(text);
  } catch (const std::invalid_argument& e) {
    throw TopologyError(path.string() + ": not a CPU list (" + e.what() + ")");
  }
}
} // namespace detail

// The topology under `root` (see the top of this file). Every CPU is in at
// most one node; `distance` has one positive number per node.
inline Topology read_topology(const std::string& root = "/sys") {
  namespace fs = std::filesystem;
  const fs::path node_dir = fs::path(root) / "devices/system/node";
  Topology t;
  std::error_code ec;
  if (!fs::is_directory(node_dir, ec)) {
    const fs::path online = fs::path(root) / "devices/system/cpu/online";
    if (!fs::exists(online, ec)) {
      throw TopologyError(root + ": no NUMA nodes (" + node_dir.string() +
                          ") and no online CPUs (" + online.string() + ")");
    }
    t.nodes.push_back({0, detail::read_cpu_list(online), {10}});
    t.source = online.string() + " (no NUMA: one node)";
    return t;
  }
  for (const fs::directory_entry& e : fs::directory_iterator(node_dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name.size() < 5 || name.compare(0, 4, "node") != 0 ||
        name.find_first_not_of("0123456789", 4) != std::string::npos ||
        !e.is_directory(ec)) {
      continue;
    }
    int id = 0;
    const auto [end, err] =
        std::from_chars(name.data() + 4, name.data() + name.size(), id);
    if (err != std::errc{} || end != name.data() + name.size())
      throw TopologyError(e.path().string() + ": not a node number");
    t.nodes.push_back({id, detail::read_cpu_list(e.path() / "cpulist"), {}});
  }
  if (t.nodes.empty())
    throw TopologyError(node_dir.string() + ": no nodeN folder");
  std::sort(t.nodes.begin(), t.nodes.end(),
            [](const NumaNode& a, const NumaNode& b) { return a.id < b.id; });
  for (NumaNode& node : t.nodes) {
    const fs::path path =
        node_dir / ("node" + std::to_string(node.id)) / "distance";
    std::istringstream in(detail::read_file(path));
    std::string word;
    while (in >> word) {
      int d = 0;
      const auto [end, err] =
          std::from_chars(word.data(), word.data() + word.size(), d);
      if (err != std::errc{} || end != word.data() + word.size() || d <= 0)
        throw TopologyError(path.string() + ": '" + word +
                            "' is not a positive distance");
      node.distances.push_back(d);
    }
    if (node.distances.size() != t.nodes.size()) {
      throw TopologyError(
          path.string() + ": " + std::to_string(node.distances.size()) +
          " distance(s) for " + std::to_string(t.nodes.size()) + " node(s)");
    }
  }
  // Every CPU in at most one node.
  for (std::size_t a = 0; a < t.nodes.size(); ++a) {
    for (std::size_t b = a + 1; b < t.nodes.size(); ++b) {
      for (int cpu : t.nodes[a].cpus) {
        if (std::binary_search(t.nodes[b].cpus.begin(), t.nodes[b].cpus.end(),
                               cpu)) {
          throw TopologyError(node_dir.string() + ": CPU " +
                              std::to_string(cpu) + " is in node " +
                              std::to_string(t.nodes[a].id) + " and node " +
                              std::to_string(t.nodes[b].id));
        }
      }
    }
  }
  t.source = node_dir.string();
  return t;
}

// The order in which worker `self` tries the other workers when it steals:
// those on its own node first, then by the distance from its node to
// theirs, nearest first; ties (and workers whose CPU is -1, unpinned, or
// in no node, which come last) by worker index. worker_cpus[i] is worker
// i's CPU. Throws std::invalid_argument if `self` is not a worker.
inline std::vector<int>
victim_order(const Topology& t, std::span<const int> worker_cpus, int self) {
  if (self < 0 || static_cast<std::size_t>(self) >= worker_cpus.size())
    throw std::invalid_argument("self is not a worker index");
  const int home = t.node_of(worker_cpus[static_cast<std::size_t>(self)]);
  constexpr long kUnknown = 1L << 40;
  const auto rank = [&](int worker) -> long {
    const int node = t.node_of(worker_cpus[static_cast<std::size_t>(worker)]);
    if (node < 0 || home < 0) return kUnknown;
    if (node == home) return -1; // same node, before any distance
    return t.nodes[static_cast<std::size_t>(home)]
        .distances[static_cast<std::size_t>(node)];
  };
  std::vector<int> order;
  for (int w = 0; w < static_cast<int>(worker_cpus.size()); ++w)
    if (w != self) order.push_back(w);
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return rank(a) < rank(b); });
  return order;
}

// The CPUs the calling thread may run on (sched_getaffinity).
inline std::vector<int> current_thread_affinity() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0)
    throw std::system_error(errno, std::generic_category(),
                            "sched_getaffinity");
  std::vector<int> cpus;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
    if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
  return cpus;
}

// Pins the calling thread to `cpus` (sched_setaffinity; a node's CPUs pin
// it to the node). Throws std::invalid_argument for an empty list or a CPU
// the call cannot name, std::system_error when the kernel refuses (no CPU
// of the list online, or not allowed here).
inline void pin_current_thread(std::span<const int> cpus) {
  if (cpus.empty()) throw std::invalid_argument("no CPU to pin to");
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int cpu : cpus) {
    if (cpu < 0 || cpu >= CPU_SETSIZE)
      throw std::invalid_argument("CPU " + std::to_string(cpu) +
                                  " is not between 0 and " +
                                  std::to_string(CPU_SETSIZE - 1));
    CPU_SET(cpu, &set);
  }
  if (sched_setaffinity(0, sizeof set, &set) != 0)
    throw std::system_error(errno, std::generic_category(),
                            "sched_setaffinity");
}

// Binds the pages of [addr, addr + bytes) to NUMA node `node` (mbind(2),
// MPOL_BIND): they come from that node's memory when first touched.
// Returns "" when bound, else why not — the kernel has no NUMA system
// calls (ENOSYS) or forbids them here (EPERM: container seccomp profiles
// may) — leaving the memory as it was: the fallback, on which a one-node
// machine loses nothing. Throws std::invalid_argument for an address that
// is not page-aligned, or a node the kernel does not have.
inline std::string bind_memory_to_node(void* addr, std::size_t bytes,
                                       int node) {
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  if (reinterpret_cast<std::uintptr_t>(addr) % page != 0)
    throw std::invalid_argument("the address is not page-aligned");
  if (node < 0 || node >= kMaxCpus)
    throw std::invalid_argument("node " + std::to_string(node) +
                                " is not between 0 and " +
                                std::to_string(kMaxCpus - 1));
  constexpr int kBits = 8 * sizeof(unsigned long);
  std::vector<unsigned long> mask(static_cast<std::size_t>(node / kBits + 1));
  mask[static_cast<std::size_t>(node / kBits)] = 1UL << (node % kBits);
  if (::syscall(SYS_mbind, addr, bytes, MPOL_BIND, mask.data(),
                mask.size() * kBits + 1, 0) == 0) {
    return "";
  }
  const int err = errno;
  if (err == EINVAL)
    throw std::invalid_argument("the kernel has no node " +
                                std::to_string(node));
  return std::string("mbind: ") + std::generic_category().message(err);
}

// The node of the (touched) page at `addr`, or -1 when the kernel cannot
// say (get_mempolicy(2) with MPOL_F_NODE | MPOL_F_ADDR).
inline int node_of_page(const void* addr) noexcept {
  int node = -1;
  if (::syscall(SYS_get_mempolicy, &node, nullptr, 0, addr,
                MPOL_F_NODE | MPOL_F_ADDR) != 0) {
    return -1;
  }
  return node;
}

} // namespace lockstep

// topology_test.cpp — CPU lists, a synthetic two-node machine read from a
// temporary sysfs tree, its errors, the steal victim order, pinning the
// test's own thread (sched_getaffinity reads it back) and memory bound to
// a node (get_mempolicy reads it back), under ASan and UBSan.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "check.hpp"
#include "lockstep/topology.hpp"

namespace fs = std::filesystem;
using lockstep::format_cpu_list;
using lockstep::parse_cpu_list;
using lockstep::read_topology;
using lockstep::TopologyError;

namespace {

using Cpus = std::vector<int>;

std::string text(const Cpus& cpus) { return format_cpu_list(cpus); }

void write(const fs::path& path, const std::string& contents) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << contents;
}

// A fresh tree: node0 = 0-1,4, node1 = 2-3, distances 10/21.
fs::path two_nodes(const std::string& name) {
  const fs::path root =
      fs::temp_directory_path() /
      ("lockstep-topology-" + std::to_string(::getpid()) + "-" + name);
  fs::remove_all(root);
  const fs::path node = root / "devices/system/node";
  write(node / "node0/cpulist", "0-1,4\n");
  write(node / "node0/distance", "10 21\n");
  write(node / "node1/cpulist", "2-3\n");
  write(node / "node1/distance", "21 10\n");
  return root;
}

// The message of the TopologyError `read_topology(root)` throws, or "".
std::string error_of(const fs::path& root) {
  try {
    read_topology(root.string());
  } catch (const TopologyError& e) {
    return e.what();
  }
  return "";
}

bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

} // namespace

LOCKSTEP_TEST("semantics/cpu lists parse, format and round-trip") {
  CHECK(parse_cpu_list("0-3,8,10-11\n") == Cpus({0, 1, 2, 3, 8, 10, 11}));
  CHECK(parse_cpu_list("") == Cpus{});
  CHECK(parse_cpu_list("\n") == Cpus{});
  CHECK(parse_cpu_list("5,1-2,2") == Cpus({1, 2, 5}));
  CHECK_EQ(text({3, 1, 2, 0, 8, 10, 11, 11}), std::string("0-3,8,10-11"));
  CHECK_EQ(text({}), std::string(""));
  CHECK_EQ(text({7}), std::string("7"));
  const Cpus many = {0, 2, 3, 4, 9, 16383};
  CHECK(parse_cpu_list(text(many)) == many);
  for (const char* bad : {"a", "1-", "-1", "3-1", "1,,2", "16384", "1 2"}) {
    bool threw = false;
    try {
      parse_cpu_list(bad);
    } catch (const std::invalid_argument&) {
      threw = true;
    }
    CHECK(threw);
  }
}

LOCKSTEP_TEST("semantics/a synthetic two-node machine reads back") {
  const fs::path root = two_nodes("read");
  const lockstep::Topology t = read_topology(root.string());
  CHECK_EQ(t.nodes.size(), std::size_t{2});
  CHECK(t.nodes[0].cpus == Cpus({0, 1, 4}));
  CHECK(t.nodes[1].cpus == Cpus({2, 3}));
  CHECK(t.nodes[0].distances == Cpus({10, 21}));
  CHECK_EQ(t.node_of(4), 0);
  CHECK_EQ(t.node_of(3), 1);
  CHECK_EQ(t.node_of(9), -1);
  fs::remove_all(root);
}

LOCKSTEP_TEST("semantics/bad sysfs contents name the file") {
  const fs::path root = two_nodes("bad");
  const fs::path node = root / "devices/system/node";
  write(node / "node1/cpulist", "2-x\n");
  CHECK(contains(error_of(root), "node1/cpulist: not a CPU list"));
  write(node / "node1/cpulist", "1-3\n");
  CHECK(contains(error_of(root), "CPU 1 is in node 0 and node 1"));
  write(node / "node1/cpulist", "2-3\n");
  write(node / "node1/distance", "21\n");
  CHECK(contains(error_of(root), "node1/distance: 1 distance(s) for 2"));
  fs::remove(node / "node0/distance");
  CHECK(contains(error_of(root), "node0/distance: missing or unreadable"));
  fs::remove_all(root);
  CHECK(contains(error_of(root), "no NUMA nodes"));
}

LOCKSTEP_TEST("semantics/victims: same node first, then by distance") {
  const fs::path root = two_nodes("victims");
  const lockstep::Topology t = read_topology(root.string());
  // Workers on CPUs: 0 (node 0), 2 (node 1), 4 (node 0), unpinned, 3 (node 1).
  const Cpus workers = {0, 2, 4, -1, 3};
  CHECK(lockstep::victim_order(t, workers, 0) == Cpus({2, 1, 4, 3}));
  CHECK(lockstep::victim_order(t, workers, 1) == Cpus({4, 0, 2, 3}));
  CHECK(lockstep::victim_order(t, workers, 3) == Cpus({0, 1, 2, 4}));
  fs::remove_all(root);
}

LOCKSTEP_TEST("semantics/pinning this thread reads back") {
  const Cpus before = lockstep::current_thread_affinity();
  CHECK(!before.empty());
  lockstep::pin_current_thread(Cpus{before.front()});
  CHECK(lockstep::current_thread_affinity() == Cpus{before.front()});
  lockstep::pin_current_thread(before);
  CHECK(lockstep::current_thread_affinity() == before);
  bool refused = false;
  try {
    lockstep::pin_current_thread(Cpus{1000}); // not on this machine
  } catch (const std::system_error&) {
    refused = true;
  }
  CHECK(refused);
  CHECK(lockstep::current_thread_affinity() == before);
}

LOCKSTEP_TEST("semantics/memory bound to a node comes from it") {
  const lockstep::Topology t = read_topology();
  const int cpu = lockstep::current_thread_affinity().front();
  const int node = t.nodes[static_cast<std::size_t>(t.node_of(cpu))].id;
  const std::size_t bytes = std::size_t{1} << 20;
  void* region = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(region != MAP_FAILED);
  const std::string why = lockstep::bind_memory_to_node(region, bytes, node);
  std::memset(region, 1, bytes); // the first touch places the pages
  if (why.empty()) {
    CHECK_EQ(lockstep::node_of_page(region), node);
    CHECK_EQ(lockstep::node_of_page(static_cast<char*>(region) + bytes - 1),
             node);
  } else {
    std::printf("  (memory binding not available here: %s)\n", why.c_str());
  }
  bool threw = false;
  try {
    lockstep::bind_memory_to_node(region, bytes, 1000); // no such node
  } catch (const std::invalid_argument&) {
    threw = true;
  }
  CHECK(threw || !why.empty());
  threw = false;
  try {
    lockstep::bind_memory_to_node(static_cast<char*>(region) + 1, 64, node);
  } catch (const std::invalid_argument&) {
    threw = true;
  }
  CHECK(threw);
  ::munmap(region, bytes);
}

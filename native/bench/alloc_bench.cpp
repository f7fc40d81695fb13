// alloc_bench.cpp — allocate + free, ns per pair: lockstep's block pool and
// arenas against glibc malloc, jemalloc and mimalloc, timed here (natively),
// each trial in a fresh order, one JSON line per measurement on stdout.
//
// lockstep's allocators: the pool alone (every call a CAS on its free
// list), the pool through a cache per thread (BlockPool::Cache, 64 blocks,
// moved in batches of 32 with one CAS), and the thread arena.
//
// Workloads (64-byte blocks):
//   pair        allocate one block, write it, free it; repeat
//   batch-1000  allocate 1,000 blocks, then free them all (newest first)
//   2-threads   two threads each run `pair` on the same allocator at once
//               (the pool and the shared arena share one free list / one
//               bump offset; malloc keeps per-thread caches)
//   handoff     one thread allocates and passes blocks through the MPMC
//               queue to another that frees them (cross-thread free)
// The arena does not free single blocks: its "free" is a reset once per
// 1,000 allocations (per batch for batch-1000), so its figure is the cost
// of bump allocation with that reset amortised in.
//
// glibc is called through __libc_malloc/__libc_free, so that an allocator
// linked in for the others (jemalloc replaces malloc when linked) does not
// change what "glibc" measures; jemalloc through mallocx/dallocx, mimalloc
// through mi_malloc/mi_free. Peers not built in are listed as skipped.
//
//   alloc_bench [--trials N] [--ms M] [--smoke]
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "lockstep/arena.hpp"
#include "lockstep/block_pool.hpp"
#include "lockstep/mpmc_queue.hpp"
#include "lockstep/region.hpp"

#if defined(LOCKSTEP_BENCH_JEMALLOC)
#include <jemalloc/jemalloc.h>
#endif
#if defined(LOCKSTEP_BENCH_MIMALLOC)
#include <mimalloc.h>
#endif

extern "C" {
void* __libc_malloc(std::size_t);
void __libc_free(void*);
}

namespace {

constexpr std::size_t kBlock = 64;
constexpr std::size_t kBatch = 1000;

// The allocators under test: allocate and free one 64-byte block. The
// arena has no single free: reset() gives back everything at once.
struct PoolAlloc {
  static constexpr const char* kName = "lockstep pool";
  static constexpr bool kArena = false;
  lockstep::BlockPool<>* pool;
  void* allocate() const { return pool->allocate(); }
  void free(void* p) const { pool->free(p); }
  void reset() const {}
};
// The pool through a cache per thread (made on the thread's first call,
// flushed when it ends; main's before the pool goes): what a worker uses.
thread_local std::optional<lockstep::BlockPool<>::Cache> t_cache;
struct CachedPoolAlloc {
  static constexpr const char* kName = "lockstep pool + thread cache";
  static constexpr bool kArena = false;
  lockstep::BlockPool<>* pool;
  lockstep::BlockPool<>::Cache& cache() const {
    if (!t_cache) t_cache.emplace(*pool, 64);
    return *t_cache;
  }
  void* allocate() const { return cache().allocate(); }
  void free(void* p) const { cache().free(p); }
  void reset() const {}
};
struct ArenaAlloc {
  static constexpr const char* kName = "lockstep thread arena";
  static constexpr bool kArena = true;
  lockstep::ThreadArena* arena;
  void* allocate() const { return arena->allocate(kBlock, kBlock); }
  void free(void*) const {}
  void reset() const { arena->reset(); }
};
struct GlibcAlloc {
  static constexpr const char* kName = "glibc malloc";
  static constexpr bool kArena = false;
  void* allocate() const { return __libc_malloc(kBlock); }
  void free(void* p) const { __libc_free(p); }
  void reset() const {}
};
#if defined(LOCKSTEP_BENCH_JEMALLOC)
struct JeAlloc {
  static constexpr const char* kName = "jemalloc";
  static constexpr bool kArena = false;
  void* allocate() const { return mallocx(kBlock, 0); }
  void free(void* p) const { dallocx(p, 0); }
  void reset() const {}
};
#endif
#if defined(LOCKSTEP_BENCH_MIMALLOC)
struct MiAlloc {
  static constexpr const char* kName = "mimalloc";
  static constexpr bool kArena = false;
  void* allocate() const { return mi_malloc(kBlock); }
  void free(void* p) const { mi_free(p); }
  void reset() const {}
};
#endif

// Keeps the compiler from dropping the writes.
inline void touch(void* p, std::size_t i) {
  static_cast<volatile unsigned char*>(p)[0] = static_cast<unsigned char>(i);
}

using Clock = std::chrono::steady_clock;

// Runs `body(n)` with n growing until one call takes at least `ms`;
// returns ns per unit of n.
double time_ns(double ms, const std::function<void(std::size_t)>& body) {
  std::size_t n = 1000;
  for (;;) {
    const auto start = Clock::now();
    body(n);
    const double elapsed =
        std::chrono::duration<double, std::nano>(Clock::now() - start).count();
    if (elapsed >= ms * 1e6 || n >= (std::size_t{1} << 34))
      return elapsed / static_cast<double>(n);
    n *= elapsed < ms * 1e5 ? 10 : 2;
  }
}

template <class A> double pair(const A& a, double ms) {
  return time_ns(ms, [&](std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      void* p = a.allocate();
      touch(p, i);
      if constexpr (A::kArena) {
        if (i % kBatch == kBatch - 1) a.reset();
      } else {
        a.free(p);
      }
    }
    a.reset();
  });
}

template <class A> double batch(const A& a, double ms) {
  std::vector<void*> held(kBatch);
  return time_ns(ms, [&](std::size_t n) {
    for (std::size_t done = 0; done < n; done += kBatch) {
      for (std::size_t i = 0; i < kBatch; ++i) {
        held[i] = a.allocate();
        touch(held[i], i);
      }
      if constexpr (A::kArena) {
        a.reset();
      } else {
        for (std::size_t i = kBatch; i-- > 0;)
          a.free(held[i]);
      }
    }
  });
}

template <class A> double two_threads(const A& a, double ms) {
  return time_ns(ms, [&](std::size_t n) {
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t) {
      threads.emplace_back([&] {
        for (std::size_t i = 0; i < n; ++i) {
          void* p = a.allocate();
          touch(p, i);
          a.free(p);
        }
      });
    }
    for (std::thread& t : threads)
      t.join();
  });
}

template <class A> double handoff(const A& a, double ms) {
  return time_ns(ms, [&](std::size_t n) {
    lockstep::MpmcQueue<std::uintptr_t> queue(1024);
    std::thread consumer([&] {
      for (std::size_t got = 0; got < n;) {
        if (auto p = queue.try_pop()) {
          a.free(reinterpret_cast<void*>(*p));
          ++got;
        }
      }
    });
    for (std::size_t i = 0; i < n; ++i) {
      void* p = a.allocate();
      touch(p, i);
      while (!queue.try_push(reinterpret_cast<std::uintptr_t>(p))) {
      }
    }
    consumer.join();
  });
}

// One measurement: a workload run on an allocator.
struct Measurement {
  const char* workload;
  const char* allocator;
  std::function<double(double)> run; // ms -> ns per pair
};

template <class A> void add(std::vector<Measurement>& out, const A& a) {
  out.push_back({"pair", A::kName, [a](double ms) { return pair(a, ms); }});
  out.push_back(
      {"batch-1000", A::kName, [a](double ms) { return batch(a, ms); }});
  if constexpr (!A::kArena) {
    out.push_back(
        {"2-threads", A::kName, [a](double ms) { return two_threads(a, ms); }});
    out.push_back(
        {"handoff", A::kName, [a](double ms) { return handoff(a, ms); }});
  }
}

} // namespace

int main(int argc, char** argv) {
  int trials = 7;
  double ms = 200;
  bool smoke = false;
  for (int i = 1; i < argc; ++i) {
    const char* arg = argv[i];
    if (std::strcmp(arg, "--smoke") == 0) {
      trials = 1;
      ms = 2;
      smoke = true;
    } else if (std::strcmp(arg, "--trials") == 0 && i + 1 < argc) {
      trials = std::atoi(argv[++i]);
    } else if (std::strcmp(arg, "--ms") == 0 && i + 1 < argc) {
      ms = std::atof(argv[++i]);
    } else {
      std::fprintf(stderr,
                   "usage: alloc_bench [--trials N] [--ms M] [--smoke]\n");
      return 2;
    }
  }
  if (trials < 1 || ms <= 0) {
    std::fprintf(stderr, "alloc_bench: --trials and --ms must be positive\n");
    return 2;
  }

  // Start-up: the region, the pool over it, the arenas.
  lockstep::Region region = lockstep::Region::reserve({.bytes = 64u << 20});
  lockstep::Arena<> shared(region.data(), 8u << 20);
  lockstep::BlockPool<> pool(region.data() + (8u << 20), 32u << 20, kBlock,
                             kBlock);
  lockstep::ThreadArena local(region.data() + (40u << 20), 1u << 20);

  std::vector<Measurement> all;
  add(all, PoolAlloc{&pool});
  add(all, CachedPoolAlloc{&pool});
  add(all, ArenaAlloc{&local});
  add(all, GlibcAlloc{});
#if defined(LOCKSTEP_BENCH_JEMALLOC)
  add(all, JeAlloc{});
#else
  std::printf("{\"skipped\":\"jemalloc\",\"why\":\"libjemalloc-dev is not "
              "installed\"}\n");
#endif
#if defined(LOCKSTEP_BENCH_MIMALLOC)
  add(all, MiAlloc{});
#else
  std::printf("{\"skipped\":\"mimalloc\",\"why\":\"libmimalloc-dev is not "
              "installed\"}\n");
#endif

  // A warm-up round, then each trial measures everything once, in a fresh
  // random order, so that a noisy moment on this shared machine hits a
  // different peer each time.
  if (!smoke)
    for (const Measurement& m : all)
      m.run(ms); // the warm-up, unrecorded
  std::mt19937 shuffle(20261130);
  for (int trial = 0; trial < trials; ++trial) {
    std::shuffle(all.begin(), all.end(), shuffle);
    for (const Measurement& m : all) {
      const double ns = m.run(ms);
      std::printf("{\"workload\":\"%s\",\"subject\":\"%s\",\"trial\":%d,"
                  "\"ns\":%.3f}\n",
                  m.workload, m.allocator, trial, ns);
      std::fflush(stdout);
    }
  }
  t_cache.reset(); // flushed into the pool while the pool is there
  const auto s = pool.stats_quiescent();
  std::printf("{\"pool\":{\"allocations\":%llu,\"highWaterBlocks\":%zu,"
              "\"pages\":\"%s\"}}\n",
              static_cast<unsigned long long>(s.allocations),
              s.high_water / s.stride,
              lockstep::page_kind_name(region.pages()));
  return 0;
}

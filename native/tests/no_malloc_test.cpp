// no_malloc_test.cpp — "no malloc after start-up", counted.
//
// This executable interposes malloc, calloc, realloc, free and the aligned
// allocators (operator new goes through malloc in libstdc++), forwarding to
// glibc's own (__libc_malloc, ...) and counting every call while counting
// is on. Start-up takes the region, builds the arena, the pool, the
// hand-off queue and the SPSC ring, and starts the threads; then the
// steady state runs with counting on: each thread allocates blocks from
// the pool directly and through its own BlockPool::Cache, and scratch from
// its thread arena, passes some of its blocks to the other thread through
// the MPMC queue (which frees them: cross-thread free), thread 0 streams
// more to thread 1 through the SPSC ring (popped in batches, freed),
// clones and drops a shared Arc, makes Arcs in a pool of control blocks
// that it hands to thread 1 as raw pointers through a second ring (thread
// 1 drops them: the block goes back from the other thread), resets its
// scratch, and so on, 1,000,000 rounds each. The steady state must count
// zero. A
// control phase, also counted, makes one std::vector per thread and must
// count them: the counter is seen to work.
//
// Built without sanitizers (they interpose malloc themselves) and without
// the test harness library; its own main.
#include <atomic>
#include <barrier>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <thread>
#include <vector>

#include "lockstep/arc.hpp"
#include "lockstep/arena.hpp"
#include "lockstep/block_pool.hpp"
#include "lockstep/mpmc_queue.hpp"
#include "lockstep/region.hpp"
#include "lockstep/spsc_ring.hpp"

extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);
void __libc_free(void*);
}

namespace {
std::atomic<bool> counting{false};
std::atomic<std::uint64_t> mallocs{0};
std::atomic<std::uint64_t> frees{0};

inline void count(std::atomic<std::uint64_t>& counter) {
  if (counting.load(std::memory_order_relaxed))
    counter.fetch_add(1, std::memory_order_relaxed);
}
} // namespace

extern "C" {
void* malloc(std::size_t n) {
  count(mallocs);
  return __libc_malloc(n);
}
void* calloc(std::size_t k, std::size_t n) {
  count(mallocs);
  return __libc_calloc(k, n);
}
void* realloc(void* p, std::size_t n) {
  count(mallocs);
  return __libc_realloc(p, n);
}
void free(void* p) {
  if (p != nullptr) count(frees);
  __libc_free(p);
}
void* memalign(std::size_t alignment, std::size_t n) {
  count(mallocs);
  return __libc_memalign(alignment, n);
}
void* aligned_alloc(std::size_t alignment, std::size_t n) {
  count(mallocs);
  return __libc_memalign(alignment, n);
}
int posix_memalign(void** out, std::size_t alignment, std::size_t n) {
  count(mallocs);
  void* p = __libc_memalign(alignment, n);
  if (p == nullptr) return 12; // ENOMEM
  *out = p;
  return 0;
}
}

namespace {

constexpr int kThreads = 2;
constexpr std::size_t kRounds = 1'000'000;
constexpr std::size_t kBlockSize = 96; // a task record's size, say

struct Counts {
  std::uint64_t mallocs, frees;
};

// An object shared by reference count: a tensor's header, say.
struct Tensor {
  std::int64_t shape[4];
  std::int64_t id;
};
using TensorArc = lockstep::Arc<Tensor>;

Counts counted(const auto& phase) {
  mallocs.store(0);
  frees.store(0);
  counting.store(true);
  phase();
  counting.store(false);
  return {mallocs.load(), frees.load()};
}

} // namespace

int main() {
  // Start-up: everything is taken here, once.
  lockstep::Region region = lockstep::Region::reserve({.bytes = 8u << 20});
  lockstep::Arena<> arena(region.data(), region.size());
  void* pool_memory = arena.allocate(4u << 20, 64);
  lockstep::BlockPool<> pool(pool_memory, 4u << 20, kBlockSize, 64);
  lockstep::MpmcQueue<std::int64_t> handoff(1024);
  lockstep::SpscRing<std::int64_t> stream(1024); // thread 0 -> thread 1
  // Control blocks for Arcs made in the steady state, and one made now.
  void* arc_memory = arena.allocate(256u << 10, 64);
  lockstep::BlockPool<> arc_pool(arc_memory, 256u << 10, TensorArc::kBlockSize,
                                 TensorArc::kBlockAlign);
  lockstep::SpscRing<Tensor*> handles(256); // thread 0 -> thread 1
  const TensorArc shared = TensorArc::make(Tensor{{1, 2, 3, 4}, 0});
  std::vector<lockstep::ThreadArena> scratch;
  for (int t = 0; t < kThreads; ++t)
    scratch.push_back(lockstep::ThreadArena::carve(arena, 256u << 10));
  std::atomic<std::uint64_t> rounds_done{0};

  // Start-up ends at a barrier; then two phases, each between two
  // barriers: counting is switched by the main thread while the workers
  // wait at one.
  std::barrier sync(kThreads + 1);
  std::vector<std::thread> workers;
  for (int t = 0; t < kThreads; ++t) {
    workers.emplace_back([&, t] {
      lockstep::ThreadArena& mine = scratch[static_cast<std::size_t>(t)];
      lockstep::BlockPool<>::Cache cache(pool, 16); // start-up: its array
      // Thread 0 is the ring's producer, thread 1 its consumer.
      std::optional<lockstep::SpscRing<std::int64_t>::Producer> stream_in;
      std::optional<lockstep::SpscRing<std::int64_t>::Consumer> stream_out;
      std::optional<lockstep::SpscRing<Tensor*>::Producer> handles_in;
      std::optional<lockstep::SpscRing<Tensor*>::Consumer> handles_out;
      if (t == 0) {
        stream_in.emplace(stream.producer());
        handles_in.emplace(handles.producer());
      } else {
        stream_out.emplace(stream.consumer());
        handles_out.emplace(handles.consumer());
      }
      sync.arrive_and_wait(); // start-up done: counting goes on
      sync.arrive_and_wait(); // steady state begins
      std::uint64_t done = 0;
      for (std::size_t r = 0; r < kRounds; ++r) {
        if (auto i = pool.allocate_index()) {
          std::memset(pool.block(*i), t, kBlockSize);
          if (r % 2 == 0 && handoff.try_push(*i)) {
            // the other thread frees it
          } else {
            pool.free_index(*i);
          }
        }
        if (auto other = handoff.try_pop())
          pool.free_index(static_cast<std::uint32_t>(*other));
        // A stream of blocks from thread 0 to thread 1 through the SPSC
        // ring, which thread 1 drains in batches and frees.
        if (stream_in && r % 4 == 0) {
          if (auto i = pool.allocate_index()) {
            if (!stream_in->try_push(*i)) pool.free_index(*i);
          }
        }
        if (stream_out) {
          std::int64_t got[8];
          const std::size_t k = stream_out->try_pop_bulk(got, 8);
          for (std::size_t j = 0; j < k; ++j)
            pool.free_index(static_cast<std::uint32_t>(got[j]));
        }
        // Reference counts: a clone of the shared Arc and its drop; thread
        // 0 makes an Arc in the pool and hands it over as a raw pointer,
        // thread 1 takes it back and drops it (the block goes back).
        {
          const TensorArc mine = shared;
          if (mine->shape[3] != 4) std::abort();
        }
        if (handles_in && r % 4 == 1) {
          TensorArc made = TensorArc::make_in(
              arc_pool, Tensor{{1, 1, 1, 1}, static_cast<std::int64_t>(r)});
          if (made) {
            Tensor* raw = made.into_raw();
            if (!handles_in->try_push(raw)) TensorArc::from_raw(raw).reset();
          }
        }
        if (handles_out) {
          if (const auto raw = handles_out->try_pop())
            TensorArc::from_raw(*raw).reset();
        }
        // A worker's task records: through its cache, batches to the pool.
        if (auto c = cache.allocate_index()) {
          std::memset(pool.block(*c), t, 8);
          if (r % 3 == 0 && handoff.try_push(*c)) {
            // freed by the other thread, straight to the pool
          } else {
            cache.free_index(*c);
          }
        }
        if (void* s = mine.allocate(16 + r % 200, 16)) {
          std::memset(s, 1, 16);
        } else {
          mine.reset();
        }
        ++done;
      }
      rounds_done.fetch_add(done);
      cache.flush();
      sync.arrive_and_wait(); // steady state ends
      sync.arrive_and_wait(); // control begins
      {
        std::vector<int> control(100, t); // made and freed inside the phase
        if (control[99] != t) std::abort();
      }
      sync.arrive_and_wait(); // control ends
    });
  }
  sync.arrive_and_wait(); // every thread has made its cache
  const Counts steady = counted([&] {
    sync.arrive_and_wait();
    sync.arrive_and_wait();
  });
  const Counts control = counted([&] {
    sync.arrive_and_wait();
    sync.arrive_and_wait();
  });
  for (std::thread& w : workers)
    w.join();
  while (auto other = handoff.try_pop())
    pool.free_index(static_cast<std::uint32_t>(*other));
  {
    auto rest = stream.consumer();
    while (auto other = rest.try_pop())
      pool.free_index(static_cast<std::uint32_t>(*other));
    auto rest_handles = handles.consumer();
    while (auto raw = rest_handles.try_pop())
      TensorArc::from_raw(*raw).reset();
  }
  const auto arc_stats = arc_pool.stats_quiescent();

  const auto stats = pool.stats_quiescent();
  std::printf("steady state: %d threads, %llu rounds (pool alloc + free or "
              "hand-off, a cache, arena scratch, Arc clones and hand-offs): "
              "%llu mallocs, %llu frees\n",
              kThreads, static_cast<unsigned long long>(rounds_done.load()),
              static_cast<unsigned long long>(steady.mallocs),
              static_cast<unsigned long long>(steady.frees));
  std::printf("pool: %llu allocations, high-water %zu blocks of %zu; "
              "region on %s pages\n",
              static_cast<unsigned long long>(stats.allocations),
              stats.high_water / stats.stride, stats.stride,
              lockstep::page_kind_name(region.pages()));
  std::printf("control (one std::vector per thread, counted): %llu mallocs, "
              "%llu frees\n",
              static_cast<unsigned long long>(control.mallocs),
              static_cast<unsigned long long>(control.frees));
  bool ok = true;
  if (steady.mallocs != 0 || steady.frees != 0) {
    std::printf("FAIL: the steady state called the heap\n");
    ok = false;
  }
  if (control.mallocs < kThreads || control.frees < kThreads) {
    std::printf("FAIL: the counter missed the control phase's vectors\n");
    ok = false;
  }
  std::printf("arc: %llu control blocks made in the pool and dropped by "
              "the other thread; the shared one's count back to %zu\n",
              static_cast<unsigned long long>(arc_stats.allocations),
              shared.use_count());
  if (arc_stats.used != 0 || arc_stats.allocations < kRounds / 8 ||
      shared.use_count() != 1) {
    std::printf("FAIL: arc blocks still in use %zu, made %llu, shared "
                "count %zu\n",
                arc_stats.used,
                static_cast<unsigned long long>(arc_stats.allocations),
                shared.use_count());
    ok = false;
  }
  if (rounds_done.load() != kThreads * kRounds || stats.used != 0 ||
      !pool.check_invariants().empty()) {
    std::printf("FAIL: rounds %llu, %zu bytes still in use, invariants: %s\n",
                static_cast<unsigned long long>(rounds_done.load()), stats.used,
                pool.check_invariants().c_str());
    ok = false;
  }
  return ok ? 0 : 1;
}

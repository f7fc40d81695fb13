// arc.hpp — Arc<T>: an atomically reference-counted shared object (strong
// and weak handles), the lifetime of a tensor or a KV-cache page that
// several threads use and the last one frees.
//
// Guarantees: the object is built once (make / make_in) and destroyed
// exactly once, by the drop that takes the strong count to zero, after
// every access any other owner made through its own handle (each access
// happens before its owner's drop: release decrement; the last drop's
// acquire fence joins them all before the destructor runs). Its control
// block (the counts and the object) is given back once the last weak
// handle is gone too. clone and drop are one atomic read-modify-write each
// (wait-free, no loop) and never allocate; upgrade (a weak handle to a
// strong one) is a CAS loop (lock-free) that fails once the object is
// gone, never bringing it back. A handle is used by one thread at a time,
// as std::shared_ptr: the object itself is the owners' to synchronise.
//
// Algorithm: the counts of Boost's sp_counted_base, libstdc++'s
// shared_ptr and Rust's Arc: clone is fetch_add(relaxed); drop is
// fetch_sub(release) and, on the last one, fence(acquire) then the
// destructor; the strong handles together hold one weak count, given up
// after the destructor, so that the block outlives the object while weak
// handles remain (Rust's scheme); upgrade increments only a count it saw
// above zero, by CAS (Linux's kref_get_unless_zero, Rust's Weak::upgrade).
// Tags (C1)..(W2) below name each ordering and what it pairs with.
//
// Allocation: the control block is taken once, when the object is made —
// from a pool the caller set up at start-up (make_in: a BlockPool, any
// thread may give a block back), which keeps the engine's rule of no
// malloc after start-up, or through Sync::allocate (make: for objects
// made at start-up). Nothing after that allocates; the block goes back
// where it came from.
//
//   lockstep::BlockPool<> pool(memory, bytes, Arc<Tensor>::kBlockSize,
//                              Arc<Tensor>::kBlockAlign);
//   lockstep::Arc<Tensor> t = lockstep::Arc<Tensor>::make_in(pool, shape);
//   lockstep::Arc<Tensor> mine = t;        // clone: one relaxed increment
//   lockstep::Weak<Tensor> cache = t.downgrade();
//   if (lockstep::Arc<Tensor> again = cache.upgrade()) use(*again);
#pragma once

#include <cstddef>
#include <cstdint>
#include <new>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "lockstep/debug_assert.hpp"
#include "lockstep/std_sync.hpp"

namespace lockstep {

// Seeded defects of the reference count.
// Each Bugs type names its variant and says in one line what it breaks;
// ArcVariants lists them all, correct first.
struct NoArcBugs {
  static constexpr const char* kVariant = "correct";
  static constexpr const char* kDescription =
      "fetch_add relaxed, fetch_sub release + acquire fence on the last "
      "drop; upgrade by CAS, never from zero (Boost, libstdc++, Rust)";
  // Drop decrements with a relaxed fetch_sub and the last owner runs the
  // destructor without an acquire fence: nothing orders another owner's
  // last write to the object before the destructor, which may read (or
  // free and let someone reuse) memory that write has not reached yet.
  // Counting is right, so SC and x86 (every RMW is a full barrier) never
  // show it; ARM, C11 and ThreadSanitizer do.
  static constexpr bool kRelaxedDecrement = false;
  // Drop decrements with release as it should, but the last owner runs the
  // destructor without the acquire fence: the other owners' writes are
  // released and never acquired, so again the destructor may miss them.
  // The subtler half of the pattern (Boost and libstdc++ both have it).
  static constexpr bool kNoAcquireFence = false;
  // Upgrade checks that the strong count is above zero with a load, then
  // increments it with fetch_add: between the two the last owner may drop
  // it to zero and destroy the object, and the increment brings a
  // destroyed object back (a use after free, then a second destruction).
  // The check-then-act race kref_get_unless_zero exists to close.
  static constexpr bool kIncrementAfterZero = false;
  // The last-owner test is off by one (the old count compared with 2, as
  // if fetch_sub returned the count left): the drop that leaves one owner
  // runs the destructor while that owner still uses the object.
  static constexpr bool kDestroyOnSecondToLast = false;
  // Clone increments with a load and a store, not a read-modify-write (a
  // non-atomic count: Rc where Arc was needed): two clones at once count
  // one, and the object dies while an owner still holds it.
  static constexpr bool kRacyClone = false;
};
struct ArcRelaxedDecrement : NoArcBugs {
  static constexpr const char* kVariant = "relaxed-decrement";
  static constexpr const char* kDescription =
      "drop decrements with a relaxed fetch_sub and the last owner destroys "
      "without an acquire fence";
  static constexpr bool kRelaxedDecrement = true;
};
struct ArcNoAcquireFence : NoArcBugs {
  static constexpr const char* kVariant = "no-acquire-fence";
  static constexpr const char* kDescription =
      "drop decrements with release, but the last owner destroys without "
      "the acquire fence";
  static constexpr bool kNoAcquireFence = true;
};
struct ArcIncrementAfterZero : NoArcBugs {
  static constexpr const char* kVariant = "increment-after-zero";
  static constexpr const char* kDescription =
      "upgrade loads the count, then increments it: a count that reached "
      "zero meanwhile brings a destroyed object back";
  static constexpr bool kIncrementAfterZero = true;
};
struct ArcEarlyDestroy : NoArcBugs {
  static constexpr const char* kVariant = "early-destroy";
  static constexpr const char* kDescription =
      "the last-owner test is off by one: the second-to-last drop runs the "
      "destructor";
  static constexpr bool kDestroyOnSecondToLast = true;
};

struct ArcRacyClone : NoArcBugs {
  static constexpr const char* kVariant = "racy-clone";
  static constexpr const char* kDescription =
      "clone increments with a load and a store, not a read-modify-write: "
      "two clones at once count one";
  static constexpr bool kRacyClone = true;
};

using ArcVariants =
    std::tuple<NoArcBugs, ArcRelaxedDecrement, ArcNoAcquireFence,
               ArcIncrementAfterZero, ArcEarlyDestroy, ArcRacyClone>;

template <class T, class Sync = StdSync, class Bugs = NoArcBugs> class Arc;
template <class T, class Sync = StdSync, class Bugs = NoArcBugs> class Weak;

namespace detail {

// (D2) and (W2): the acquire fence after the last decrement of `count`.
// ThreadSanitizer does not model fences (StdSync's stand-in under TSan, a
// read-modify-write on one word every fence shares, pairs only with other
// fences, and the decrements release through the count itself), so under
// TSan it is an acquire load of the count instead: it reads the release
// sequence the fence would have joined, the same order in a form TSan
// follows (Rust's Arc does the same under its TSan cfg).
template <class Sync, class Count>
void acquire_after(const Count& count) noexcept {
#if defined(__SANITIZE_THREAD__)
  (void)count.load(std::memory_order_acquire);
#else
  (void)count;
  Sync::fence(std::memory_order_acquire);
#endif
}

// The control block: the two counts and the object, in one allocation
// (std::make_shared's layout; the counts share the object's first line).
template <class T, class Sync> struct ArcBlock {
  // Strong handles alive. The object lives while it is above zero.
  typename Sync::template atomic<std::size_t> strong{1};
  // Weak handles alive, plus one while any strong handle is. The block
  // lives while it is above zero.
  typename Sync::template atomic<std::size_t> weak{1};
  // Gives the block back: pool->free(block), or Sync::deallocate when
  // `give_back` is null.
  void (*give_back)(void* pool, void* block) noexcept = nullptr;
  void* pool = nullptr;
  alignas(T) unsigned char storage[sizeof(T)];

  ArcBlock() noexcept {
    Sync::label(&strong, "arc.strong");
    Sync::label(&weak, "arc.weak");
  }
  T* object() noexcept { return std::launder(address()); }
  // Where the object is (or was: a weak handle's may be gone).
  T* address() noexcept { return reinterpret_cast<T*>(storage); }
  // The block whose object is at `object`.
  static ArcBlock* of(T* object) noexcept {
    auto* at = reinterpret_cast<unsigned char*>(object);
    return reinterpret_cast<ArcBlock*>(at - offsetof(ArcBlock, storage));
  }
};

} // namespace detail

template <class T, class Sync, class Bugs> class Arc {
  static_assert(!std::is_array_v<T> && std::is_object_v<T>,
                "an Arc holds one object");
  static_assert(std::is_nothrow_destructible_v<T>,
                "the last drop runs the destructor: it must not throw");
  using Block = detail::ArcBlock<T, Sync>;

public:
  // What a pool's blocks must hold for make_in.
  static constexpr std::size_t kBlockSize = sizeof(Block);
  static constexpr std::size_t kBlockAlign = alignof(Block);

  // No object (as a moved-from handle).
  Arc() noexcept = default;

  // Builds T(args...) in a control block from Sync::allocate. Throws
  // std::bad_alloc without memory, and what T's constructor throws.
  template <class... Args> static Arc make(Args&&... args) {
    void* raw = Sync::allocate(sizeof(Block), alignof(Block));
    if (raw == nullptr) throw std::bad_alloc();
    return Arc(build(raw, nullptr, nullptr, std::forward<Args>(args)...));
  }

  // Builds T(args...) in a block of `pool` (pool.allocate() → void*,
  // nullptr when none is free; pool.free(void*), from any thread: a
  // BlockPool, not one thread's BlockPool::Cache), whose blocks are at
  // least kBlockSize bytes aligned to kBlockAlign; the block goes back to
  // the pool once the last handle is gone. An empty Arc when the pool has
  // no free block. `pool` outlives every handle.
  template <class Pool, class... Args>
  static Arc make_in(Pool& pool, Args&&... args) noexcept(
      std::is_nothrow_constructible_v<T, Args...>) {
    if constexpr (requires { pool.stride(); })
      LOCKSTEP_DEBUG_ASSERT(Sync, pool.stride() >= sizeof(Block),
                            "arc: the pool's blocks are too small for the "
                            "control block (Arc::kBlockSize)");
    void* raw = pool.allocate();
    if (raw == nullptr) return Arc();
    LOCKSTEP_DEBUG_ASSERT(
        Sync, reinterpret_cast<std::uintptr_t>(raw) % alignof(Block) == 0,
        "arc: a pool block is not aligned to Arc::kBlockAlign");
    return Arc(build(raw, &free_to<Pool>, &pool, std::forward<Args>(args)...));
  }

  // clone: one more owner of the same object.
  Arc(const Arc& other) noexcept : block_(other.block_) {
    if (block_ != nullptr) clone(block_);
  }
  Arc(Arc&& other) noexcept : block_(std::exchange(other.block_, nullptr)) {}
  Arc& operator=(const Arc& other) noexcept {
    Arc(other).swap(*this);
    return *this;
  }
  Arc& operator=(Arc&& other) noexcept {
    Arc(std::move(other)).swap(*this);
    return *this;
  }
  // drop: the last one destroys the object.
  ~Arc() {
    if (block_ != nullptr) drop(block_);
  }
  void reset() noexcept { Arc().swap(*this); }
  void swap(Arc& other) noexcept { std::swap(block_, other.block_); }

  explicit operator bool() const noexcept { return block_ != nullptr; }
  T* get() const noexcept {
    return block_ == nullptr ? nullptr : block_->object();
  }
  T& operator*() const noexcept { return *block_->object(); }
  T* operator->() const noexcept { return block_->object(); }
  // Whether two handles share one object.
  bool same_object(const Arc& other) const noexcept {
    return block_ == other.block_;
  }

  // Gives the handle up without dropping it, as the object's address
  // (nullptr for an empty Arc), which from_raw turns back into the handle,
  // exactly once: for passing a handle through a structure that holds
  // plain values (a queue's cells), as Rust's Arc::into_raw.
  T* into_raw() noexcept {
    Block* b = std::exchange(block_, nullptr);
    return b == nullptr ? nullptr : b->address();
  }
  static Arc from_raw(T* object) noexcept {
    return object == nullptr ? Arc() : Arc(Block::of(object));
  }

  // A weak handle to the same object (none from an empty Arc).
  Weak<T, Sync, Bugs> downgrade() const noexcept {
    if (block_ == nullptr) return {};
    // (C2) relaxed: as (C1); this strong handle holds the block.
    block_->weak.fetch_add(1, std::memory_order_relaxed);
    return Weak<T, Sync, Bugs>(block_);
  }

  // Strong and weak handles alive (the weak count without the strong
  // handles' one); 0 for an empty Arc. Relaxed reads: a hint while other
  // threads clone and drop, exact when quiescent.
  std::size_t use_count() const noexcept {
    return block_ == nullptr ? 0
                             : block_->strong.load(std::memory_order_relaxed);
  }
  std::size_t weak_count() const noexcept {
    if (block_ == nullptr) return 0;
    const std::size_t w = block_->weak.load(std::memory_order_relaxed);
    return use_count() == 0 ? w : w - 1;
  }

  // Quiescent only. Empty when a live handle's counts hold (at least this
  // strong handle, and the strong handles' weak count), else what broke.
  std::string check_invariants() const {
    if (block_ == nullptr) return {};
    const std::size_t s = block_->strong.load(std::memory_order_relaxed);
    const std::size_t w = block_->weak.load(std::memory_order_relaxed);
    if (s == 0 || w == 0)
      return "arc: a live strong handle sees strong " + std::to_string(s) +
             " and weak " + std::to_string(w) + " (both must be at least 1)";
    return {};
  }

private:
  friend class Weak<T, Sync, Bugs>;

  // Adopts one strong count already taken.
  explicit Arc(Block* block) noexcept : block_(block) {}

  template <class... Args>
  static Block* build(void* raw, void (*give_back)(void*, void*) noexcept,
                      void* pool, Args&&... args) {
    Block* b = ::new (raw) Block();
    b->give_back = give_back;
    b->pool = pool;
    try {
      ::new (static_cast<void*>(b->storage)) T(std::forward<Args>(args)...);
    } catch (...) {
      b->~Block();
      release_block_memory(give_back, pool, raw);
      throw;
    }
    return b;
  }

  template <class Pool> static void free_to(void* pool, void* block) noexcept {
    static_cast<Pool*>(pool)->free(block);
  }
  static void release_block_memory(void (*give_back)(void*, void*) noexcept,
                                   void* pool, void* raw) noexcept {
    if (give_back != nullptr)
      give_back(pool, raw);
    else
      Sync::deallocate(raw, sizeof(Block), alignof(Block));
  }

  static void clone(Block* b) noexcept {
    // (C1) relaxed: the new owner needs no ordering. The cloning thread
    // owns a handle, so the object cannot die meanwhile, and what it does
    // with the object is ordered by its own drop's release (D1).
    if constexpr (Bugs::kRacyClone) {
      const std::size_t n = b->strong.load(std::memory_order_relaxed);
      b->strong.store(n + 1, std::memory_order_relaxed);
    } else {
      b->strong.fetch_add(1, std::memory_order_relaxed);
    }
  }

  static void drop(Block* b) noexcept {
    // (D1) release: this owner's accesses to the object happen before
    // its decrement; pairs with (D2) in whichever drop is last, through
    // the count's release sequence (every decrement is a read-modify-write
    // of it).
    const std::size_t old = b->strong.fetch_sub(
        1, Bugs::kRelaxedDecrement ? std::memory_order_relaxed
                                   : std::memory_order_release);
    LOCKSTEP_DEBUG_ASSERT(Sync, old != 0,
                          "arc: a drop found no owner left (dropped twice?)");
    // Is this the last owner? — No: done (the common case).
    if (old != (Bugs::kDestroyOnSecondToLast ? 2 : 1)) return;
    destroy(b);
  }

  // The last owner's path, out of line: the drop above stays small.
  [[gnu::noinline]] static void destroy(Block* b) noexcept {
    // (D2) acquire: every other owner's accesses, released by its (D1),
    // happen before the destructor; pairs with (D1).
    if constexpr (!Bugs::kRelaxedDecrement && !Bugs::kNoAcquireFence)
      detail::acquire_after<Sync>(b->strong);
    b->object()->~T();
    // The strong handles' weak count goes with the last of them.
    Weak<T, Sync, Bugs>::release(b);
  }

  Block* block_ = nullptr;
};

template <class T, class Sync, class Bugs> class Weak {
  using Block = detail::ArcBlock<T, Sync>;
  using Strong = Arc<T, Sync, Bugs>;

public:
  // No object.
  Weak() noexcept = default;
  Weak(const Weak& other) noexcept : block_(other.block_) {
    // (C3) relaxed: as (C1); the handle copied holds the block.
    if (block_ != nullptr) block_->weak.fetch_add(1, std::memory_order_relaxed);
  }
  Weak(Weak&& other) noexcept : block_(std::exchange(other.block_, nullptr)) {}
  Weak& operator=(const Weak& other) noexcept {
    Weak(other).swap(*this);
    return *this;
  }
  Weak& operator=(Weak&& other) noexcept {
    Weak(std::move(other)).swap(*this);
    return *this;
  }
  ~Weak() {
    if (block_ != nullptr) release(block_);
  }
  void reset() noexcept { Weak().swap(*this); }
  void swap(Weak& other) noexcept { std::swap(block_, other.block_); }

  // A strong handle to the object, or an empty Arc once it is gone (or
  // going: its count reached zero). Never from zero: the CAS increments
  // only a count it read above zero. Lock-free: a CAS fails only when
  // another clone, drop or upgrade changed the count.
  Strong upgrade() const noexcept {
    if (block_ == nullptr) return Strong();
    if constexpr (Bugs::kIncrementAfterZero) {
      if (block_->strong.load(std::memory_order_relaxed) == 0) return Strong();
      // The count may reach zero here, and the object die.
      block_->strong.fetch_add(1, std::memory_order_relaxed);
      return Strong(block_);
    } else {
      std::size_t n = block_->strong.load(std::memory_order_relaxed);
      for (;;) {
        if (n == 0) return Strong(); // gone
        // (U1) relaxed, as (C1): the CAS succeeds only on a count above
        // zero, so some owner holds the object while we join; the
        // object's construction happened before this weak handle reached
        // us; our accesses are ordered by our drop's (D1).
        if (block_->strong.compare_exchange_weak(
                n, n + 1, std::memory_order_relaxed, std::memory_order_relaxed))
          return Strong(block_);
        Sync::spin_hint();
      }
    }
  }

  // As Arc::into_raw and from_raw, for a weak handle.
  T* into_raw() noexcept {
    Block* b = std::exchange(block_, nullptr);
    return b == nullptr ? nullptr : b->address();
  }
  static Weak from_raw(T* object) noexcept {
    return object == nullptr ? Weak() : Weak(Block::of(object));
  }

  // Whether the object is gone, and the strong handles alive (relaxed
  // reads: hints, exact when quiescent).
  bool expired() const noexcept { return use_count() == 0; }
  std::size_t use_count() const noexcept {
    return block_ == nullptr ? 0
                             : block_->strong.load(std::memory_order_relaxed);
  }
  // The weak handles alive (as Arc::weak_count).
  std::size_t weak_count() const noexcept {
    if (block_ == nullptr) return 0;
    const std::size_t w = block_->weak.load(std::memory_order_relaxed);
    return use_count() == 0 ? w : w - 1;
  }

private:
  friend class Arc<T, Sync, Bugs>;

  // Adopts one weak count already taken.
  explicit Weak(Block* block) noexcept : block_(block) {}

  // Gives up one weak count; the last gives the block back.
  static void release(Block* b) noexcept {
    // (W1) release: this holder's reads of the block (its counts) happen
    // before the decrement; pairs with (W2).
    if (b->weak.fetch_sub(1, std::memory_order_release) != 1) return;
    // (W2) acquire: every other holder's last access to the block happens
    // before it is given back; pairs with (W1).
    detail::acquire_after<Sync>(b->weak);
    void (*give_back)(void*, void*) noexcept = b->give_back;
    void* pool = b->pool;
    b->~Block();
    Strong::release_block_memory(give_back, pool, b);
  }

  Block* block_ = nullptr;
};

} // namespace lockstep

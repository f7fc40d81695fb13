// memory_binding.cpp — the arena and the block pool from JavaScript:
// arenaCreate, arenaAllocate, arenaReset, arenaStats, poolCreate,
// poolAllocate, poolFree, poolStats, poolCheckInvariants.
//
// Each handle owns its Region (mmap'd at creation, pages touched). Blocks
// are named by their byte offset from the region's start (page-aligned, so
// an offset shows the block's alignment). poolFree checks what the engine
// trusts its callers with: that the offset is a block the pool handed out
// and that is not freed yet; a double free is an Error, never a corrupted
// free list.
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include "args.hpp"
#include "bindings.hpp"
#include "handles.hpp"
#include "lockstep/arena.hpp"
#include "lockstep/block_pool.hpp"
#include "lockstep/region.hpp"
#include "results.hpp"
#include "variants.hpp"

namespace lockstep::addon {
namespace {

// No input from JavaScript makes the process map more than this.
constexpr std::size_t kMaxRegion = std::size_t{256} << 20;
constexpr std::size_t kMaxAlignment = 4096;
constexpr std::size_t kMaxAllocation = std::size_t{1} << 40;

struct ArenaApi {
  virtual ~ArenaApi() = default;
  virtual std::optional<std::size_t> allocate(std::size_t bytes,
                                              std::size_t alignment) = 0;
  virtual void reset() = 0;
  virtual ArenaStats stats() const = 0;
  virtual PageKind pages() const = 0;
};

template <class Bugs> class ArenaOf final : public ArenaApi {
public:
  explicit ArenaOf(const RegionOptions& o)
      : region_(Region::reserve(o)), arena_(region_.data(), region_.size()) {}
  std::optional<std::size_t> allocate(std::size_t bytes,
                                      std::size_t alignment) override {
    void* p = arena_.allocate(bytes, alignment);
    if (p == nullptr) return std::nullopt;
    return static_cast<std::size_t>(static_cast<std::byte*>(p) -
                                    region_.data());
  }
  void reset() override { arena_.reset(); }
  ArenaStats stats() const override { return arena_.stats(); }
  PageKind pages() const override { return region_.pages(); }

private:
  Region region_; // first: the arena points into it
  Arena<StdSync, Bugs> arena_;
};

struct PoolConfig {
  std::size_t block_size, blocks, alignment;
};

struct PoolApi {
  virtual ~PoolApi() = default;
  virtual std::optional<std::size_t> allocate() = 0;
  // "" when freed, else why not.
  virtual std::string free(std::size_t offset) = 0;
  virtual PoolStats stats() const = 0;
  virtual std::string check_invariants() const = 0;
};

template <class Bugs> class PoolOf final : public PoolApi {
public:
  explicit PoolOf(const PoolConfig& c)
      : region_(Region::reserve({.bytes = stride(c) * c.blocks})),
        pool_(region_.data(), stride(c) * c.blocks, c.block_size, c.alignment),
        live_(pool_.blocks(), false) {}
  std::optional<std::size_t> allocate() override {
    const std::optional<std::uint32_t> i = pool_.allocate_index();
    if (!i) return std::nullopt;
    live_[*i] = true;
    return static_cast<std::size_t>(*i) * pool_.stride();
  }
  std::string free(std::size_t offset) override {
    const std::size_t last = (pool_.blocks() - 1) * pool_.stride();
    if (offset % pool_.stride() != 0 || offset > last)
      return "offset " + std::to_string(offset) +
             " is not the start of a block (blocks start every " +
             std::to_string(pool_.stride()) + " bytes, from 0 to " +
             std::to_string(last) + ")";
    const auto i = static_cast<std::uint32_t>(offset / pool_.stride());
    if (!live_[i])
      return "the block at offset " + std::to_string(offset) +
             " is not allocated (freed already, or never handed out)";
    live_[i] = false;
    pool_.free_index(i);
    return "";
  }
  PoolStats stats() const override { return pool_.stats_quiescent(); }
  std::string check_invariants() const override {
    return pool_.check_invariants();
  }

private:
  static std::size_t stride(const PoolConfig& c) {
    return (c.block_size + c.alignment - 1) / c.alignment * c.alignment;
  }
  Region region_; // first: the pool points into it
  BlockPool<StdSync, Bugs> pool_;
  std::vector<bool> live_; // which blocks JavaScript holds
};

using ArenaFactory = std::unique_ptr<ArenaApi> (*)(const RegionOptions&);
using PoolFactory = std::unique_ptr<PoolApi> (*)(const PoolConfig&);

const auto kArenaVariants =
    variant_table<ArenaVariants, ArenaFactory>([]<class Bugs>() {
      return +[](const RegionOptions& o) -> std::unique_ptr<ArenaApi> {
        return std::make_unique<ArenaOf<Bugs>>(o);
      };
    });
const auto kPoolVariants =
    variant_table<PoolVariants, PoolFactory>([]<class Bugs>() {
      return +[](const PoolConfig& c) -> std::unique_ptr<PoolApi> {
        return std::make_unique<PoolOf<Bugs>>(c);
      };
    });

using ArenaHandle = StructureHandle<ArenaApi>;
using PoolHandle = StructureHandle<PoolApi>;

// A power of two option in [1, kMaxAlignment].
std::size_t alignment_option(Napi::Env env, const Options& options,
                             const char* fn, std::size_t fallback) {
  const std::size_t a = options.size("alignment", fallback, 1, kMaxAlignment);
  if ((a & (a - 1)) != 0)
    throw_range_error(env, std::string(fn) +
                               ": option alignment must be a power of two, "
                               "got " +
                               std::to_string(a));
  return a;
}

// Builds a handle's structure; the region's errors are JS Errors.
template <class Make> auto create(Napi::Env env, const char* fn, Make make) {
  try {
    return construct(env, fn, make);
  } catch (const std::system_error& e) {
    throw_error(env, std::string(fn) + ": " + e.what());
  }
}

Napi::Value arena_create(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "arenaCreate";
  expect_arity(info, fn, 0, 1);
  const Options options(info, 0, fn, {"bytes", "hugePages", "variant"});
  RegionOptions region;
  region.bytes = options.size("bytes", std::size_t{1} << 20, 1, kMaxRegion);
  const std::string huge = options.string("hugePages", "auto");
  if (huge == "never") {
    region.huge_pages = HugePages::kNever;
  } else if (huge == "require") {
    region.huge_pages = HugePages::kRequire;
  } else if (huge != "auto") {
    throw_range_error(info.Env(), std::string(fn) +
                                      ": option hugePages must be one of "
                                      "auto, never, require, got '" +
                                      huge + "'");
  }
  const auto& variant = find_variant(info.Env(), kArenaVariants,
                                     options.string("variant", "correct"), fn);
  auto api = create(info.Env(), fn, [&] { return variant.make(region); });
  return wrap_handle(
      info.Env(), std::make_unique<ArenaHandle>(Kind::kArena, std::move(api)));
}

ArenaApi& arena_arg(const Napi::CallbackInfo& info, const char* fn) {
  return handle_arg<ArenaHandle>(info, 0, Kind::kArena, fn, "arena").api();
}

Napi::Value arena_allocate(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "arenaAllocate";
  expect_arity(info, fn, 2, 3);
  ArenaApi& arena = arena_arg(info, fn);
  const std::int64_t bytes = safe_integer_arg(info, 1, fn, "bytes");
  if (bytes < 0 || static_cast<std::size_t>(bytes) > kMaxAllocation)
    throw_range_error(info.Env(), std::string(fn) + ": " +
                                      arg_name(1, "bytes") +
                                      " must be from 0 to 2^40, got " +
                                      std::to_string(bytes));
  std::int64_t alignment = 8;
  if (info.Length() > 2 && !info[2].IsUndefined()) {
    alignment = safe_integer_arg(info, 2, fn, "alignment");
    if (alignment < 1 || alignment > static_cast<std::int64_t>(kMaxAlignment) ||
        (alignment & (alignment - 1)) != 0)
      throw_range_error(info.Env(),
                        std::string(fn) + ": " + arg_name(2, "alignment") +
                            " must be a power of two from 1 to 4096, got " +
                            std::to_string(alignment));
  }
  const auto offset = arena.allocate(static_cast<std::size_t>(bytes),
                                     static_cast<std::size_t>(alignment));
  if (!offset) return info.Env().Undefined();
  return Napi::Number::New(info.Env(), static_cast<double>(*offset));
}

Napi::Value arena_reset(const Napi::CallbackInfo& info) {
  expect_arity(info, "arenaReset", 1, 1);
  arena_arg(info, "arenaReset").reset();
  return info.Env().Undefined();
}

Napi::Value arena_stats(const Napi::CallbackInfo& info) {
  expect_arity(info, "arenaStats", 1, 1);
  const ArenaApi& arena = arena_arg(info, "arenaStats");
  const ArenaStats s = arena.stats();
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("reserved", static_cast<double>(s.reserved));
  out.Set("used", static_cast<double>(s.used));
  out.Set("highWater", static_cast<double>(s.high_water));
  out.Set("allocations", static_cast<double>(s.allocations));
  out.Set("pages", page_kind_name(arena.pages()));
  return out;
}

Napi::Value pool_create(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "poolCreate";
  expect_arity(info, fn, 0, 1);
  const Options options(info, 0, fn,
                        {"blockSize", "blocks", "alignment", "variant"});
  PoolConfig config;
  config.block_size = options.size("blockSize", 64, 1, kMaxAlignment);
  config.blocks = options.size("blocks", 1024, 1, 65536);
  config.alignment = alignment_option(info.Env(), options, fn, 8);
  const auto& variant = find_variant(info.Env(), kPoolVariants,
                                     options.string("variant", "correct"), fn);
  auto api = create(info.Env(), fn, [&] { return variant.make(config); });
  return wrap_handle(info.Env(), std::make_unique<PoolHandle>(Kind::kBlockPool,
                                                              std::move(api)));
}

PoolApi& pool_arg(const Napi::CallbackInfo& info, const char* fn) {
  return handle_arg<PoolHandle>(info, 0, Kind::kBlockPool, fn, "pool").api();
}

Napi::Value pool_allocate(const Napi::CallbackInfo& info) {
  expect_arity(info, "poolAllocate", 1, 1);
  const auto offset = pool_arg(info, "poolAllocate").allocate();
  if (!offset) return info.Env().Undefined();
  return Napi::Number::New(info.Env(), static_cast<double>(*offset));
}

Napi::Value pool_free(const Napi::CallbackInfo& info) {
  constexpr const char* fn = "poolFree";
  expect_arity(info, fn, 2, 2);
  PoolApi& pool = pool_arg(info, fn);
  const std::int64_t offset = safe_integer_arg(info, 1, fn, "offset");
  if (offset < 0)
    throw_range_error(
        info.Env(), std::string(fn) + ": " + arg_name(1, "offset") +
                        " must not be negative, got " + std::to_string(offset));
  const std::string why = pool.free(static_cast<std::size_t>(offset));
  if (!why.empty()) throw_error(info.Env(), std::string(fn) + ": " + why);
  return info.Env().Undefined();
}

Napi::Value pool_stats(const Napi::CallbackInfo& info) {
  expect_arity(info, "poolStats", 1, 1);
  const PoolStats s = pool_arg(info, "poolStats").stats();
  Napi::Object out = Napi::Object::New(info.Env());
  out.Set("blockSize", static_cast<double>(s.block_size));
  out.Set("stride", static_cast<double>(s.stride));
  out.Set("blocks", static_cast<double>(s.blocks));
  out.Set("reserved", static_cast<double>(s.reserved));
  out.Set("used", static_cast<double>(s.used));
  out.Set("highWater", static_cast<double>(s.high_water));
  out.Set("allocations", static_cast<double>(s.allocations));
  return out;
}

Napi::Value pool_check_invariants(const Napi::CallbackInfo& info) {
  expect_arity(info, "poolCheckInvariants", 1, 1);
  return invariants_result(
      info.Env(), pool_arg(info, "poolCheckInvariants").check_invariants());
}

} // namespace

void init_memory(Napi::Env env, Napi::Object exports) {
  auto set = [&](const char* name, Napi::Function::Callback cb) {
    exports.Set(name, Napi::Function::New(env, cb, name));
  };
  set("arenaCreate", arena_create);
  set("arenaAllocate", arena_allocate);
  set("arenaReset", arena_reset);
  set("arenaStats", arena_stats);
  set("poolCreate", pool_create);
  set("poolAllocate", pool_allocate);
  set("poolFree", pool_free);
  set("poolStats", pool_stats);
  set("poolCheckInvariants", pool_check_invariants);
}

} // namespace lockstep::addon

// sdk.hpp — checking your own lock-free structure with lockstep.
//
// Write the structure as a template over a Sync policy and a Bugs type
// (docs/sdk.md has the contract: Sync::atomic, Sync::fence, Sync::cell,
// Sync::spin_hint, Sync::allocate; no raw std::atomic, no other locks),
// then declare it as a target in a file of its own, built into a plugin
// with lockstep_add_target (cmake/lockstepConfig.cmake):
//
//   #include <lockstep/sdk.hpp>
//   #include "ring.hpp" // template <class Sync, class Bugs> class Ring
//
//   LOCKSTEP_SDK_TARGET(ring) {
//     return lockstep::sdk::Target<Ring, RingVariants>("my-ring", "my ring")
//         .param("capacity", 2, 1, 8, "slots")
//         .op("push", [](auto& r, std::int64_t v) { return r.try_push(v); })
//         .op("pop", [](auto& r) { return r.try_pop(); });
//   }
//
// The simulator instantiates Ring<SimSync, Bugs> for each Bugs type of
// RingVariants (the correct one first; without a list, the structure
// alone) and runs the ops from simulated threads. An op is a callable over
// the structure, with or without one std::int64_t argument, returning
// void, bool (a push's success), an integer (an item) or std::optional of
// one (an item, or empty). An op without argument that returns
// std::optional is a removal: at the end of every run the simulator empties
// the structure with the first one (what is left over is checked against
// what went in), and stress mode pops with it. The SDK also builds
// Structure<StdSync, Bugs>, for stress mode's real threads; the same
// header is your production code over lockstep::StdSync.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <new>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "lockstep/std_sync.hpp"
#include "lockstep/variants.hpp"
#include "sim/execution.hpp"
#include "sim/sim_sync.hpp"
#include "sim/targets.hpp"

namespace lockstep::sdk {

using Value = std::int64_t;

// The one variant of a structure without seeded bugs.
struct NoBugs {
  static constexpr const char* kVariant = "correct";
  static constexpr const char* kDescription = "the structure as written";
};

// A run's setup parameters, by name (those declared with Target::param).
class Setup {
public:
  Setup(const std::vector<sim::ParamInfo>& info,
        const std::vector<std::int64_t>& values)
      : info_(info), values_(values) {}
  // Throws std::invalid_argument for a name not declared.
  std::int64_t operator[](std::string_view name) const {
    for (std::size_t i = 0; i < info_.size(); ++i) {
      if (info_[i].name == name) return values_[i];
    }
    throw std::invalid_argument("no parameter '" + std::string(name) +
                                "' (declare it with .param)");
  }

private:
  const std::vector<sim::ParamInfo>& info_;
  const std::vector<std::int64_t>& values_;
};

namespace detail {

template <class> inline constexpr bool kIsOptional = false;
template <class U> inline constexpr bool kIsOptional<std::optional<U>> = true;

template <class R> sim::OpResult to_result(R&& r) {
  using D = std::decay_t<R>;
  if constexpr (std::is_same_v<D, bool>) {
    return sim::OpResult::boolean(r);
  } else if constexpr (kIsOptional<D>) {
    static_assert(std::is_integral_v<typename D::value_type>,
                  "an op's std::optional result holds an integer");
    return r ? sim::OpResult::item(static_cast<Value>(*r))
             : sim::OpResult::empty();
  } else {
    static_assert(std::is_integral_v<D>, "an op returns void, bool, an "
                                         "integer or std::optional of one");
    return sim::OpResult::item(static_cast<Value>(r));
  }
}

template <class F, class S> sim::OpResult invoke_op(F& f, S& s, Value arg) {
  if constexpr (std::is_invocable_v<F&, S&, Value>) {
    if constexpr (std::is_void_v<std::invoke_result_t<F&, S&, Value>>) {
      std::invoke(f, s, arg);
      return sim::OpResult::none();
    } else {
      return to_result(std::invoke(f, s, arg));
    }
  } else {
    static_assert(std::is_invocable_v<F&, S&>,
                  "an op is callable as op(structure&) or "
                  "op(structure&, std::int64_t)");
    (void)arg;
    if constexpr (std::is_void_v<std::invoke_result_t<F&, S&>>) {
      std::invoke(f, s);
      return sim::OpResult::none();
    } else {
      return to_result(std::invoke(f, s));
    }
  }
}

// One variant's structure type and what is done with it.
template <class S> struct Table {
  using Structure = S;
  using Op = std::function<sim::OpResult(S&, Value)>;
  std::vector<Op> ops;
  // Per op: a removal (no argument, returns std::optional: an item or
  // empty), which drain may call.
  std::vector<bool> removal;
  std::function<std::string(const S&)> invariants;
  // Builds the structure in `memory` (from Sync::allocate). Empty:
  // make_default.
  std::function<S*(void* memory, const Setup&)> make;
};

// Without Target::construct: from the one parameter (as a std::size_t),
// or with no arguments where there is none.
template <class S>
S* make_default(void* memory, const std::vector<std::int64_t>& values) {
  if constexpr (std::is_constructible_v<S, std::size_t>) {
    if (values.size() == 1)
      return ::new (memory) S(static_cast<std::size_t>(values[0]));
  }
  if constexpr (std::is_default_constructible_v<S>) {
    if (values.empty()) return ::new (memory) S();
  }
  throw std::invalid_argument(
      "cannot build the structure from its parameters: give .construct("
      "[](const lockstep::sdk::Setup& s) { return std::tuple{...}; })");
}

// One variant's structure, built in memory from Sync::allocate: SimSync's
// for the simulator (which then knows the block its cells are in),
// StdSync's for stress mode's real threads.
template <class S, class Sync> class Instance final : public sim::Instance {
public:
  Instance(std::shared_ptr<const Table<S>> table,
           std::shared_ptr<const sim::TargetInfo> info,
           const sim::TargetSetup& setup)
      : table_(std::move(table)), info_(std::move(info)) {
    void* memory = Sync::allocate(sizeof(S), alignof(S));
    if (memory == nullptr) throw std::bad_alloc();
    try {
      structure_ =
          table_->make
              ? table_->make(memory, Setup(info_->params, setup.params))
              : make_default<S>(memory, setup.params);
    } catch (...) {
      Sync::deallocate(memory, sizeof(S), alignof(S));
      throw;
    }
  }
  ~Instance() override {
    structure_->~S();
    Sync::deallocate(structure_, sizeof(S), alignof(S));
  }
  Instance(const Instance&) = delete;
  Instance& operator=(const Instance&) = delete;

  sim::OpResult call(int, const sim::Call& c) noexcept override {
    std::string thrown;
    try {
      return table_->ops[c.op](*structure_, c.arg);
    } catch (const std::exception& e) {
      thrown = e.what();
    } catch (...) {
      thrown = "something that is not a std::exception";
    }
    // Outside the handler: the run ends on this fiber, which never
    // returns, and must not leave an exception in flight.
    fail("op '" + info_->ops[c.op].name + "' threw: " + thrown);
  }

  std::string check_invariants() const override {
    if (!table_->invariants) return {};
    try {
      return table_->invariants(*structure_);
    } catch (const std::exception& e) {
      return std::string("the invariants check threw: ") + e.what();
    }
  }

  // Empties the structure with its first removal (an op without argument
  // returning std::optional), until it returns empty; nothing to do for a
  // structure without one.
  bool drain(std::size_t limit, std::vector<Value>& out) override {
    for (std::size_t i = 0; i < table_->ops.size(); ++i) {
      if (!table_->removal[i]) continue;
      for (;;) {
        sim::OpResult r;
        try {
          r = table_->ops[i](*structure_, 0);
        } catch (...) {
          return false;
        }
        if (r.kind == sim::OpResult::Kind::kEmpty) return true;
        if (out.size() >= limit) return false;
        out.push_back(r.value);
      }
    }
    return true;
  }

private:
  [[noreturn]] static void fail(const std::string& message) {
    sim::Execution* ex = sim::Execution::current();
    if (ex != nullptr) ex->assertion_failed(message);
    std::fprintf(stderr, "lockstep: %s\n", message.c_str());
    std::abort();
  }

  std::shared_ptr<const Table<S>> table_;
  std::shared_ptr<const sim::TargetInfo> info_;
  S* structure_ = nullptr; // in a block of Sync::allocate
};

} // namespace detail

// A target over `Structure<Sync, Bugs>` for each Bugs type of `Variants`
// (a std::tuple, correct first). Build it with the setters below and
// return it from LOCKSTEP_SDK_TARGET; a mistake in the declaration (an op
// naming an unknown role, a second op of one name) throws
// std::invalid_argument, which `lockstep` reports as the plugin's error.
template <template <class Sync, class Bugs> class Structure,
          class Variants = std::tuple<NoBugs>>
class Target {
  template <class, class> struct TablesOf;
  template <class Sync, class... Bugs>
  struct TablesOf<Sync, std::tuple<Bugs...>> {
    using type =
        std::tuple<std::shared_ptr<detail::Table<Structure<Sync, Bugs>>>...>;
  };
  // One table per variant, for the simulator and for real threads.
  using Tables = typename TablesOf<SimSync, Variants>::type;
  using RealTables = typename TablesOf<StdSync, Variants>::type;

  // Applies f to every table of both builds.
  template <class F> void each_table(F&& f) {
    std::apply([&](auto&... t) { (f(t), ...); }, tables_);
    std::apply([&](auto&... t) { (f(t), ...); }, real_tables_);
  }

public:
  Target(std::string name, std::string description) {
    info_.name = std::move(name);
    info_.description = std::move(description);
    each_table(
        [](auto& t) { t = std::make_shared<std::decay_t<decltype(*t)>>(); });
  }

  // A setup parameter: its default, range and what it means. The
  // structure is built from them: by `construct` if given, else from the
  // one parameter (as a std::size_t), else with no arguments.
  Target& param(std::string name, std::int64_t fallback, std::int64_t min,
                std::int64_t max, std::string description = "") {
    info_.params.push_back(
        {std::move(name), fallback, min, max, std::move(description)});
    return *this;
  }

  // A role threads take; max_threads 0 for any number. Without roles,
  // one role "thread" that may call every op.
  Target& role(std::string name, int max_threads = 0,
               std::string description = "") {
    info_.roles.push_back(
        {std::move(name), max_threads, std::move(description)});
    return *this;
  }

  // An op: `f(structure)` or `f(structure, value)` (see the top of this
  // file for its results); `roles` that may call it (none: every role).
  template <class F>
  Target& op(std::string name, F f, std::vector<std::string> roles = {},
             std::string result = "") {
    using First = Structure<SimSync, std::tuple_element_t<0, Variants>>;
    constexpr bool kTakesArg = std::is_invocable_v<F&, First&, Value>;
    for (const sim::OpInfo& o : info_.ops) {
      if (o.name == name) problem_ = "two ops named '" + name + "'";
    }
    info_.ops.push_back({std::move(name), kTakesArg, {}, std::move(result)});
    op_roles_.push_back(std::move(roles));
    constexpr bool kRemoval = [] {
      if constexpr (kTakesArg) {
        return false;
      } else if constexpr (std::is_invocable_v<F&, First&>) {
        return detail::kIsOptional<
            std::decay_t<std::invoke_result_t<F&, First&>>>;
      } else {
        return false;
      }
    }();
    each_table([&](auto& table) {
      table->ops.push_back([f](auto& s, Value arg) mutable {
        return detail::invoke_op(f, s, arg);
      });
      table->removal.push_back(kRemoval);
    });
    return *this;
  }

  // The structure's invariants at quiescence: f(const structure&) returns
  // "" or what is broken.
  template <class F> Target& invariants(F f) {
    each_table([&](auto& table) {
      table->invariants = [f](const auto& s) -> std::string { return f(s); };
    });
    return *this;
  }

  // How to build the structure from the setup: f(const Setup&) returns a
  // std::tuple of its constructor's arguments.
  template <class F> Target& construct(F f) {
    each_table([&](auto& table) {
      using S = typename std::decay_t<decltype(*table)>::Structure;
      table->make = [f](void* memory, const Setup& s) {
        return std::apply(
            [memory](auto&&... a) {
              return ::new (memory) S(std::forward<decltype(a)>(a)...);
            },
            f(s));
      };
    });
    return *this;
  }

  // The TargetInfo the registry keeps (LOCKSTEP_SDK_TARGET converts).
  operator sim::TargetInfo() const { return build(); }

private:
  sim::TargetInfo build() const {
    if (!problem_.empty())
      throw std::invalid_argument(info_.name + ": " + problem_);
    sim::TargetInfo t = info_;
    if (t.roles.empty()) t.roles.push_back({"thread", 0, "calls any op"});
    for (std::size_t i = 0; i < t.ops.size(); ++i) {
      const std::vector<std::string>& names = op_roles_[i];
      for (const std::string& n : names) {
        bool known = false;
        for (const sim::RoleInfo& role : t.roles)
          known = known || role.name == n;
        if (!known)
          throw std::invalid_argument(t.name + ": op '" + t.ops[i].name +
                                      "' names an unknown role '" + n + "'");
      }
      for (int r = 0; r < static_cast<int>(t.roles.size()); ++r) {
        bool listed = names.empty();
        for (const std::string& n : names)
          listed = listed || n == t.roles[static_cast<std::size_t>(r)].name;
        if (listed) t.ops[i].roles.push_back(r);
      }
    }
    lockstep::for_each_variant<Variants>(
        [&]<class Bugs>() { t.variants.push_back(sim::variant_info<Bugs>()); });
    auto shared = std::make_shared<const sim::TargetInfo>(t);
    t.make = maker<SimSync>(tables_, shared);
    t.make_real = maker<StdSync>(real_tables_, shared);
    return t;
  }

  // The factory of the variant a setup asks for, over `tables`.
  template <class Sync, class AllTables>
  static auto maker(const AllTables& tables,
                    std::shared_ptr<const sim::TargetInfo> shared) {
    return [tables, shared](const sim::TargetSetup& s) {
      std::unique_ptr<sim::Instance> out;
      std::size_t k = 0;
      std::apply(
          [&](const auto&... table) {
            ((k++ == s.variant
                  ? void(out = std::make_unique<detail::Instance<
                             typename std::decay_t<decltype(*table)>::Structure,
                             Sync>>(table, shared, s))
                  : void()),
             ...);
          },
          tables);
      return out;
    };
  }

  sim::TargetInfo info_;
  std::vector<std::vector<std::string>> op_roles_;
  std::string problem_;
  Tables tables_;
  RealTables real_tables_;
};

} // namespace lockstep::sdk

// Declares and registers a target; the body returns a
// lockstep::sdk::Target (see the top of this file). `id` names the
// function, not the target.
#define LOCKSTEP_SDK_TARGET(id)                                                \
  static ::lockstep::sim::TargetInfo lockstep_sdk_target_##id();               \
  LOCKSTEP_TARGET(lockstep_sdk_target_##id);                                   \
  static ::lockstep::sim::TargetInfo lockstep_sdk_target_##id()

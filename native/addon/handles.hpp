// handles.hpp — the opaque handles the addon gives to JavaScript.
//
// A handle is a type-tagged Napi::External owning a Handle. A structure
// handle (a deque, a queue, a stack) and the role handles made from it (a
// deque's worker and stealers, an MPSC queue's consumer) share the native
// structure. Closing the structure closes its roles first; a role handle
// keeps the structure alive until it is closed or collected. Every export
// takes its handles through handle_arg(), which checks the tag, the kind
// (so a stealer cannot pop) and that the handle is open.
//
//   auto& worker = handle_arg<DequeWorkerHandle>(info, 0, "dequePush",
//   "worker");
#pragma once

#include <napi.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace lockstep::addon {

enum class Kind : std::uint8_t {
  kDeque,
  kDequeWorker,
  kDequeStealer,
  kMpmcQueue,
  kMpscQueue,
  kMpscConsumer,
  kTaggedStack,
  kArena,
  kBlockPool,
};

// "deque", "deque worker", ... as in "a deque worker handle".
const char* kind_noun(Kind kind);
// "a deque handle", "an mpmc queue handle", "a closed deque worker handle".
std::string handle_phrase(Kind kind, bool closed = false);

class Handle {
public:
  explicit Handle(Kind kind) : kind_(kind) {}
  virtual ~Handle() = default;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  Kind kind() const { return kind_; }
  virtual bool closed() const = 0;
  // Idempotent.
  virtual void close() = 0;

private:
  Kind kind_;
};

// What a structure handle and its role handles share.
template <class Api> struct Shared {
  std::unique_ptr<Api> api;   // null once closed
  std::vector<Handle*> roles; // open role handles
};

template <class Api> class StructureHandle final : public Handle {
public:
  StructureHandle(Kind kind, std::unique_ptr<Api> api)
      : Handle(kind), shared_(std::make_shared<Shared<Api>>()) {
    shared_->api = std::move(api);
  }
  bool closed() const override { return shared_->api == nullptr; }
  void close() override {
    // Roles first: they point into the structure.
    while (!shared_->roles.empty())
      shared_->roles.back()->close();
    shared_->api.reset();
  }
  Api& api() { return *shared_->api; }
  const std::shared_ptr<Shared<Api>>& shared() { return shared_; }

private:
  std::shared_ptr<Shared<Api>> shared_;
};

template <class Api, class Role> class RoleHandle final : public Handle {
public:
  RoleHandle(Kind kind, std::shared_ptr<Shared<Api>> shared,
             std::unique_ptr<Role> role)
      : Handle(kind), shared_(std::move(shared)), role_(std::move(role)) {
    shared_->roles.push_back(this);
  }
  ~RoleHandle() override { close(); }
  bool closed() const override { return role_ == nullptr; }
  void close() override {
    if (role_ == nullptr) return;
    role_.reset();
    auto& roles = shared_->roles;
    roles.erase(std::remove(roles.begin(), roles.end(), this), roles.end());
  }
  Role& role() { return *role_; }

private:
  std::shared_ptr<Shared<Api>> shared_; // outlives role_
  std::unique_ptr<Role> role_;
};

// Gives `handle` to JavaScript; the garbage collector deletes it.
Napi::Value wrap_handle(Napi::Env env, std::unique_ptr<Handle> handle);

// The Handle behind `value`, or nullptr if it is not a lockstep handle.
Handle* unwrap_handle(const Napi::Value& value);

// Checks info[index] is an open handle of `kind`; throws TypeError naming
// `fn` and `param` otherwise.
Handle& checked_handle(const Napi::CallbackInfo& info, std::size_t index,
                       Kind kind, const char* fn, const char* param);

template <class H>
H& handle_arg(const Napi::CallbackInfo& info, std::size_t index, Kind kind,
              const char* fn, const char* param) {
  return static_cast<H&>(checked_handle(info, index, kind, fn, param));
}

void init_handles(Napi::Env env, Napi::Object exports);

} // namespace lockstep::addon

// Engine-wide canonical signature ids. Two function types get the same id exactly when they are
// equal, so a call_indirect type check is one compare of ids, whichever modules the caller and
// callee came from. Ids start at 1: a zeroed VMFuncRef never matches a real signature.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <unordered_map>

#include "wasm/types.h"

namespace wisp::runtime {

class TypeRegistry {
 public:
  static constexpr uint32_t kInvalidId = 0;

  TypeRegistry() = default;
  TypeRegistry(const TypeRegistry&) = delete;
  TypeRegistry& operator=(const TypeRegistry&) = delete;

  // The canonical id of `type`, registering it on first sight. Thread-safe.
  uint32_t intern(const wasm::FuncType& type);
  // The type of an id intern() returned; the reference stays valid as long as the registry.
  // Thread-safe. Null for an id never handed out.
  const wasm::FuncType* lookup(uint32_t id) const;

 private:
  // Key: the value types' encoding bytes with the param count in front, so equal types and
  // only equal types share a key.
  static std::string keyOf(const wasm::FuncType& type);

  mutable std::mutex mutex_;
  std::unordered_map<std::string, uint32_t> ids_;
  std::deque<wasm::FuncType> types_;  // types_[id - 1]; a deque keeps references stable
};

}  // namespace wisp::runtime

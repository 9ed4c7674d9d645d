#include "runtime/type_registry.h"

namespace wisp::runtime {

std::string TypeRegistry::keyOf(const wasm::FuncType& type) {
  std::string key;
  key.reserve(type.types.size() + 4);
  const uint32_t params = type.param_count;
  key.append(reinterpret_cast<const char*>(&params), sizeof params);
  for (wasm::ValType t : type.types) key.push_back(static_cast<char>(t));
  return key;
}

uint32_t TypeRegistry::intern(const wasm::FuncType& type) {
  std::string key = keyOf(type);
  std::lock_guard lock(mutex_);
  auto [it, inserted] = ids_.try_emplace(std::move(key), 0);
  if (inserted) {
    types_.push_back(type);
    it->second = static_cast<uint32_t>(types_.size());
  }
  return it->second;
}

const wasm::FuncType* TypeRegistry::lookup(uint32_t id) const {
  std::lock_guard lock(mutex_);
  if (id == kInvalidId || id > types_.size()) return nullptr;
  return &types_[id - 1];
}

}  // namespace wisp::runtime

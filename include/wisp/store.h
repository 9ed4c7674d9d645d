// A Store owns everything instances create and share: instances, memories, tables, globals,
// host functions and externref data, plus the runtime limits of the calls running in it.
// Handles (Func, Memory, Instance, ...) point into their store and are valid while it lives;
// moving the Store keeps them valid. One thread at a time.
#pragma once

#include <memory>

#include "wisp/engine.h"
#include "wisp/forward.h"

namespace wisp {

class Store {
 public:
  explicit Store(const Engine& engine);
  ~Store();
  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  Engine engine() const;

 private:
  friend struct detail::Access;
  std::unique_ptr<detail::StoreState> state_;
};

}  // namespace wisp

// An instantiated module.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wisp/extern.h"
#include "wisp/module.h"
#include "wisp/result.h"
#include "wisp/store.h"

namespace wisp {

class Instance {
 public:
  // Instantiates with one extern per import, in the module's import order, then runs the start
  // function. An out-of-bounds segment or a trapping start function fails with a Trap error.
  static Result<Instance> create(Store& store, const Module& module, std::span<const Extern> imports);

  std::optional<Extern> getExport(std::string_view name) const;
  std::optional<Func> getFunc(std::string_view name) const;
  std::optional<Memory> getMemory(std::string_view name) const;
  std::optional<Table> getTable(std::string_view name) const;
  std::optional<Global> getGlobal(std::string_view name) const;
  // Every export, in the module's order.
  std::vector<std::pair<std::string, Extern>> exports() const;

 private:
  friend struct detail::Access;
  Instance(detail::StoreState* store, runtime::Instance* instance)
      : store_(store), instance_(instance) {}
  detail::StoreState* store_;
  runtime::Instance* instance_;
};

}  // namespace wisp

// A table of references: exported by an instance or created by the host.
#pragma once

#include <cstdint>

#include "wisp/result.h"
#include "wisp/store.h"
#include "wisp/types.h"
#include "wisp/val.h"

namespace wisp {

class Table {
 public:
  // Every element starts as `init`, which must have the element type.
  static Result<Table> create(Store& store, const TableType& type, const Val& init);

  uint32_t size() const;
  Result<Val> get(uint32_t index) const;
  Result<void> set(uint32_t index, const Val& value) const;
  // The old size; fails past the maximum.
  Result<uint32_t> grow(uint32_t delta, const Val& init) const;
  TableType type() const;  // the current size as minimum

  bool operator==(const Table&) const = default;

 private:
  friend struct detail::Access;
  explicit Table(runtime::TableInstance* table) : table_(table) {}
  runtime::TableInstance* table_;
};

}  // namespace wisp

// A global variable: exported by an instance or created by the host.
#pragma once

#include "wisp/result.h"
#include "wisp/store.h"
#include "wisp/types.h"
#include "wisp/val.h"

namespace wisp {

class Global {
 public:
  // `value` must have the global's content type.
  static Result<Global> create(Store& store, const GlobalType& type, const Val& value);

  Val get() const;
  // Fails on an immutable global or a value of another type or store.
  Result<void> set(const Val& value) const;
  GlobalType type() const;

  bool operator==(const Global&) const = default;

 private:
  friend struct detail::Access;
  explicit Global(runtime::GlobalInstance* global) : global_(global) {}
  runtime::GlobalInstance* global_;
};

}  // namespace wisp

// Exception tags (exception handling): exported by an instance or created by the host, and the
// exceptions thrown with them (wisp::Exception, in result.h).
#pragma once

#include <span>
#include <vector>

#include "wisp/result.h"
#include "wisp/store.h"
#include "wisp/types.h"
#include "wisp/val.h"

namespace wisp {

class Tag {
 public:
  // A new tag, distinct from every other (two tags of one type do not catch each other's
  // exceptions). `type` has no results: its params are the payload.
  static Result<Tag> create(Store& store, const FuncType& type);

  FuncType type() const;
  bool operator==(const Tag&) const = default;

 private:
  friend struct detail::Access;
  explicit Tag(runtime::TagInstance* tag) : tag_(tag) {}
  runtime::TagInstance* tag_;
};

}  // namespace wisp

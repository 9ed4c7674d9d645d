// Anything an instance can import or export.
#pragma once

#include <variant>

#include "wisp/func.h"
#include "wisp/global.h"
#include "wisp/memory.h"
#include "wisp/table.h"
#include "wisp/tag.h"

namespace wisp {

// The alternatives are in ExternKind order.
using Extern = std::variant<Func, Table, Memory, Global, Tag>;

inline ExternKind externKind(const Extern& item) { return static_cast<ExternKind>(item.index()); }

}  // namespace wisp

// Whether an extern may satisfy an import: right kind, right store, and a matching type
// (function types equal, globals equal in type and mutability, tables and memories by the
// spec's limits subtyping against their current size).
#pragma once

#include <span>

#include "runtime/externs.h"
#include "runtime/result.h"
#include "wasm/module.h"

namespace wisp::runtime {

// "incompatible import type for spectest.print_i32: expected (i32) -> (), found (i64) -> ()"
Result<void> checkImport(const wasm::Module& module, std::span<const uint32_t> type_ids,
                         const wasm::Import& import, const Extern& provided, const Store& store);

// "min 1, max 2" / "min 1, no max": for messages.
std::string describeLimits(const wasm::Limits& limits);

}  // namespace wisp::runtime

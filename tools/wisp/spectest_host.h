// The `spectest` module the spec test scripts import from: print functions (quiet here),
// global_i32 = 666, global_i64 = 666, global_f32 = 666.6, global_f64 = 666.6, a funcref table
// of 10..20 elements and a memory of 1..2 pages.
#pragma once

#include "wisp/wisp.h"

namespace wisp::cli {

Result<void> defineSpectest(Store& store, Linker& linker);

}  // namespace wisp::cli

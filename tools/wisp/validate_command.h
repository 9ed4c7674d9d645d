// `wisp validate FILE.wasm...`: decode and validate each file, one verdict line per file.
#pragma once

#include <string>
#include <vector>

#include "wisp/engine.h"

namespace wisp::cli {

// Prints "FILE: ok" or "FILE: <why>" per file; returns the exit code (0 iff all are ok).
int runValidate(const std::vector<std::string>& files, const Features& features);

}  // namespace wisp::cli

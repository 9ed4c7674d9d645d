// The decoder features that match the wast2json flags a script was converted with, so a
// proposal's modules are judged with the proposal switched on.
#pragma once

#include <string>
#include <vector>

#include "wasm/features.h"

namespace wisp::cli {

// Flags wast2json knows but Wisp's decoder has no feature for are ignored here.
wasm::Features featuresForWast2jsonFlags(const std::vector<std::string>& flags);

}  // namespace wisp::cli

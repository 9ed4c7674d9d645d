// Command-line options that choose engine settings, shared by the commands that compile.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "wisp/engine.h"

namespace wisp::cli {

// --bounds-checks guard|explicit; `note` ends the help text (what else the choice means).
CLI::Option* addBoundsChecksOption(CLI::App& command, BoundsChecks& mode, const std::string& note);

// --cpu-features host|baseline into `level`.
CLI::Option* addCpuFeaturesOption(CLI::App& command, std::string& level, const std::string& help);

// One flag per WebAssembly feature into `features`: --disable-NAME for those on by default
// (simd, relaxed-simd, tail-call, extended-const, multi-memory, memory64), --enable-NAME for the others.
void addFeatureOptions(CLI::App& command, Features& features);

}  // namespace wisp::cli

// The page `wisp explore` writes: one self-contained HTML file (styles, script and data
// inline) that shows each function's wasm instructions beside the machine code they became,
// linked both ways through the compiler's address map, with a list of the functions, their
// sizes and compile times. The data is JSON in the page; the script renders one function at a
// time, so that a module of thousands of functions stays a page a browser opens at once.
#pragma once

#include <chrono>
#include <span>
#include <string>
#include <string_view>

#include "runtime/compiled_code.h"
#include "wasm/module.h"

namespace wisp::cli {

struct ExploredModule {
  std::string file_name;  // as the page names the module
  const wasm::Module& module;
  const runtime::CompiledCode& code;
  std::span<const std::chrono::nanoseconds> compile_times;  // per defined function
};

std::string renderExplorePage(const ExploredModule& explored);

// The page around the data: explore_page.html, built into the binary.
std::string_view explorePageTemplate();

}  // namespace wisp::cli

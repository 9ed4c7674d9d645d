// Golden disassembly: compiles each tests/disas/NAME.wat and lists the machine code of its
// functions, lists the trampolines, and compares each listing with NAME.disas (or
// trampolines.disas). A change in emitted code fails here and shows as a diff in review.
//
//   disas_test --golden-dir DIR [--wat-dir DIR] --wat2wasm PATH [--bless] [CASE...]
//
// A CASE is a .wat file's stem or `trampolines`; without any, every case in DIR runs. The .wat
// files are in --wat-dir (the golden directory by default): the AArch64 goldens of a
// cross-target build (tests/disas/aarch64) list the same sources as x86-64's. A .wat
// file may choose compile options with a line `;; disas: OPTION...`: explicit-bounds-checks
// (codegen::CompileOptions::explicit_bounds_checks), baseline-cpu (no optional instructions:
// isa::CpuFeatures{}), fuel and epochs (consume_fuel, epoch_interruption), tail-call,
// multi-memory and memory64 (the proposals, for wat2wasm and the decoder). Otherwise every optional
// instruction is allowed, whatever this CPU has, so the listings are the same on every machine.
// --bless, or WISP_BLESS=1 in the environment, rewrites the golden files instead of failing:
//   WISP_BLESS=1 ctest --test-dir BUILD -R disas
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

#include "golden_file.h"
#include "module_listing.h"
#include "trampoline_listing.h"
#include "disassembler.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using wisp::disas::GoldenMode;

constexpr const char* kTrampolinesCase = "trampolines";

struct Options {
  fs::path golden_dir;
  fs::path wat_dir;
  std::string wat2wasm;
  GoldenMode mode = GoldenMode::Check;
  std::vector<std::string> cases;
};

// What a reader needs to know before the listing: what it is, how to regenerate it, and what
// the registers and annotations mean.
std::string header(const std::string& source, const char* legend) {
  const char* isa = wisp::disas::kTargetIsa == wisp::disas::CodeIsa::AArch64
                        ? "AArch64"
                        : "x86-64, Intel syntax";
  return ";; Golden disassembly of " + source + " (" + isa +
         "; offsets from the start of each listing).\n"
         ";; Checked by `ctest -R disas`. After an intended change in code generation,\n"
         ";; regenerate with `WISP_BLESS=1 ctest --test-dir BUILD -R disas` and review the diff.\n" +
         legend + "\n";
}

constexpr const char* kModuleLegend =
#if defined(WISP_TARGET_AARCH64)
    ";; Registers: x22 vmctx, x23 memory base, x16, x17 and v31 scratch; [x29 - 8] keeps the vmctx, [x29 - 16] is the parallel moves' temporary.\n"
#else
    ";; Registers: r14 vmctx, r15 memory base, r11 and xmm15 scratch; [rbp - 8] keeps the vmctx, [rbp - 16] is the parallel moves' temporary.\n"
#endif

    ";; `; @0x2a i32.load`: the wasm instruction at byte 0x2a of the module (address map);\n"
    ";; `; trap: ...`: a trap site; `<memoryGrow>`: a builtin, its address masked (XX).\n";
constexpr const char* kTrampolineLegend =
#if defined(WISP_TARGET_AARCH64)
    ";; Wasm side: vmctx in x22, arguments in x0-x5 and v0-v7, then the stack; results in x0,\n"
    ";; x1, v0, v1, then the stack. Host side: AAPCS64. `<thread entry state>`: the thread's\n"
    ";; TLS block (tpidr_el0 + offset, masked: it varies with the binary).\n"
#else
    ";; Wasm side: vmctx in r14, arguments in rdi, rsi, rdx, rcx, r8, r9 and xmm0-xmm7, then\n"
    ";; the stack; results in rax, rdx, xmm0, xmm1, then the stack. Host side: System V.\n"
#endif
    ";; ValRaw arrays have 16-byte slots.\n";

// Runs wat2wasm (with the name section, for the headers) into a temporary file; the binary,
// or an error message.
bool watToWasm(const Options& options, const fs::path& wat,
               const std::vector<std::string>& flags, std::vector<uint8_t>& bytes,
               std::string& error) {
  const fs::path wasm = fs::temp_directory_path() /
                        ("wisp-disas-" + std::to_string(getpid()) + "-" + wat.stem().string() + ".wasm");
  std::vector<std::string> args = {options.wat2wasm, "--debug-names"};
  args.insert(args.end(), flags.begin(), flags.end());
  args.insert(args.end(), {wat.string(), "-o", wasm.string()});
  std::vector<char*> argv;
  for (std::string& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  pid_t pid;
  if (posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) {
    error = "cannot run " + options.wat2wasm;
    return false;
  }
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    error = "wat2wasm failed on " + wat.string();
    fs::remove(wasm);
    return false;
  }
  std::ifstream in(wasm, std::ios::binary);
  bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  fs::remove(wasm);
  return true;
}

// What a .wat file asks for in its `;; disas:` lines.
struct CaseOptions {
  wisp::codegen::CompileOptions compile;
  wisp::wasm::Features features;
  std::vector<std::string> wat2wasm_flags;
};

bool caseOptionsOf(const fs::path& wat, CaseOptions& case_options, std::string& error) {
  wisp::codegen::CompileOptions& options = case_options.compile;
  std::ifstream in(wat);
  constexpr std::string_view kDirective = ";; disas:";
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with(kDirective)) continue;
    std::istringstream words(line.substr(kDirective.size()));
    for (std::string word; words >> word;) {
      if (word == "explicit-bounds-checks") {
        options.explicit_bounds_checks = true;
      } else if (word == "baseline-cpu") {
        options.cpu_features = wisp::isa::CpuFeatures{};
      } else if (word == "sse41-cpu") {
        options.cpu_features = wisp::isa::CpuFeatures::sse41Level();
      } else if (word == "fuel") {
        options.consume_fuel = true;
      } else if (word == "epochs") {
        options.epoch_interruption = true;
      } else if (word == "tail-call") {
        case_options.features.tail_call = true;
        case_options.wat2wasm_flags.push_back("--enable-tail-call");
      } else if (word == "multi-memory") {
        case_options.features.multi_memory = true;
        case_options.wat2wasm_flags.push_back("--enable-multi-memory");
      } else if (word == "memory64") {
        case_options.features.memory64 = true;
        case_options.wat2wasm_flags.push_back("--enable-memory64");
      } else {
        error = wat.string() + ": unknown disas option `" + word + "`";
        return false;
      }
    }
  }
  return true;
}

bool runCase(const Options& options, const wisp::disas::Disassembler& disassembler,
             const std::string& name) {
  std::string text;
  if (name == kTrampolinesCase) {
    text = header("the trampolines", kTrampolineLegend) +
           wisp::disas::listTrampolines(disassembler);
  } else {
    const fs::path wat = options.wat_dir / (name + ".wat");
    std::vector<uint8_t> wasm;
    std::string error;
    CaseOptions case_options;
    case_options.compile.cpu_features = wisp::isa::CpuFeatures::all();
    if (!fs::exists(wat)) error = "no such case: " + wat.string();
    else if (caseOptionsOf(wat, case_options, error))
      watToWasm(options, wat, case_options.wat2wasm_flags, wasm, error);
    if (error.empty()) {
      wisp::disas::ModuleListing listing = wisp::disas::listModule(
          disassembler, wasm, case_options.features, case_options.compile);
      error = listing.error;
      text = header(name + ".wat", kModuleLegend) + listing.text;
    }
    if (!error.empty()) {
      std::fprintf(stderr, "FAIL %s: %s\n", name.c_str(), error.c_str());
      return false;
    }
  }
  const wisp::disas::GoldenOutcome outcome =
      checkGolden(options.golden_dir / (name + ".disas"), text, options.mode);
  std::fprintf(outcome.passed ? stdout : stderr, "%s %s\n", outcome.passed ? "ok" : "FAIL",
               outcome.report.c_str());
  return outcome.passed;
}

std::vector<std::string> allCases(const fs::path& dir) {
  std::vector<std::string> cases = {kTrampolinesCase};
  for (const fs::directory_entry& entry : fs::directory_iterator(dir))
    if (entry.path().extension() == ".wat") cases.push_back(entry.path().stem().string());
  std::sort(cases.begin(), cases.end());
  return cases;
}

int usage(const char* why) {
  std::fprintf(stderr,
               "disas_test: %s\nusage: disas_test --golden-dir DIR [--wat-dir DIR] --wat2wasm PATH "
               "[--bless] [CASE...]\n",
               why);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (const char* bless = std::getenv("WISP_BLESS"); bless != nullptr && *bless && *bless != '0')
    options.mode = GoldenMode::Bless;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--bless") options.mode = GoldenMode::Bless;
    else if (arg == "--golden-dir" && i + 1 < argc) options.golden_dir = argv[++i];
    else if (arg == "--wat-dir" && i + 1 < argc) options.wat_dir = argv[++i];
    else if (arg == "--wat2wasm" && i + 1 < argc) options.wat2wasm = argv[++i];
    else if (arg.starts_with("--")) return usage(("unknown option " + arg).c_str());
    else options.cases.push_back(arg);
  }
  if (options.golden_dir.empty()) return usage("--golden-dir is required");
  if (options.wat2wasm.empty()) return usage("--wat2wasm is required (wabt's wat2wasm)");
  if (options.wat_dir.empty()) options.wat_dir = options.golden_dir;
  if (options.cases.empty()) options.cases = allCases(options.wat_dir);

  const wisp::disas::Disassembler disassembler;
  bool passed = true;
  for (const std::string& name : options.cases) passed &= runCase(options, disassembler, name);
  return passed ? 0 : 1;
}

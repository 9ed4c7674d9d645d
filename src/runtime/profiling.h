// Telling an external profiler (Linux perf) where compiled code lives, so samples in JIT code
// get names instead of bare addresses under [JIT]. Two formats, as Wasmtime's profilers:
//  - perf map: a text file /tmp/perf-PID.map, one "START SIZE name" line per piece of code
//    (START and SIZE in hex without 0x; the name is the rest of the line). perf report reads it
//    directly. Lines are appended, so other JITs of the same process can share the file.
//  - jitdump: a binary file jit-PID.dump (tools/perf/Documentation/jitdump-specification.txt):
//    a header, then one JIT_CODE_LOAD record per piece of code, carrying a copy of its bytes
//    and a CLOCK_MONOTONIC timestamp. The file is mapped PROT_READ|PROT_EXEC once, which puts
//    an mmap event naming it in a `perf record` trace; `perf inject --jit` then finds it there,
//    writes an ELF image per function and rewrites the samples to point into them (so perf
//    annotate can disassemble the code even after the process has exited).
//
// Code is reported once it is in its final executable memory, in batches (one module's
// functions at a time). Agents are process-wide: perf looks for one file per process, and every
// engine that asks for the same format shares it. Writing is thread-safe. An agent that cannot
// write its file says so once on stderr and then does nothing; it never fails a compilation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/compiled_code.h"
#include "runtime/result.h"
#include "wasm/module.h"

namespace wisp::runtime {

// One piece of executable code: a function or a trampoline.
struct CodeSymbol {
  const void* code = nullptr;
  size_t size = 0;
  std::string name;  // one line of printable text (see symbolName)
};

class ProfilingAgent {
 public:
  virtual ~ProfilingAgent() = default;
  // Records `symbols`, all executable and at their final addresses, as one batch.
  virtual void codeLoaded(std::span<const CodeSymbol> symbols) = 0;
};

// Appends to a perf map.
class PerfMapAgent final : public ProfilingAgent {
 public:
  // Opens (creating if needed) `path` for appending.
  static Result<std::unique_ptr<PerfMapAgent>> open(const std::string& path);
  ~PerfMapAgent() override;
  void codeLoaded(std::span<const CodeSymbol> symbols) override;
  const std::string& path() const { return path_; }

 private:
  PerfMapAgent(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::mutex mutex_;
  std::string path_;
  int fd_;
  bool write_failed_ = false;  // reported once; later batches are dropped
};

// Writes a jitdump file.
class JitDumpAgent final : public ProfilingAgent {
 public:
  // Creates (truncating) `path`, writes the header and maps the file PROT_READ|PROT_EXEC.
  // Fails when the file cannot be created or the header written. A file that cannot be mapped
  // executable (a noexec mount) is still written, with a warning on stderr: `perf inject --jit`
  // will not find it on its own then.
  static Result<std::unique_ptr<JitDumpAgent>> open(const std::string& path);
  ~JitDumpAgent() override;
  void codeLoaded(std::span<const CodeSymbol> symbols) override;
  const std::string& path() const { return path_; }

 private:
  JitDumpAgent(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::mutex mutex_;
  std::string path_;
  int fd_;
  void* marker_ = nullptr;  // the PROT_EXEC mapping perf looks for; null if refused
  size_t marker_size_ = 0;
  uint64_t next_code_index_ = 0;
  bool write_failed_ = false;
};

// The process-wide agents, opened by the first call (thread-safe): /tmp/perf-PID.map, and
// jit-PID.dump in $WISP_JITDUMP_DIR or else the current directory. Null when the file cannot
// be opened; the reason is printed on stderr once, by that first call.
ProfilingAgent* processPerfMapAgent();
ProfilingAgent* processJitDumpAgent();
// Where processJitDumpAgent() writes (or would write) its file.
std::string jitDumpPath();

// A profiler's name for function `function_index` of `module`: its name from the name section,
// or "wasm[N]" without one; prefixed with "MODULE::" when the module has a name. Control
// characters (which would break a perf map line or end a jitdump name) become '?'.
std::string symbolName(const wasm::Module& module, uint32_t function_index);
// Every defined function of a compiled module, at its address in the published `code`.
std::vector<CodeSymbol> moduleSymbols(const wasm::Module& module, const CompiledCode& code);

}  // namespace wisp::runtime

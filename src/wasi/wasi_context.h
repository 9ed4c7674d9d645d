// A WASI preview1 environment for one guest: its arguments, environment, preopened
// directories and descriptor table, and the exit code once it called proc_exit.
//
//   wisp::wasi::WasiConfig config;
//   config.args = {"prog.wasm", "hello"};
//   config.preopens.push_back({.host_path = "/tmp/box", .guest_path = "/sandbox"});
//   auto wasi = wisp::wasi::WasiContext::create(std::move(config));  // Result<shared_ptr>
//   wisp::wasi::defineImports(*wasi, linker, store);                // wasi_snapshot_preview1.*
//   auto instance = linker.instantiate(store, module);
//   (*wasi)->bindMemory(instance->getMemory("memory"));             // what the calls work on
//   Result<...> ran = instance->getFunc("_start")->call({});
//   if (auto code = (*wasi)->exitCode()) ...                        // it called proc_exit(code)
//
// Host functions get no handle on their caller's instance in Wisp's API, so the context is
// bound to the instance's exported "memory" after instantiation; a call that needs memory
// before that traps with a message saying so.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wasi/fd_table.h"
#include "wasi/guest_memory.h"
#include "wisp/wisp.h"

namespace wisp::wasi {

struct Preopen {
  std::string host_path;   // a directory on the host
  std::string guest_path;  // the name the guest sees (wasi-libc matches paths against it)
};

struct WasiConfig {
  std::vector<std::string> args;  // argv, argv[0] included
  std::vector<std::string> env;   // "KEY=VALUE" entries
  std::vector<Preopen> preopens;  // become descriptors 3, 4, ... in this order
  // Host descriptors the guest sees as 0, 1 and 2. They are duplicated: the guest closing its
  // stdout does not close the host's.
  int stdin_fd = 0;
  int stdout_fd = 1;
  int stderr_fd = 2;
  // Print every call, its arguments and its errno on stderr (for debugging guests).
  bool trace_calls = false;
};

class WasiContext {
 public:
  // Opens the preopened directories and duplicates stdio. Fails with a message naming the
  // directory that could not be opened and why.
  static Result<std::shared_ptr<WasiContext>> create(WasiConfig config);

  // The memory the calls read and write: the instance's exported "memory".
  void bindMemory(std::optional<Memory> memory) { memory_ = memory; }
  bool hasMemory() const { return memory_.has_value(); }
  // A bounds-checked view of the bound memory as it is now (it may have grown).
  GuestMemory guestMemory() const {
    return memory_ ? GuestMemory(memory_->data(), memory_->dataSize()) : GuestMemory(nullptr, 0);
  }

  // Set once the guest has called proc_exit.
  std::optional<uint32_t> exitCode() const { return exit_code_; }
  void recordExit(uint32_t code) { exit_code_ = code; }

  const WasiConfig& config() const { return config_; }
  FdTable& fds() { return fds_; }
  // A scratch vector for iovecs, so that each read or write does not allocate.
  std::vector<struct iovec>& iovecScratch() { return iovec_scratch_; }

 private:
  explicit WasiContext(WasiConfig config) : config_(std::move(config)) {}

  WasiConfig config_;
  FdTable fds_;
  std::optional<Memory> memory_;
  std::optional<uint32_t> exit_code_;
  std::vector<struct iovec> iovec_scratch_;
};

// Defines every wasi_snapshot_preview1 function in `linker` as a host function of `store`
// that works on `wasi` (the functions keep it alive).
Result<void> defineImports(const std::shared_ptr<WasiContext>& wasi, Linker& linker, Store& store);

}  // namespace wisp::wasi

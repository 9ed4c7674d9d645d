// The wasi_snapshot_preview1 import module: every call as a typed host function (wasm calls
// it directly in the C convention), bound to one WasiContext.
#include <cstdio>
#include <memory>
#include <string>

#include "wasi/calls.h"
#include "wasi/host_errno.h"
#include "wasi/wasi_context.h"

namespace wisp::wasi {

namespace {

Error hostFailure(std::string message) {
  Error error;
  error.kind = ErrorKind::Trap;
  error.message = std::move(message);
  return error;
}

// One line per call on stderr: "wasi: fd_write(1, 1048560, 1, 1048556) -> SUCCESS".
template <typename... Params>
void traceCall(const char* name, Errno result, Params... params) {
  std::string line = std::string("wasi: ") + name + "(";
  [[maybe_unused]] const char* separator = "";  // unused by calls without parameters
  ((line += separator, line += std::to_string(params), separator = ", "), ...);
  line += std::string(") -> ") + errnoName(result) + "\n";
  std::fputs(line.c_str(), stderr);
}

// Defines calls one after another; after the first failure the rest are skipped and the
// failure is kept.
class ImportDefiner {
 public:
  ImportDefiner(const std::shared_ptr<WasiContext>& wasi, Linker& linker, Store& store)
      : wasi_(wasi), linker_(linker), store_(store) {}

  template <typename... Params>
  void operator()(const char* name, Errno (*call)(WasiContext&, const GuestMemory&, Params...)) {
    if (!status_) return;
    std::shared_ptr<WasiContext> wasi = wasi_;
    Result<Func> func =
        Func::wrap(store_, [wasi, name, call](Params... params) -> Result<uint32_t> {
          if (!wasi->hasMemory()) {
            return hostFailure(std::string("WASI ") + name +
                               ": no guest memory to work on (the module must export its "
                               "memory as \"memory\", bound with WasiContext::bindMemory)");
          }
          const Errno result = call(*wasi, wasi->guestMemory(), params...);
          if (wasi->config().trace_calls) traceCall(name, result, params...);
          return static_cast<uint32_t>(result);
        });
    define(name, std::move(func));
  }

  void define(const char* name, Result<Func> func) {
    if (!status_) return;
    if (!func) {
      status_ = func.error();
      return;
    }
    status_ = linker_.define(kModuleName, name, *func);
  }

  Result<void> status() const { return status_; }

 private:
  std::shared_ptr<WasiContext> wasi_;
  Linker& linker_;
  Store& store_;
  Result<void> status_;
};

}  // namespace

Result<void> defineImports(const std::shared_ptr<WasiContext>& wasi, Linker& linker,
                           Store& store) {
  ImportDefiner define(wasi, linker, store);
  define("args_get", &calls::argsGet);
  define("args_sizes_get", &calls::argsSizesGet);
  define("environ_get", &calls::environGet);
  define("environ_sizes_get", &calls::environSizesGet);
  define("clock_res_get", &calls::clockResGet);
  define("clock_time_get", &calls::clockTimeGet);
  define("random_get", &calls::randomGet);
  define("fd_read", &calls::fdRead);
  define("fd_write", &calls::fdWrite);
  define("fd_pread", &calls::fdPread);
  define("fd_pwrite", &calls::fdPwrite);
  define("fd_seek", &calls::fdSeek);
  define("fd_tell", &calls::fdTell);
  define("fd_sync", &calls::fdSync);
  define("fd_datasync", &calls::fdDatasync);
  define("fd_advise", &calls::fdAdvise);
  define("fd_allocate", &calls::fdAllocate);
  define("fd_close", &calls::fdClose);
  define("fd_renumber", &calls::fdRenumber);
  define("fd_fdstat_get", &calls::fdFdstatGet);
  define("fd_fdstat_set_flags", &calls::fdFdstatSetFlags);
  define("fd_fdstat_set_rights", &calls::fdFdstatSetRights);
  define("fd_prestat_get", &calls::fdPrestatGet);
  define("fd_prestat_dir_name", &calls::fdPrestatDirName);
  define("fd_filestat_get", &calls::fdFilestatGet);
  define("fd_filestat_set_size", &calls::fdFilestatSetSize);
  define("fd_filestat_set_times", &calls::fdFilestatSetTimes);
  define("fd_readdir", &calls::fdReaddir);
  define("path_open", &calls::pathOpen);
  define("path_create_directory", &calls::pathCreateDirectory);
  define("path_remove_directory", &calls::pathRemoveDirectory);
  define("path_unlink_file", &calls::pathUnlinkFile);
  define("path_rename", &calls::pathRename);
  define("path_filestat_get", &calls::pathFilestatGet);
  define("path_filestat_set_times", &calls::pathFilestatSetTimes);
  define("path_symlink", &calls::pathSymlink);
  define("path_readlink", &calls::pathReadlink);
  define("path_link", &calls::pathLink);
  define("poll_oneoff", &calls::pollOneoff);
  define("sched_yield", &calls::schedYield);
  define("proc_raise", &calls::procRaise);
  define("sock_accept", &calls::sockAccept);
  define("sock_recv", &calls::sockRecv);
  define("sock_send", &calls::sockSend);
  define("sock_shutdown", &calls::sockShutdown);

  // proc_exit does not return to the guest: it records the code and ends the call into wasm
  // with a trap, which the embedder tells from a real one by WasiContext::exitCode().
  std::shared_ptr<WasiContext> context = wasi;
  auto proc_exit = [context](uint32_t code) -> Result<void> {
    if (context->config().trace_calls) std::fprintf(stderr, "wasi: proc_exit(%u)\n", code);
    context->recordExit(code);
    return hostFailure("wasi proc_exit(" + std::to_string(code) + ")");
  };
  define.define("proc_exit", Func::wrap(store, proc_exit));
  return define.status();
}

}  // namespace wisp::wasi

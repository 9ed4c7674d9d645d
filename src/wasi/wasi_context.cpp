#include "wasi/wasi_context.h"

#include <fcntl.h>

#include <cstring>

#include "wasi/host_errno.h"

namespace wisp::wasi {

namespace {

Error setupError(std::string message) {
  Error error;
  error.kind = ErrorKind::Argument;
  error.message = std::move(message);
  return error;
}

}  // namespace

Result<std::shared_ptr<WasiContext>> WasiContext::create(WasiConfig config) {
  std::shared_ptr<WasiContext> context(new WasiContext(std::move(config)));
  const WasiConfig& cfg = context->config_;

  const int stdio[3] = {cfg.stdin_fd, cfg.stdout_fd, cfg.stderr_fd};
  for (uint32_t guest_fd = 0; guest_fd < 3; ++guest_fd) {
    // A host stdio descriptor that is closed stays closed for the guest too.
    const int duplicate = fcntl(stdio[guest_fd], F_DUPFD_CLOEXEC, 3);
    if (duplicate < 0) continue;
    std::unique_ptr<FdEntry> entry;
    if (makeFdEntry(UniqueFd(duplicate), right::kAll, right::kAll, entry) == Errno::Success)
      context->fds_.insertAt(guest_fd, std::move(entry));
  }

  // wasi-libc finds the preopens by asking for descriptors 3, 4, ... until one is EBADF.
  for (size_t i = 0; i < cfg.preopens.size(); ++i) {
    const Preopen& preopen = cfg.preopens[i];
    const int host = open(preopen.host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (host < 0) {
      return setupError("cannot open the directory to preopen, " + preopen.host_path + ": " +
                        std::strerror(errno));
    }
    std::unique_ptr<FdEntry> entry;
    if (Errno e = makeFdEntry(UniqueFd(host), right::kAll, right::kAll, entry);
        e != Errno::Success) {
      return setupError("cannot preopen " + preopen.host_path + ": " + errnoName(e));
    }
    entry->is_preopen = true;
    entry->preopen_name = preopen.guest_path;
    context->fds_.insertAt(static_cast<uint32_t>(3 + i), std::move(entry));
  }
  return context;
}

}  // namespace wisp::wasi

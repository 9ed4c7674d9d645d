// sched_yield, proc_raise and the socket calls.
//
// Sockets: preview1 can only use sockets the host hands over (it has no call to create or
// connect one), and Wisp hands over none, so sock_* answer ENOTSUP after checking the
// descriptor (EBADF for one that does not exist). proc_raise: signals would act on the whole
// host process, which a sandboxed guest must not do; ENOTSUP too.
#include <sched.h>

#include "wasi/calls.h"
#include "wasi/wasi_context.h"

namespace wisp::wasi::calls {

namespace {

Errno socketCall(WasiContext& wasi, Fd fd) {
  FdEntry* entry;
  if (Errno e = wasi.fds().lookup(fd, 0, entry); e != Errno::Success) return e;
  return Errno::NotSup;
}

}  // namespace

Errno schedYield(WasiContext&, const GuestMemory&) {
  sched_yield();
  return Errno::Success;
}

Errno procRaise(WasiContext&, const GuestMemory&, uint32_t) { return Errno::NotSup; }

Errno sockAccept(WasiContext& wasi, const GuestMemory&, Fd fd, uint32_t, Ptr) {
  return socketCall(wasi, fd);
}

Errno sockRecv(WasiContext& wasi, const GuestMemory&, Fd fd, Ptr, Size, uint32_t, Ptr, Ptr) {
  return socketCall(wasi, fd);
}

Errno sockSend(WasiContext& wasi, const GuestMemory&, Fd fd, Ptr, Size, uint32_t, Ptr) {
  return socketCall(wasi, fd);
}

Errno sockShutdown(WasiContext& wasi, const GuestMemory&, Fd fd, uint32_t) {
  return socketCall(wasi, fd);
}

}  // namespace wisp::wasi::calls

// clock_res_get, clock_time_get, random_get.
#include <sys/random.h>
#include <time.h>

#include "wasi/calls.h"
#include "wasi/host_errno.h"
#include "wasi/wasi_context.h"

namespace wisp::wasi::calls {

namespace {

bool hostClock(uint32_t clock_id, clockid_t& out) {
  switch (clock_id) {
    case clock_id::kRealtime: out = CLOCK_REALTIME; return true;
    case clock_id::kMonotonic: out = CLOCK_MONOTONIC; return true;
    case clock_id::kProcessCputime: out = CLOCK_PROCESS_CPUTIME_ID; return true;
    case clock_id::kThreadCputime: out = CLOCK_THREAD_CPUTIME_ID; return true;
    default: return false;
  }
}

uint64_t nanoseconds(const timespec& t) {
  return static_cast<uint64_t>(t.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(t.tv_nsec);
}

}  // namespace

Errno clockResGet(WasiContext&, const GuestMemory& memory, uint32_t clock_id,
                  Ptr resolution_out) {
  clockid_t host;
  if (!hostClock(clock_id, host)) return Errno::Inval;
  if (!memory.contains(resolution_out, 8)) return Errno::Fault;
  timespec resolution;
  if (clock_getres(host, &resolution) != 0) return lastHostError();
  memory.store<uint64_t>(resolution_out, nanoseconds(resolution));
  return Errno::Success;
}

Errno clockTimeGet(WasiContext&, const GuestMemory& memory, uint32_t clock_id, uint64_t,
                   Ptr time_out) {
  clockid_t host;
  if (!hostClock(clock_id, host)) return Errno::Inval;
  if (!memory.contains(time_out, 8)) return Errno::Fault;
  timespec now;
  if (clock_gettime(host, &now) != 0) return lastHostError();
  memory.store<uint64_t>(time_out, nanoseconds(now));
  return Errno::Success;
}

Errno randomGet(WasiContext&, const GuestMemory& memory, Ptr buf, Size buf_len) {
  if (!memory.contains(buf, buf_len)) return Errno::Fault;
  uint8_t* bytes = memory.bytes(buf, buf_len);
  size_t filled = 0;
  while (filled < buf_len) {
    const ssize_t got = getrandom(bytes + filled, buf_len - filled, 0);
    if (got < 0) {
      if (errno == EINTR) continue;
      return lastHostError();
    }
    filled += static_cast<size_t>(got);
  }
  return Errno::Success;
}

}  // namespace wisp::wasi::calls

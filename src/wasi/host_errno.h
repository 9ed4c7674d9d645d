// Host (Linux) errno values to WASI errno values.
#pragma once

#include <cerrno>

#include "wasi/wasi_abi.h"

namespace wisp::wasi {

Errno errnoFromHost(int host_errno);
// The WASI form of the calling thread's errno, for right after a failed system call.
inline Errno lastHostError() { return errnoFromHost(errno); }
// A short name for messages and tests: "EBADF", "ENOTCAPABLE".
const char* errnoName(Errno value);

}  // namespace wisp::wasi

// A per-thread alternate signal stack, so the trap handler can run when a thread has overflowed
// its own stack. An existing alternate stack that is large enough (ASan installs one) is kept;
// otherwise one is mapped, with a PROT_NONE guard page below it, and on thread exit the
// previous alternate stack is put back and ours unmapped.
#pragma once

#include <signal.h>

#include <cstddef>

#include "runtime/result.h"

namespace wisp::runtime {

class AlternateSignalStack {
 public:
  // Enough for the trap handler and for the previous handler it may chain to (ASan's report).
  static constexpr size_t kMinimumSize = 128 * 1024;

  AlternateSignalStack() = default;
  AlternateSignalStack(const AlternateSignalStack&) = delete;
  AlternateSignalStack& operator=(const AlternateSignalStack&) = delete;
  ~AlternateSignalStack();

  // Makes sure the calling thread has an alternate signal stack; cheap after the first call.
  Result<void> ensureInstalled();

 private:
  bool checked_ = false;
  void* mapping_ = nullptr;  // ours, including the guard page; null when we kept an existing one
  size_t mapping_size_ = 0;
  void* stack_base_ = nullptr;  // ss_sp of ours: above the guard page
  stack_t previous_{};
};

}  // namespace wisp::runtime

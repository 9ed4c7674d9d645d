#include "runtime/alternate_signal_stack.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>

namespace wisp::runtime {

Result<void> AlternateSignalStack::ensureInstalled() {
  if (checked_) return {};
  stack_t current{};
  if (sigaltstack(nullptr, &current) != 0) return systemError("sigaltstack query", errno);
  if (!(current.ss_flags & SS_DISABLE) && current.ss_size >= kMinimumSize) {
    checked_ = true;
    return {};
  }

  const auto page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const size_t min_signal_stack = static_cast<size_t>(std::max(sysconf(_SC_SIGSTKSZ), 0L));
  size_t size = std::max(kMinimumSize, min_signal_stack);
  size = (size + page - 1) & ~(page - 1);
  const size_t mapping_size = size + page;
  void* mapping = mmap(nullptr, mapping_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                       -1, 0);
  if (mapping == MAP_FAILED) {
    return systemError("alternate signal stack: mmap of " + std::to_string(mapping_size) + " bytes",
                       errno);
  }
  // The lowest page is the guard: a handler that overflows faults instead of corrupting memory.
  if (mprotect(mapping, page, PROT_NONE) != 0) {
    const int error = errno;
    munmap(mapping, mapping_size);
    return systemError("alternate signal stack: mprotect of the guard page", error);
  }
  stack_t ours{};
  ours.ss_sp = static_cast<char*>(mapping) + page;
  ours.ss_size = size;
  ours.ss_flags = 0;
  if (sigaltstack(&ours, &previous_) != 0) {
    const int error = errno;
    munmap(mapping, mapping_size);
    return systemError("alternate signal stack: sigaltstack", error);
  }
  mapping_ = mapping;
  mapping_size_ = mapping_size;
  stack_base_ = ours.ss_sp;
  checked_ = true;
  return {};
}

AlternateSignalStack::~AlternateSignalStack() {
  if (mapping_ == nullptr) return;
  // Put back what was there (ASan unmaps its own stack at thread exit, after this runs), but
  // only if ours is still current: someone else may have replaced it meanwhile.
  stack_t current{};
  if (sigaltstack(nullptr, &current) == 0 && current.ss_sp == stack_base_) {
    if (previous_.ss_flags & SS_DISABLE) {
      stack_t disabled{};
      disabled.ss_flags = SS_DISABLE;
      sigaltstack(&disabled, nullptr);
    } else {
      previous_.ss_flags = 0;
      sigaltstack(&previous_, nullptr);
    }
    munmap(mapping_, mapping_size_);
  }
  // If ours is no longer current we leak the mapping rather than unmap a stack in use.
}

}  // namespace wisp::runtime

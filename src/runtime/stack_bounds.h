// The current thread's stack, for RuntimeLimits::stack_limit: compiled code's prologue traps
// with StackOverflow when the stack pointer would go below the limit, so the limit sits a
// safety margin above the stack's usable bottom. The margin is what host code called from
// wasm (imports, builtins, trampolines) may still use after wasm has gone as deep as allowed.
#pragma once

#include <cstddef>
#include <cstdint>

#include "runtime/result.h"

namespace wisp::runtime {

struct StackBounds {
  uintptr_t low = 0;   // lowest usable address; the guard pages (if any) lie below it
  uintptr_t high = 0;  // one past the highest address; the stack grows down from here
  size_t guard_size = 0;

  bool contains(uintptr_t address) const { return address >= low && address < high; }
};

inline constexpr size_t kDefaultStackSafetyMargin = 128 * 1024;

// From pthread_getattr_np; for the main thread glibc derives it from RLIMIT_STACK.
Result<StackBounds> currentThreadStackBounds();

// low + margin, or an error if that leaves no room below the caller's stack pointer.
Result<uintptr_t> computeStackLimit(const StackBounds& bounds,
                                    size_t safety_margin = kDefaultStackSafetyMargin);

}  // namespace wisp::runtime

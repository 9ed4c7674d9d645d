// The process-wide map from a machine-code address to the module code that contains it, read
// by the trap handler (inside a signal handler) and by backtrace resolution.
//
// Design: the registered ranges live in an immutable sorted array (a snapshot). Readers load
// the current snapshot through an atomic pointer and binary-search it; they never lock, never
// allocate and never wait, so a lookup is safe in a signal handler even when the interrupted
// thread is in the middle of registering code. Writers (module load and unload, rare) take a
// mutex, build a new snapshot, publish it with one atomic store, and free the old one once no
// reader is inside a lookup (a global count of readers in flight; lookups take nanoseconds, so
// the wait is short and a reader never depends on a writer's progress).
// A fixed-capacity table under a spinlock would also work but caps the number of modules and
// needs the handler to respect the lock; the snapshot costs an O(n) copy per registration only.
#pragma once

#include <cstdint>
#include <optional>

#include "runtime/code_info.h"
#include "runtime/result.h"

namespace wisp::runtime {

struct RegisteredCode {
  uintptr_t begin = 0;  // [begin, end): the module's code
  uintptr_t end = 0;
  const CodeInfo* info = nullptr;  // never null for a registered range

  uint32_t offsetOf(uintptr_t pc) const { return static_cast<uint32_t>(pc - begin); }
};

// Registers [begin, end) as compiled wasm code described by `info` (finished, and outliving
// the registration). Fails on an empty range, a range over 4 GiB, or overlap with another one.
Result<void> registerCode(uintptr_t begin, uintptr_t end, const CodeInfo* info);
// Removes the range starting at `begin`; returns false if none was registered there.
bool unregisterCode(uintptr_t begin);

// The registered code containing `pc` (async-signal-safe).
std::optional<RegisteredCode> lookupCode(uintptr_t pc) noexcept;
// The trap site at exactly `pc`, or null (async-signal-safe).
const TrapSite* lookupTrapSite(uintptr_t pc) noexcept;
// The wasm function containing `pc` (async-signal-safe); null outside any function, e.g. in a
// trampoline that shares the module's code memory.
const FunctionCode* lookupFunctionCode(uintptr_t pc) noexcept;

// Registers on construction, unregisters on destruction.
class CodeRegistration {
 public:
  static Result<CodeRegistration> create(uintptr_t begin, uintptr_t end, const CodeInfo* info);

  CodeRegistration() = default;
  CodeRegistration(CodeRegistration&& other) noexcept : begin_(other.begin_) { other.begin_ = 0; }
  CodeRegistration& operator=(CodeRegistration&& other) noexcept;
  CodeRegistration(const CodeRegistration&) = delete;
  CodeRegistration& operator=(const CodeRegistration&) = delete;
  ~CodeRegistration();

 private:
  explicit CodeRegistration(uintptr_t begin) : begin_(begin) {}
  uintptr_t begin_ = 0;  // 0: nothing registered
};

}  // namespace wisp::runtime

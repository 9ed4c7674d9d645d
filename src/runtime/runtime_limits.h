// The per-store limits that compiled code and trampolines read and write at constant offsets
// (see ../shared/seed/trampoline.rs). The layout is ABI: change an offset and the compiler's
// prologue, the trampolines and the trap handler's stack walk all change with it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace wisp::runtime {

struct RuntimeLimits {
  // The lowest stack pointer compiled code may reach. The prologue compares rsp minus its frame
  // size against it and traps with StackOverflow. 0 means "not set": the outermost catchTraps
  // on a thread sets it from that thread's stack (see stack_bounds.h) and clears it on return.
  uintptr_t stack_limit = 0;
  // The stack pointer at the call into wasm, stored by the host-to-wasm trampolines just before
  // they call. The stack walk stops at it: frames at or above belong to the host.
  uintptr_t last_wasm_entry_sp = 0;
  // The frame pointer and return address of the wasm frame that called out to the host, stored
  // by the wasm-to-host trampolines. A backtrace taken in host code (raiseTrap) or across a
  // nested activation resumes the walk there, skipping host frames that may lack frame pointers.
  uintptr_t last_wasm_exit_fp = 0;
  uintptr_t last_wasm_exit_pc = 0;
  // Fuel metering and epoch interruption; the compiler defines the exact protocol when it emits
  // the checks. The runtime only carries the values.
  int64_t fuel = 0;
  uint64_t epoch_deadline = UINT64_MAX;

  // Byte offsets of the fields, for code that addresses them from a base register.
  static const uint32_t kStackLimitOffset;
  static const uint32_t kLastWasmEntrySpOffset;
  static const uint32_t kLastWasmExitFpOffset;
  static const uint32_t kLastWasmExitPcOffset;
  static const uint32_t kFuelOffset;
  static const uint32_t kEpochDeadlineOffset;
};

inline constexpr uint32_t RuntimeLimits::kStackLimitOffset = offsetof(RuntimeLimits, stack_limit);
inline constexpr uint32_t RuntimeLimits::kLastWasmEntrySpOffset =
    offsetof(RuntimeLimits, last_wasm_entry_sp);
inline constexpr uint32_t RuntimeLimits::kLastWasmExitFpOffset =
    offsetof(RuntimeLimits, last_wasm_exit_fp);
inline constexpr uint32_t RuntimeLimits::kLastWasmExitPcOffset =
    offsetof(RuntimeLimits, last_wasm_exit_pc);
inline constexpr uint32_t RuntimeLimits::kFuelOffset = offsetof(RuntimeLimits, fuel);
inline constexpr uint32_t RuntimeLimits::kEpochDeadlineOffset =
    offsetof(RuntimeLimits, epoch_deadline);

static_assert(std::is_standard_layout_v<RuntimeLimits>, "compiled code addresses fields by offset");
static_assert(sizeof(uintptr_t) == 8, "the layout below assumes a 64-bit target");
static_assert(RuntimeLimits::kStackLimitOffset == 0);
static_assert(RuntimeLimits::kLastWasmEntrySpOffset == 8);
static_assert(RuntimeLimits::kLastWasmExitFpOffset == 16);
static_assert(RuntimeLimits::kLastWasmExitPcOffset == 24);
static_assert(RuntimeLimits::kFuelOffset == 32);
static_assert(RuntimeLimits::kEpochDeadlineOffset == 40);
static_assert(sizeof(RuntimeLimits) == 48);

}  // namespace wisp::runtime

// The per-store limits that compiled code and trampolines read and write at constant offsets
// (see ../shared/seed/trampoline.rs). The layout is ABI: change an offset and the compiler's
// prologue, the trampolines and the trap handler's stack walk all change with it.
#pragma once

#include <atomic>
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
  // they call. The stack walk stops at it: frames at or above belong to the host. With
  // last_wasm_entry_fp and last_wasm_entry_landing_pc below, it is also where a trap resumes:
  // the innermost entry on these limits (see EntryRecord).
  uintptr_t last_wasm_entry_sp = 0;
  // The frame pointer and return address of the wasm frame that called out to the host, stored
  // by the wasm-to-host trampolines. A backtrace taken in host code (raiseTrap) or across a
  // nested activation resumes the walk there, skipping host frames that may lack frame pointers.
  uintptr_t last_wasm_exit_fp = 0;
  uintptr_t last_wasm_exit_pc = 0;
  // Fuel metering (Config::consume_fuel): fuel consumed minus fuel given, so negative while
  // some is left. Compiled code keeps it in a register (isa::target::kFuelGp), loaded at
  // function entries and after calls, written back before calls, returns and trap stubs; it
  // adds each straight-line run's instruction count as the run begins, and at function entries
  // and loop headers traps with OutOfFuel once it is above 0.
  int64_t fuel = 0;
  // Epoch interruption (Config::epoch_interruption): non-zero once the engine's epoch has
  // reached the store's deadline, set by Engine::incrementEpoch (from any thread) or by the
  // store when it sets a deadline already reached. Compiled code tests it at function entries
  // and loop headers (one load and a compare, no reading of the epoch) and, when set, calls the
  // epoch builtin, which may set a later deadline (clearing it) or trap with Interrupted.
  std::atomic<uint32_t> epoch_deadline_reached{0};
  uint32_t padding = 0;
  // The innermost entry's frame pointer and its landing pad: a trap sets rsp, rbp and the PC to
  // last_wasm_entry_sp, last_wasm_entry_fp and last_wasm_entry_landing_pc, and the landing pad
  // returns to the host with EntryStatus::Trapped.
  uintptr_t last_wasm_entry_fp = 0;
  uintptr_t last_wasm_entry_landing_pc = 0;

  // Byte offsets of the fields, for code that addresses them from a base register.
  static const uint32_t kStackLimitOffset;
  static const uint32_t kLastWasmEntrySpOffset;
  static const uint32_t kLastWasmExitFpOffset;
  static const uint32_t kLastWasmExitPcOffset;
  static const uint32_t kFuelOffset;
  static const uint32_t kEpochDeadlineReachedOffset;
  static const uint32_t kLastWasmEntryFpOffset;
  static const uint32_t kLastWasmEntryLandingPcOffset;
};

inline constexpr uint32_t RuntimeLimits::kStackLimitOffset = offsetof(RuntimeLimits, stack_limit);
inline constexpr uint32_t RuntimeLimits::kLastWasmEntrySpOffset =
    offsetof(RuntimeLimits, last_wasm_entry_sp);
inline constexpr uint32_t RuntimeLimits::kLastWasmExitFpOffset =
    offsetof(RuntimeLimits, last_wasm_exit_fp);
inline constexpr uint32_t RuntimeLimits::kLastWasmExitPcOffset =
    offsetof(RuntimeLimits, last_wasm_exit_pc);
inline constexpr uint32_t RuntimeLimits::kFuelOffset = offsetof(RuntimeLimits, fuel);
inline constexpr uint32_t RuntimeLimits::kEpochDeadlineReachedOffset =
    offsetof(RuntimeLimits, epoch_deadline_reached);

inline constexpr uint32_t RuntimeLimits::kLastWasmEntryFpOffset =
    offsetof(RuntimeLimits, last_wasm_entry_fp);
inline constexpr uint32_t RuntimeLimits::kLastWasmEntryLandingPcOffset =
    offsetof(RuntimeLimits, last_wasm_entry_landing_pc);


static_assert(std::is_standard_layout_v<RuntimeLimits>, "compiled code addresses fields by offset");
static_assert(sizeof(uintptr_t) == 8, "the layout below assumes a 64-bit target");
static_assert(RuntimeLimits::kStackLimitOffset == 0);
static_assert(RuntimeLimits::kLastWasmEntrySpOffset == 8);
static_assert(RuntimeLimits::kLastWasmExitFpOffset == 16);
static_assert(RuntimeLimits::kLastWasmExitPcOffset == 24);
static_assert(RuntimeLimits::kFuelOffset == 32);
static_assert(RuntimeLimits::kEpochDeadlineReachedOffset == 40);
static_assert(RuntimeLimits::kLastWasmEntryFpOffset == 48);
static_assert(RuntimeLimits::kLastWasmEntryLandingPcOffset == 56);
static_assert(sizeof(RuntimeLimits) == 64);
static_assert(sizeof(std::atomic<uint32_t>) == 4 && std::atomic<uint32_t>::is_always_lock_free,
              "compiled code reads the flag with a plain load");

// What a host-to-wasm entry returns next to its result (the trampolines put it in a register of
// its own, see isa::target::entryStatusRegister): the success path costs one register move.
enum class EntryStatus : uint64_t {
  Returned = 0,
  Trapped = 1,         // the trap's details wait in the thread's trap record (takeTrap)
  ThreadNotReady = 2,  // nothing ran: prepareThread() first, then call again
};

// One host-to-wasm entry, in the entry's own frame: the trampoline links it into the thread's
// chain (ThreadEntryState::innermost), saves the limits' fields it overwrites, and puts them back
// on the way out, whether wasm returned or trapped. So entries nest (host -> wasm -> host ->
// wasm, on the same limits or another store's), and the stack walk reaches every activation.
struct EntryRecord {
  RuntimeLimits* limits;
  EntryRecord* previous;  // the next older entry on this thread, or null
  uintptr_t saved_stack_limit;
  uintptr_t saved_entry_sp;
  uintptr_t saved_entry_fp;
  uintptr_t saved_entry_landing_pc;
  uintptr_t saved_exit_fp;
  uintptr_t saved_exit_pc;

  static constexpr uint32_t kLimitsOffset = 0;
  static constexpr uint32_t kPreviousOffset = 8;
  static constexpr uint32_t kSavedStackLimitOffset = 16;
  static constexpr uint32_t kSavedEntrySpOffset = 24;
  static constexpr uint32_t kSavedEntryFpOffset = 32;
  static constexpr uint32_t kSavedEntryLandingPcOffset = 40;
  static constexpr uint32_t kSavedExitFpOffset = 48;
  static constexpr uint32_t kSavedExitPcOffset = 56;
};
static_assert(offsetof(EntryRecord, previous) == EntryRecord::kPreviousOffset);
static_assert(offsetof(EntryRecord, saved_stack_limit) == EntryRecord::kSavedStackLimitOffset);
static_assert(offsetof(EntryRecord, saved_entry_sp) == EntryRecord::kSavedEntrySpOffset);
static_assert(offsetof(EntryRecord, saved_entry_fp) == EntryRecord::kSavedEntryFpOffset);
static_assert(offsetof(EntryRecord, saved_entry_landing_pc) ==
              EntryRecord::kSavedEntryLandingPcOffset);
static_assert(offsetof(EntryRecord, saved_exit_fp) == EntryRecord::kSavedExitFpOffset);
static_assert(offsetof(EntryRecord, saved_exit_pc) == EntryRecord::kSavedExitPcOffset);
static_assert(sizeof(EntryRecord) == 64);

// The per-thread state the trampolines read through the thread pointer (initial-exec TLS at a
// fixed offset, threadEntryStateOffset() in trap_handler.h). `ready` is 0 until prepareThread()
// has set up the thread (alternate signal stack, stack bounds, backtrace buffer): an entry on an
// unready thread returns EntryStatus::ThreadNotReady before doing anything.
struct ThreadEntryState {
  EntryRecord* innermost;
  uintptr_t stack_low;    // the thread's stack: [stack_low, stack_low + stack_size)
  uintptr_t stack_size;
  uintptr_t stack_limit;  // for limits whose stack_limit is 0, when entered on that stack
  uint64_t ready;

  static constexpr uint32_t kInnermostOffset = 0;
  static constexpr uint32_t kStackLowOffset = 8;
  static constexpr uint32_t kStackSizeOffset = 16;
  static constexpr uint32_t kStackLimitOffset = 24;
  static constexpr uint32_t kReadyOffset = 32;
};
static_assert(offsetof(ThreadEntryState, stack_low) == ThreadEntryState::kStackLowOffset);
static_assert(offsetof(ThreadEntryState, stack_size) == ThreadEntryState::kStackSizeOffset);
static_assert(offsetof(ThreadEntryState, stack_limit) == ThreadEntryState::kStackLimitOffset);
static_assert(offsetof(ThreadEntryState, ready) == ThreadEntryState::kReadyOffset);

}  // namespace wisp::runtime

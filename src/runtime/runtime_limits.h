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
  // size against it and traps with StackOverflow. 0 means "not set": the outermost entry on
  // these limits sets it from the thread's stack (see stack_bounds.h) when it runs on that
  // stack, and clears it on return (EntryRecord::clears_stack_limit).
  uintptr_t stack_limit = 0;
  // Unused: fuel and the epoch flag keep the offsets compiled code (and serialized modules)
  // address them at. Where an activation entered and left wasm is in its EntryRecord.
  uintptr_t reserved[3] = {};
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

  // Byte offsets of the fields, for code that addresses them from a base register.
  static const uint32_t kStackLimitOffset;
  static const uint32_t kFuelOffset;
  static const uint32_t kEpochDeadlineReachedOffset;
};

inline constexpr uint32_t RuntimeLimits::kStackLimitOffset = offsetof(RuntimeLimits, stack_limit);
inline constexpr uint32_t RuntimeLimits::kFuelOffset = offsetof(RuntimeLimits, fuel);
inline constexpr uint32_t RuntimeLimits::kEpochDeadlineReachedOffset =
    offsetof(RuntimeLimits, epoch_deadline_reached);

static_assert(std::is_standard_layout_v<RuntimeLimits>, "compiled code addresses fields by offset");
static_assert(sizeof(uintptr_t) == 8, "the layout below assumes a 64-bit target");
static_assert(RuntimeLimits::kStackLimitOffset == 0);
static_assert(RuntimeLimits::kFuelOffset == 32);
static_assert(RuntimeLimits::kEpochDeadlineReachedOffset == 40);
static_assert(sizeof(RuntimeLimits) == 48);
static_assert(sizeof(std::atomic<uint32_t>) == 4 && std::atomic<uint32_t>::is_always_lock_free,
              "compiled code reads the flag with a plain load");

// What a host-to-wasm entry returns next to its result (the trampolines put it in a register of
// its own, see isa::target::entryStatusRegister): the success path costs one register move.
enum class EntryStatus : uint64_t {
  Returned = 0,
  Trapped = 1,         // the trap's details wait in the thread's trap record (takeTrap)
  ThreadNotReady = 2,  // nothing ran: prepareThread() first, then call again
};

// One host-to-wasm entry (a trampoline's or catchTraps'), in the entry's own frame, linked into
// the thread's chain (ThreadEntryState::innermost) for as long as the entry runs. It holds all
// that is particular to its activation, so nesting (host -> wasm -> host -> wasm, on the same
// limits or another store's) saves and restores nothing but the chain's head:
//  - where a trap resumes: the landing pad, with sp and fp as they were at the call into wasm;
//    a trap always ends the innermost entry;
//  - where the activation's wasm frames end (sp: the stack walk stops there);
//  - where its wasm code last called out to the host (exit_frame), which the wasm-to-host
//    trampolines record through the thread's innermost entry: the activation that runs wasm is
//    always the innermost one.
struct EntryRecord {
  EntryRecord* previous;  // the next older entry on this thread, or null
  uintptr_t sp;
  uintptr_t fp;
  uintptr_t landing_pc;
  // The frame of the wasm-to-host trampoline that called the running host code: its saved
  // frame pointer ([exit_frame]) and return address ([exit_frame + 8]) are the wasm caller's
  // frame pointer and pc. A backtrace taken in host code, or across a newer activation, starts
  // there, skipping host frames that may lack frame pointers. 0 while no wasm frame has called
  // out.
  uintptr_t exit_frame;
  // The limits whose stack_limit this entry set (it was 0), to clear on the way out; else null.
  RuntimeLimits* clears_stack_limit;

  static constexpr uint32_t kPreviousOffset = 0;
  static constexpr uint32_t kSpOffset = 8;
  static constexpr uint32_t kFpOffset = 16;
  static constexpr uint32_t kLandingPcOffset = 24;
  static constexpr uint32_t kExitFrameOffset = 32;
  static constexpr uint32_t kClearsStackLimitOffset = 40;
};
static_assert(offsetof(EntryRecord, previous) == EntryRecord::kPreviousOffset);
static_assert(offsetof(EntryRecord, sp) == EntryRecord::kSpOffset);
static_assert(offsetof(EntryRecord, fp) == EntryRecord::kFpOffset);
static_assert(offsetof(EntryRecord, landing_pc) == EntryRecord::kLandingPcOffset);
static_assert(offsetof(EntryRecord, exit_frame) == EntryRecord::kExitFrameOffset);
static_assert(offsetof(EntryRecord, clears_stack_limit) == EntryRecord::kClearsStackLimitOffset);
static_assert(sizeof(EntryRecord) == 48);

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

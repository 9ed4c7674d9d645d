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
  // size against it and traps with StackOverflow. 0 means none. An entry on the thread's own
  // stack that finds no limit of the embedder's makes it that thread's
  // (ThreadEntryState::stack_limit, see stack_bounds.h) and leaves it there: the next entry
  // from the same thread and stack finds it right and changes nothing. On another stack (a
  // coroutine's) an entry runs with none, and puts back what it found.
  uintptr_t stack_limit = 0;
  // Where stack_limit came from: kEmbedders (or none), kThreadsLimit (an entry on a thread's
  // stack), kNoLimitOnOtherStack (an entry on another stack is running, and an entry on the
  // thread's stack inside it must put the 0 back).
  uint64_t stack_limit_from_thread = 0;
  static constexpr uint64_t kEmbedders = 0;
  static constexpr uint64_t kThreadsLimit = 1;
  static constexpr uint64_t kNoLimitOnOtherStack = 2;
  // Unused: fuel and the epoch flag keep the offsets compiled code (and serialized modules)
  // address them at. Where an activation entered and left wasm is in its EntryRecord.
  uintptr_t reserved[2] = {};
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
  static const uint32_t kStackLimitFromThreadOffset;
  static const uint32_t kFuelOffset;
  static const uint32_t kEpochDeadlineReachedOffset;
};

inline constexpr uint32_t RuntimeLimits::kStackLimitOffset = offsetof(RuntimeLimits, stack_limit);
inline constexpr uint32_t RuntimeLimits::kStackLimitFromThreadOffset =
    offsetof(RuntimeLimits, stack_limit_from_thread);
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
//  - where a trap resumes: the landing pad, and the stack pointer it resumes with (see sp
//    below; the pad finds its frame pointer from it); a trap always ends the innermost entry;
//  - where the activation's wasm frames end: below the record, where the stack walk stops;
//  - where its wasm code last called out to the host (exit_fp/sp), which the wasm-to-host
//    trampolines record through the thread's innermost entry: the activation that runs wasm is
//    always the innermost one.
struct EntryRecord {
  EntryRecord* previous;  // the next older entry on this thread, or null
  // landing_pc and exit_sp side by side, 16-aligned in a trampoline's frame: an entry writes
  // both (the pad, and 0) with one 16-byte store.
  uintptr_t landing_pc;
  // exit_fp/exit_sp: the wasm frame that last called out to the host, as the wasm-to-host
  // trampoline found it: the caller's frame pointer, and the stack address of its return
  // address (so the pc is [exit_sp]). A backtrace taken in host code, or across a newer
  // activation, starts there, skipping host frames that may lack frame pointers. exit_sp is 0
  // while no wasm frame has called out.
  uintptr_t exit_sp;
  // The stack pointer at the call of catchTraps' entry (wisp_enter_with_landing_pad), which
  // its landing pad resumes with. A trampoline does not write it (one store fewer per call):
  // its landing pad resumes kLandingSpBelowEntryRecord below the record, in the trampoline's
  // own frame, and rebuilds the frame from there.
  uintptr_t sp;
  uintptr_t exit_fp;
  // The limits whose stack limit this entry changed for its own run (on a stack not the
  // thread's), to put back on the way out from the two saved fields; else null.
  RuntimeLimits* restores_stack_limit;
  uintptr_t saved_stack_limit;
  uint64_t saved_stack_limit_from_thread;

  static constexpr uint32_t kPreviousOffset = 0;
  static constexpr uint32_t kLandingPcOffset = 8;
  static constexpr uint32_t kExitSpOffset = 16;
  static constexpr uint32_t kSpOffset = 24;
  static constexpr uint32_t kExitFpOffset = 32;
  static constexpr uint32_t kRestoresStackLimitOffset = 40;
  static constexpr uint32_t kSavedStackLimitOffset = 48;
  static constexpr uint32_t kSavedStackLimitFromThreadOffset = 56;
};
static_assert(offsetof(EntryRecord, previous) == EntryRecord::kPreviousOffset);
static_assert(offsetof(EntryRecord, sp) == EntryRecord::kSpOffset);
static_assert(offsetof(EntryRecord, landing_pc) == EntryRecord::kLandingPcOffset);
static_assert(offsetof(EntryRecord, exit_fp) == EntryRecord::kExitFpOffset);
static_assert(offsetof(EntryRecord, exit_sp) == EntryRecord::kExitSpOffset);
static_assert(EntryRecord::kExitSpOffset == EntryRecord::kLandingPcOffset + 8);
static_assert(offsetof(EntryRecord, restores_stack_limit) ==
              EntryRecord::kRestoresStackLimitOffset);
static_assert(offsetof(EntryRecord, saved_stack_limit) == EntryRecord::kSavedStackLimitOffset);
static_assert(offsetof(EntryRecord, saved_stack_limit_from_thread) ==
              EntryRecord::kSavedStackLimitFromThreadOffset);
static_assert(sizeof(EntryRecord) == 64);
inline constexpr uintptr_t kLandingSpBelowEntryRecord = 8;

// The per-thread state the trampolines read through the thread pointer (initial-exec TLS at a
// fixed offset, threadEntryStateOffset() in trap_handler.h). `ready` is 0 until prepareThread()
// has set up the thread (alternate signal stack, stack bounds, backtrace buffer): an entry on an
// unready thread returns EntryStatus::ThreadNotReady before doing anything. stack_size is 0
// while the thread is not ready, so an entry that finds the stack limit right for this stack
// (the usual case) knows the thread is ready without reading `ready`.
struct ThreadEntryState {
  EntryRecord* innermost;
  uintptr_t stack_low;    // the thread's stack: [stack_low, stack_low + stack_size)
  uintptr_t stack_size;
  uintptr_t stack_limit;  // RuntimeLimits::stack_limit for entries on that stack
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

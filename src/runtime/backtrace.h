// Wasm backtraces from the frame-pointer chain. Compiled wasm code always keeps a frame
// pointer: each frame starts with `push rbp; mov rbp, rsp`, so [rbp] is the caller's rbp and
// [rbp + 8] the return address into the caller. Host frames may lack frame pointers, so the
// walk never crosses them: it stops when a return address leaves wasm code or the frame
// pointer reaches the entry stack pointer, and resumes in the next older stretch of wasm
// frames from the exit FP/PC that the wasm-to-host trampoline recorded (trap_handler.cpp).
//
// Capture is async-signal-safe (fixed buffer, registry lookups only); resolution to function
// indices, names and wasm offsets allocates and runs after the handler has returned.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "runtime/trap.h"

namespace wisp::runtime {

struct RawFrame {
  uintptr_t pc = 0;
  // A return address points after the call; lookups use pc - 1 to land on the call itself.
  bool is_return_address = false;
};

// A fixed-capacity buffer filled inside the signal handler.
class RawBacktrace {
 public:
  RawBacktrace(RawFrame* frames, size_t capacity) : frames_(frames), capacity_(capacity) {}

  void clear() noexcept {
    count_ = 0;
    truncated_ = false;
  }
  // False (and marks the backtrace truncated) when full.
  bool push(RawFrame frame) noexcept {
    if (count_ == capacity_) {
      truncated_ = true;
      return false;
    }
    frames_[count_++] = frame;
    return true;
  }
  size_t size() const { return count_; }
  const RawFrame& operator[](size_t i) const { return frames_[i]; }
  bool truncated() const { return truncated_; }

 private:
  RawFrame* frames_;
  size_t capacity_;
  size_t count_ = 0;
  bool truncated_ = false;
};

// Appends one stretch of consecutive wasm frames, innermost first: `pc` (if it is in a wasm
// function) and then each return address up the frame-pointer chain from `fp` while it lies in
// a wasm function. Frame pointers are only read inside [lower, upper), must increase, and must
// be 8-aligned, so a corrupt chain ends the walk instead of faulting. `upper` is the entry
// stack pointer of the activation: the first wasm frame's saved rbp is at upper - 16.
// Returns false when the buffer filled up.
bool captureWasmFrames(uintptr_t pc, bool pc_is_return_address, uintptr_t fp, uintptr_t lower,
                       uintptr_t upper, RawBacktrace& out) noexcept;

// Function index, name and wasm offset for each raw frame; frames no longer in registered code
// are dropped. A frame that is not a return address (the trapping instruction) takes its wasm
// offset from its trap site when there is one, otherwise from the address map.
std::vector<Frame> resolveBacktrace(const RawBacktrace& raw);

}  // namespace wisp::runtime

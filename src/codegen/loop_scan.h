// A quick look ahead at a loop's body, before the single pass compiles it: which locals the
// body reads and which it assigns, so that the loop header can give the loop-carried ones
// registers (a back edge then keeps them there) and store the ones the loop never touches.
//
// It runs ahead of validation, so it trusts nothing: unknown or truncated bytes end the scan
// (`complete` false), and it never reads past `end`. A budget of instructions bounds the cost
// of nested loops (each level rescans its inner loops).
#pragma once

#include <cstdint>
#include <vector>

namespace wisp::codegen {

class LoopScan {
 public:
  // Scans from the first instruction of a loop's body to its matching `end`.
  void scan(const uint8_t* pos, const uint8_t* end, uint32_t local_count,
            uint32_t max_instructions);
  bool complete() const { return complete_; }
  // Forgets the last scan (a new function: its bytes are elsewhere, its locals others).
  void reset() { complete_ = false; }
  // Whether `pos` lies inside the body of the last complete scan: a loop nested in a scanned
  // loop reuses that scan (a superset of its own locals, which is a fine hint) instead of
  // reading its bytes again, so a nest of loops is read once.
  bool covers(const uint8_t* pos) const { return complete_ && pos > begin_ && pos < end_; }
  // The locals the body mentions, in first-mention order, and per local what it does.
  const std::vector<uint32_t>& touched() const { return touched_; }
  uint32_t uses(uint32_t local) const { return marks_[local] >> 1; }
  bool written(uint32_t local) const { return marks_[local] & 1; }

 private:
  void note(uint32_t local, bool write) {
    if (local >= local_count_) return;  // invalid: validation will say so
    uint32_t& mark = marks_[local];
    if (mark == 0) touched_.push_back(local);
    mark = (mark + 2) | static_cast<uint32_t>(write);
  }

  uint32_t local_count_ = 0;         // of the function scanned
  const uint8_t* begin_ = nullptr;  // the last scan's body
  const uint8_t* end_ = nullptr;
  std::vector<uint32_t> touched_;
  std::vector<uint32_t> marks_;  // per local: uses << 1 | written; zero outside touched_
  bool complete_ = false;
};

}  // namespace wisp::codegen

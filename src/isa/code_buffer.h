// The bytes of one function (or trampoline) as an assembler writes them, with its labels and
// the 32-bit fields that wait for a label's position. ISA-independent: a label is a position
// once bound, and a fixup is "write label - base into the 4 bytes at `at`" (a rel32 branch, a
// RIP-relative operand, an entry of a jump table). Kept in the compiler's scratch state and
// cleared per function, so steady-state compilation allocates nothing here.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

namespace wisp::isa {

class CodeBuffer {
 public:
  static constexpr uint32_t kUnbound = UINT32_MAX;

  CodeBuffer() { grow(4096); }

  void clear() {
    size_ = 0;
    broken_ = false;
    label_offsets_.clear();
    fixups_.clear();
  }

  uint32_t size() const { return size_; }
  const uint8_t* data() const { return data_; }
  uint8_t* data() { return data_; }

  // A cursor with room for at least `bytes` more; the writer hands back the advanced cursor
  // with `commit`. Every instruction asks for its maximum length first.
  uint8_t* reserve(uint32_t bytes) {
    if (capacity_ - size_ < bytes) [[unlikely]] grow(bytes);
    return data_ + size_;
  }
  void commit(const uint8_t* cursor) { size_ = static_cast<uint32_t>(cursor - data_); }

  void patch32(uint32_t at, uint32_t value) { std::memcpy(data_ + at, &value, 4); }

  uint32_t newLabel() {
    label_offsets_.push_back(kUnbound);
    return static_cast<uint32_t>(label_offsets_.size() - 1);
  }
  void bind(uint32_t label) { label_offsets_[label] = size_; }
  uint32_t labelOffset(uint32_t label) const { return label_offsets_[label]; }
  bool isBound(uint32_t label) const { return label_offsets_[label] != kUnbound; }

  // The 4 bytes at `at` become labelOffset(label) - base once the label is bound.
  void addFixup(uint32_t at, uint32_t label, uint32_t base) { fixups_.push_back({at, label, base}); }

  // A reference that cannot be encoded (a compiler bug): resolveFixups will fail.
  void markBroken() { broken_ = true; }

  // Writes every fixup; false if one names a label that was never bound, or a reference was
  // marked broken (compiler bugs).
  bool resolveFixups() {
    if (broken_) return false;
    for (const Fixup& f : fixups_) {
      const uint32_t target = label_offsets_[f.label];
      if (target == kUnbound) return false;
      patch32(f.at, target - f.base);
    }
    fixups_.clear();
    return true;
  }

 private:
  struct Fixup {
    uint32_t at, label, base;
  };
  [[gnu::noinline]] void grow(uint32_t bytes) {
    // Uninitialised growth: every byte below size_ is written before it is read.
    const size_t capacity = 2 * static_cast<size_t>(capacity_) + bytes;
    auto grown = std::make_unique_for_overwrite<uint8_t[]>(capacity);
    if (size_) std::memcpy(grown.get(), data_, size_);
    storage_ = std::move(grown);
    data_ = storage_.get();
    capacity_ = static_cast<uint32_t>(capacity);
  }

  std::unique_ptr<uint8_t[]> storage_;
  uint8_t* data_ = nullptr;
  uint32_t size_ = 0;
  uint32_t capacity_ = 0;
  bool broken_ = false;
  std::vector<uint32_t> label_offsets_;
  std::vector<Fixup> fixups_;
};

}  // namespace wisp::isa

// The bytes of one function (or trampoline) as an assembler writes them, with its labels and
// the 32-bit fields that wait for a label's position. ISA-independent: a label is a position
// once bound, and a fixup is "write label - base into the 4 bytes at `at`" (a rel32 branch, a
// RIP-relative operand, an entry of a jump table).
//
// A compiling thread writes all its functions into one buffer, one after another
// (startFunction): positions, labels and fixups count from the current function's start, and
// the functions before it stay where they are until the module is laid out, so no function's
// code is copied on its way to executable memory but the once.
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

namespace wisp::isa {

// A position in the current function, to branch to or to refer to; bound once.
struct Label {
  static constexpr uint32_t kInvalid = UINT32_MAX;
  uint32_t id = kInvalid;
  bool isValid() const { return id != kInvalid; }
};

// Bytes written once and copied into later functions: the same sequence but for one label
// its 32-bit references name (CodeBuffer::capture, replay).
struct CodeSnippet {
  std::vector<uint8_t> bytes;
  struct Reference {
    uint32_t at, base;  // relative to the snippet's start
  };
  std::vector<Reference> references;
};

class CodeBuffer {
 public:
  static constexpr uint32_t kUnbound = UINT32_MAX;

  CodeBuffer() { grow(4096); }

  // Empty, its capacity kept.
  void clear() {
    size_ = 0;
    startFunction();
  }
  // A new function after the bytes written so far.
  void startFunction() {
    origin_ = size_;
    broken_ = false;
    label_offsets_.clear();
    fixups_.clear();
    last_bound_ = 0;
  }
  // Forgets the current function's bytes (it failed to compile).
  void discardFunction() { size_ = origin_; }
  // From here on the bytes go into memory the caller provides (executable memory to be, so
  // that the code needs no copy): `grow` is asked for room for at least `at_least` bytes with
  // the contents kept, sets `capacity` to the room it made (growing costs no copy, so the
  // owner chooses the step) and says where the bytes now are, or nullptr when it cannot.
  using GrowFunction = uint8_t* (*)(void* owner, size_t at_least, size_t* capacity);
  void useStorage(uint8_t* data, uint32_t capacity, GrowFunction grow, void* owner) {
    storage_.reset();
    data_ = data;
    capacity_ = capacity;
    grow_ = grow;
    owner_ = owner;
    clear();
  }
  // Back to a buffer of its own; the caller's memory is the caller's again.
  void releaseStorage() {
    data_ = nullptr;
    capacity_ = 0;
    grow_ = nullptr;
    owner_ = nullptr;
    clear();
    grow(4096);
  }
  // Zeros up to the next multiple of `alignment` (a power of two) between functions.
  void alignFunctionStart(uint32_t alignment) {
    const uint32_t pad = (alignment - size_ % alignment) % alignment;
    std::memset(reserve(pad), 0, pad);
    size_ += pad;
    origin_ = size_;
  }

  // Room for `bytes` in all, so that the buffer is not copied as it grows.
  void reserveTotal(size_t bytes) {
    if (bytes > capacity_) grow(static_cast<uint32_t>(bytes - size_));
  }

  // The current function's size and bytes.
  uint32_t size() const { return size_ - origin_; }
  const uint8_t* data() const { return data_ + origin_; }
  uint8_t* data() { return data_ + origin_; }
  // Every function's: the bytes since the last clear().
  uint32_t totalSize() const { return size_; }
  const uint8_t* allData() const { return data_; }
  uint8_t* allData() { return data_; }

  // A cursor with room for at least `bytes` more; the writer hands back the advanced cursor
  // with `commit`. Every instruction asks for its maximum length first.
  uint8_t* reserve(uint32_t bytes) {
    if (capacity_ - size_ < bytes) [[unlikely]] grow(bytes);
    return data_ + size_;
  }
  void commit(const uint8_t* cursor) { size_ = static_cast<uint32_t>(cursor - data_); }
  // For a writer whose fast path should call nothing (so it needs no frame): it checks for
  // room, and when there is none, calls a slow path that makes room and starts over.
  bool hasRoom(uint32_t bytes) const { return capacity_ - size_ >= bytes; }
  uint8_t* cursor() { return data_ + size_; }  // where the next byte goes (after hasRoom)
  [[gnu::noinline]] void makeRoom(uint32_t bytes) {
    if (!hasRoom(bytes)) grow(bytes);
  }

  void patch32(uint32_t at, uint32_t value) { std::memcpy(data() + at, &value, 4); }

  uint32_t newLabel() {
    label_offsets_.push_back(kUnbound);
    return static_cast<uint32_t>(label_offsets_.size() - 1);
  }
  void bind(uint32_t label) {
    label_offsets_[label] = size();
    last_bound_ = size();
  }
  // Takes back the function's last bytes, from `offset` on, when nothing can refer to them:
  // no label was bound after `offset` (fixups are recorded only with the bytes they patch).
  bool takeBackTail(uint32_t offset) {
    if (offset > size() || last_bound_ > offset) return false;
    size_ = origin_ + offset;
    return true;
  }
  uint32_t labelOffset(uint32_t label) const { return label_offsets_[label]; }
  bool isBound(uint32_t label) const { return label_offsets_[label] != kUnbound; }

  // The 4 bytes at `at` become labelOffset(label) - base once the label is bound.
  void addFixup(uint32_t at, uint32_t label, uint32_t base) { fixups_.push_back({at, label, base}); }

  // The current function's bytes from `from` on, with their references, all of which must
  // name `label`; false if one names another (the caller then keeps writing afresh).
  bool capture(uint32_t from, uint32_t label, CodeSnippet& out) const {
    out.bytes.assign(data() + from, data() + size());
    out.references.clear();
    for (const Fixup& f : fixups_) {
      if (f.at < from) continue;
      if (f.label != label) return false;
      out.references.push_back({f.at - from, f.base - from});
    }
    return true;
  }
  // Appends a captured snippet, its references now to `label`; returns where it starts.
  uint32_t replay(const CodeSnippet& snippet, uint32_t label) {
    const uint32_t at = size();
    const auto length = static_cast<uint32_t>(snippet.bytes.size());
    std::memcpy(reserve(length), snippet.bytes.data(), length);
    size_ += length;
    for (const CodeSnippet::Reference& r : snippet.references) addFixup(at + r.at, label, at + r.base);
    return at;
  }

  // A reference that cannot be encoded (a compiler bug): resolveFixups will fail.
  void markBroken() { broken_ = true; }

  // Writes every fixup; false if one names a label that was never bound, or a reference was
  // marked broken (compiler bugs).
  bool resolveFixups() {
    return resolveFixupsWith([](uint8_t* at, int32_t displacement) {
      std::memcpy(at, &displacement, 4);
      return true;
    });
  }
  // The same for an ISA whose references are fields of an instruction word: `patch(at,
  // displacement)` writes one, false when the displacement does not fit (a compiler bug).
  template <typename Patch>
  bool resolveFixupsWith(Patch patch) {
    if (broken_) return false;
    for (const Fixup& f : fixups_) {
      const uint32_t target = label_offsets_[f.label];
      if (target == kUnbound) return false;
      if (!patch(data() + f.at, static_cast<int32_t>(target - f.base))) return false;
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
    // Positions are 32-bit: a buffer cannot pass 4 GiB (a module's code is refused before).
    if (size_t{size_} + bytes > UINT32_MAX) {
      std::fprintf(stderr, "wisp: a code buffer would pass 4 GiB\n");
      std::abort();
    }
    if (grow_) {
      size_t capacity = 0;
      data_ = grow_(owner_, size_t{size_} + bytes, &capacity);
      if (data_ == nullptr) {
        std::fprintf(stderr, "wisp: out of memory for %zu bytes of code\n", size_t{size_} + bytes);
        std::abort();
      }
      capacity_ = static_cast<uint32_t>(std::min<size_t>(capacity, UINT32_MAX));
      return;
    }
    const size_t capacity = std::min<size_t>(2 * static_cast<size_t>(capacity_) + bytes, UINT32_MAX);
    auto grown = std::make_unique_for_overwrite<uint8_t[]>(capacity);
    if (size_) std::memcpy(grown.get(), data_, size_);
    storage_ = std::move(grown);
    data_ = storage_.get();
    capacity_ = static_cast<uint32_t>(capacity);
  }

  std::unique_ptr<uint8_t[]> storage_;
  uint8_t* data_ = nullptr;
  GrowFunction grow_ = nullptr;  // set while the bytes go into the caller's memory
  void* owner_ = nullptr;
  uint32_t origin_ = 0;  // where the current function begins
  uint32_t size_ = 0;    // of every function's bytes
  uint32_t capacity_ = 0;
  bool broken_ = false;
  std::vector<uint32_t> label_offsets_;
  uint32_t last_bound_ = 0;  // the offset of the latest bind
  std::vector<Fixup> fixups_;
};

}  // namespace wisp::isa

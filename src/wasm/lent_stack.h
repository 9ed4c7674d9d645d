// A stack over a vector that a reused context lends it (the decoder's, the compiler's scratch
// state), held by value in its user: the pointers live in the decoder or compiler itself, so
// a push, a pop or a look at the top is one load from `this`. A std::vector reached through a
// reference costs two loads and a subtraction for its size, on paths that run for every wasm
// instruction, and the loads are repeated after every call the optimizer cannot see through
// (the MacroAssembler's). The decoder's operand type stack (OperandStack) is the same idea
// with guard bytes below its bottom, for its one-word type check.
//
// The storage vector's size is the capacity; entries past the top are stale. References into
// the stack are invalidated by a push, as a vector's are.
#pragma once

#include <algorithm>
#include <cassert>
#include <cstddef>
#include <vector>

namespace wisp {

template <typename T>
class LentStack {
 public:
  explicit LentStack(std::vector<T>& storage) : storage_(storage) { adopt(0); }

  size_t size() const { return static_cast<size_t>(top_ - begin_); }
  bool empty() const { return top_ == begin_; }
  T& back() { return top_[-1]; }
  const T& back() const { return top_[-1]; }
  T& operator[](size_t i) { return begin_[i]; }
  const T& operator[](size_t i) const { return begin_[i]; }
  T* begin() { return begin_; }
  T* end() { return top_; }
  const T* begin() const { return begin_; }
  const T* end() const { return top_; }

  void push_back(const T& value) {
    if (top_ == end_) [[unlikely]] grow();
    *top_++ = value;
  }
  void pop_back() { --top_; }
  // Drops entries down to `count` (never grows the stack).
  void truncate(size_t count) {
    assert(count <= size());
    top_ = begin_ + count;
  }
  void clear() { top_ = begin_; }
  // Removes the entry at `at`, moving the ones above it down.
  void erase(T* at) {
    std::copy(at + 1, top_, at);
    --top_;
  }

 private:
  [[gnu::noinline]] void grow() {
    const size_t count = size();
    storage_.resize(std::max<size_t>(64, storage_.size() * 2));
    adopt(count);
  }
  void adopt(size_t count) {
    if (storage_.empty()) storage_.resize(64);
    begin_ = storage_.data();
    top_ = begin_ + count;
    end_ = begin_ + storage_.size();
  }

  std::vector<T>& storage_;
  T* begin_;
  T* top_;
  T* end_;
};

}  // namespace wisp

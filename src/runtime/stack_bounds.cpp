#include "runtime/stack_bounds.h"

#include <pthread.h>

#include <string>

namespace wisp::runtime {

Result<StackBounds> currentThreadStackBounds() {
  pthread_attr_t attributes;
  if (int error = pthread_getattr_np(pthread_self(), &attributes); error != 0) {
    return systemError("stack bounds: pthread_getattr_np", error);
  }
  void* address = nullptr;
  size_t size = 0;
  size_t guard_size = 0;
  int error = pthread_attr_getstack(&attributes, &address, &size);
  if (error == 0) error = pthread_attr_getguardsize(&attributes, &guard_size);
  pthread_attr_destroy(&attributes);
  if (error != 0) return systemError("stack bounds: pthread_attr_getstack", error);

  // glibc excludes the guard pages: they lie just below `address`.
  const auto low = reinterpret_cast<uintptr_t>(address);
  return StackBounds{low, low + size, guard_size};
}

Result<uintptr_t> computeStackLimit(const StackBounds& bounds, size_t safety_margin) {
  const auto here = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  if (bounds.low > UINTPTR_MAX - safety_margin || bounds.low + safety_margin >= here) {
    return Error{"stack bounds: a safety margin of " + std::to_string(safety_margin) +
                 " bytes leaves no stack for wasm (" + std::to_string(here - bounds.low) +
                 " bytes left on this thread)"};
  }
  return bounds.low + safety_margin;
}

}  // namespace wisp::runtime

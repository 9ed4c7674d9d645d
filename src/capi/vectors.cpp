// The vector types: one implementation, parameterised by how an element is copied and deleted.
// Arrays are calloc'ed so that an uninitialized vector of pointers holds nulls (and deleting a
// partly filled one is safe).
#include <cstdlib>
#include <cstring>

#include "capi/objects.h"

namespace {

// Elements that own nothing (bytes).
template <typename T>
struct PlainElements {
  static T copy(const T& element) { return element; }
  static void release(T&) {}
};

// Pointers to objects released by `Delete` and copied by `Copy`.
template <typename T, T* (*Copy)(const T*), void (*Delete)(T*)>
struct OwnedPointers {
  static T* copy(T* const& element) { return element != nullptr ? Copy(element) : nullptr; }
  static void release(T*& element) {
    Delete(element);
    element = nullptr;
  }
};

struct OwnedValues {
  static wasm_val_t copy(const wasm_val_t& value) {
    wasm_val_t out;
    wasm_val_copy(&out, &value);
    return out;
  }
  static void release(wasm_val_t& value) { wasm_val_delete(&value); }
};

template <typename Vec>
using ElementOf = std::remove_pointer_t<decltype(Vec::data)>;

template <typename Vec>
void newEmpty(Vec* out) {
  if (out == nullptr) return;
  out->size = 0;
  out->data = nullptr;
}

template <typename Vec>
void newUninitialized(Vec* out, size_t size) {
  if (out == nullptr) return;
  using Element = ElementOf<Vec>;
  out->data = size > 0 ? static_cast<Element*>(std::calloc(size, sizeof(Element))) : nullptr;
  out->size = out->data != nullptr ? size : 0;
}

template <typename Vec>
void newFrom(Vec* out, size_t size, const ElementOf<Vec>* elements) {
  if (out == nullptr) return;
  newUninitialized(out, elements != nullptr ? size : 0);
  if (out->size > 0) std::memcpy(out->data, elements, size * sizeof(ElementOf<Vec>));
}

template <typename Elements, typename Vec>
void copyFrom(Vec* out, const Vec* source) {
  if (out == nullptr) return;
  if (source == nullptr || source->data == nullptr) {
    newEmpty(out);
    return;
  }
  newUninitialized(out, source->size);
  for (size_t i = 0; i < out->size; ++i) out->data[i] = Elements::copy(source->data[i]);
}

template <typename Elements, typename Vec>
void release(Vec* vec) {
  if (vec == nullptr) return;
  if (vec->data != nullptr) {
    for (size_t i = 0; i < vec->size; ++i) Elements::release(vec->data[i]);
    std::free(vec->data);
  }
  vec->size = 0;
  vec->data = nullptr;
}

}  // namespace

// The five functions of wasm_NAME_vec_t, elements handled by ELEMENTS.
#define WISP_DEFINE_VEC(name, ELEMENTS)                                                         \
  void wasm_##name##_vec_new_empty(wasm_##name##_vec_t* out) { newEmpty(out); }                 \
  void wasm_##name##_vec_new_uninitialized(wasm_##name##_vec_t* out, size_t size) {             \
    newUninitialized(out, size);                                                                \
  }                                                                                             \
  void wasm_##name##_vec_new(wasm_##name##_vec_t* out, size_t size,                             \
                             const ElementOf<wasm_##name##_vec_t>* elements) {                  \
    newFrom(out, size, elements);                                                               \
  }                                                                                             \
  void wasm_##name##_vec_copy(wasm_##name##_vec_t* out, const wasm_##name##_vec_t* source) {   \
    copyFrom<ELEMENTS>(out, source);                                                            \
  }                                                                                             \
  void wasm_##name##_vec_delete(wasm_##name##_vec_t* vec) { release<ELEMENTS>(vec); }

#define WISP_POINTERS(name) OwnedPointers<wasm_##name##_t, wasm_##name##_copy, wasm_##name##_delete>

extern "C" {
WISP_DEFINE_VEC(byte, PlainElements<wasm_byte_t>)
WISP_DEFINE_VEC(val, OwnedValues)
WISP_DEFINE_VEC(valtype, WISP_POINTERS(valtype))
WISP_DEFINE_VEC(functype, WISP_POINTERS(functype))
WISP_DEFINE_VEC(globaltype, WISP_POINTERS(globaltype))
WISP_DEFINE_VEC(tabletype, WISP_POINTERS(tabletype))
WISP_DEFINE_VEC(memorytype, WISP_POINTERS(memorytype))
WISP_DEFINE_VEC(externtype, WISP_POINTERS(externtype))
WISP_DEFINE_VEC(importtype, WISP_POINTERS(importtype))
WISP_DEFINE_VEC(exporttype, WISP_POINTERS(exporttype))
WISP_DEFINE_VEC(frame, WISP_POINTERS(frame))
WISP_DEFINE_VEC(extern, WISP_POINTERS(extern))
}

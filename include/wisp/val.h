// A WebAssembly value of any type. Floats keep their exact bits (NaN payloads included).
// Reference values are handles into a store: a funcref is a Func (or null), an externref an
// ExternRef (or null).
#pragma once

#include <any>
#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

#include "wisp/forward.h"
#include "wisp/result.h"
#include "wisp/types.h"

namespace wisp {

class Func;
class Store;

// Host data a wasm externref points at; the store owns it and keeps it alive as long as the
// store lives. Two ExternRefs are equal when they are the same reference.
class ExternRef {
 public:
  static ExternRef create(Store& store, std::any data);

  std::any& data() const;
  bool operator==(const ExternRef&) const = default;

 private:
  friend struct detail::Access;
  explicit ExternRef(runtime::ExternRefBox* box) : box_(box) {}
  runtime::ExternRefBox* box_;
};

class Val {
 public:
  Val() : Val(int32_t{0}) {}
  Val(int32_t value) : type_(ValType::I32) { setBits(&value, 4); }
  Val(int64_t value) : type_(ValType::I64) { setBits(&value, 8); }
  Val(float value) : type_(ValType::F32) { setBits(&value, 4); }
  Val(double value) : type_(ValType::F64) { setBits(&value, 8); }
  Val(const V128& value) : type_(ValType::V128) { setBits(value.bytes.data(), 16); }
  Val(const Func& func);
  Val(const ExternRef& ref);
  Val(const Exception& exception);
  static Val f32FromBits(uint32_t bits) { Val v(0.0f); v.setBits(&bits, 4); return v; }
  static Val f64FromBits(uint64_t bits) { Val v(0.0); v.setBits(&bits, 8); return v; }
  static Val nullFuncRef() { Val v; v.type_ = ValType::FuncRef; return v; }
  static Val nullExternRef() { Val v; v.type_ = ValType::ExternRef; return v; }
  static Val nullExnRef() { Val v; v.type_ = ValType::ExnRef; return v; }
  // The zero value of a type (what a fresh local or result slot holds): 0, +0.0 or null.
  static Val zero(ValType type) { Val v; v.type_ = type; return v; }

  ValType type() const { return type_; }

  // Accessors read the value as the named type; they do not check type().
  int32_t i32() const { return bitsAs<int32_t>(); }
  int64_t i64() const { return bitsAs<int64_t>(); }
  float f32() const { return bitsAs<float>(); }
  double f64() const { return bitsAs<double>(); }
  uint32_t f32Bits() const { return bitsAs<uint32_t>(); }
  uint64_t f64Bits() const { return bitsAs<uint64_t>(); }
  V128 v128() const { V128 v; std::memcpy(v.bytes.data(), bits_, 16); return v; }
  // Null references give nullopt.
  std::optional<Func> funcref() const;
  std::optional<ExternRef> externref() const;
  std::optional<Exception> exnref() const;
  bool isNullRef() const { return isRefType(type_) && bitsAs<void*>() == nullptr; }

  // Same type and the same bits (so NaNs with equal payloads compare equal, +0 != -0).
  bool operator==(const Val& other) const {
    return type_ == other.type_ && std::memcmp(bits_, other.bits_, 16) == 0;
  }
  std::string toString() const;  // "i32:42", "f64:0x1.8p+1", "funcref:null"

 private:
  friend struct detail::Access;
  void setBits(const void* data, size_t size) {
    std::memset(bits_, 0, sizeof bits_);
    std::memcpy(bits_, data, size);
  }
  template <typename T>
  T bitsAs() const {
    T value;
    std::memcpy(&value, bits_, sizeof value);
    return value;
  }

  ValType type_;
  alignas(8) uint8_t bits_[16];  // numbers, v128, or the reference pointer
  detail::StoreState* store_ = nullptr;  // the owning store of a funcref or exnref
};

}  // namespace wisp

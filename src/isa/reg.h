// Registers as the compiler sees them, whatever the ISA: a compact code, a class, and bitsets.
#pragma once

#include <bit>
#include <cstdint>

namespace wisp::isa {

enum class RegClass : uint8_t { Gp, Fp };

// The 32 codes are general-purpose registers below kFpCodeBase, floating-point/vector ones
// from it. x86-64 has 16 of each; AArch64 needs more general ones (its roles must avoid eight
// argument registers) and fewer vector ones do: 20 and 12.
#if defined(WISP_TARGET_AARCH64) || (!defined(WISP_TARGET_X86_64) && defined(__aarch64__))
inline constexpr uint8_t kFpCodeBase = 20;
#else
inline constexpr uint8_t kFpCodeBase = 16;
#endif

class Reg {
 public:
  constexpr Reg() = default;
  static constexpr Reg gp(uint8_t index) { return Reg(index); }
  static constexpr Reg fp(uint8_t index) { return Reg(static_cast<uint8_t>(index + kFpCodeBase)); }
  static constexpr Reg fromCode(uint8_t code) { return Reg(code); }

  constexpr bool valid() const { return code_ != kInvalid; }
  constexpr bool isGp() const { return code_ < kFpCodeBase; }
  constexpr bool isFp() const { return code_ >= kFpCodeBase && code_ < 32; }
  constexpr RegClass regClass() const { return isGp() ? RegClass::Gp : RegClass::Fp; }
  constexpr uint8_t code() const { return code_; }  // 0..31
  // The index within its class (on x86-64, the encoding).
  constexpr uint8_t hwCode() const {
    if constexpr (kFpCodeBase == 16) return code_ & 15;  // no branch in x86-64's encoder
    return isGp() ? code_ : static_cast<uint8_t>(code_ - kFpCodeBase);
  }
  constexpr bool operator==(const Reg&) const = default;

 private:
  static constexpr uint8_t kInvalid = 0xFF;
  constexpr explicit Reg(uint8_t code) : code_(code) {}
  uint8_t code_ = kInvalid;
};

class RegSet {
 public:
  constexpr RegSet() = default;
  constexpr explicit RegSet(uint32_t bits) : bits_(bits) {}
  template <typename... Regs>
  static constexpr RegSet of(Regs... regs) {
    return RegSet(((1u << regs.code()) | ... | 0u));
  }

  constexpr bool has(Reg r) const { return bits_ & (1u << r.code()); }
  constexpr RegSet with(Reg r) const { return RegSet(bits_ | (1u << r.code())); }
  constexpr RegSet without(Reg r) const { return RegSet(bits_ & ~(1u << r.code())); }
  constexpr RegSet operator|(RegSet o) const { return RegSet(bits_ | o.bits_); }
  constexpr RegSet operator&(RegSet o) const { return RegSet(bits_ & o.bits_); }
  constexpr RegSet operator-(RegSet o) const { return RegSet(bits_ & ~o.bits_); }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr int count() const { return std::popcount(bits_); }
  constexpr Reg first() const { return Reg::fromCode(static_cast<uint8_t>(std::countr_zero(bits_))); }
  constexpr uint32_t bits() const { return bits_; }
  constexpr RegSet ofClass(RegClass c) const {
    constexpr uint32_t kGpBits = (1u << kFpCodeBase) - 1;
    return RegSet(bits_ & (c == RegClass::Gp ? kGpBits : ~kGpBits));
  }

 private:
  uint32_t bits_ = 0;
};

}  // namespace wisp::isa

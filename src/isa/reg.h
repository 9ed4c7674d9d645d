// Registers as the compiler sees them, whatever the ISA: a compact code, a class, and bitsets.
#pragma once

#include <bit>
#include <cstdint>

namespace wisp::isa {

enum class RegClass : uint8_t { Gp, Fp };

// Codes 0..15 are general-purpose registers, 16..31 floating-point/vector registers.
class Reg {
 public:
  constexpr Reg() = default;
  static constexpr Reg gp(uint8_t hw) { return Reg(hw); }
  static constexpr Reg fp(uint8_t hw) { return Reg(static_cast<uint8_t>(hw + 16)); }
  static constexpr Reg fromCode(uint8_t code) { return Reg(code); }

  constexpr bool valid() const { return code_ != kInvalid; }
  constexpr bool isGp() const { return code_ < 16; }
  constexpr bool isFp() const { return code_ >= 16 && code_ < 32; }
  constexpr RegClass regClass() const { return isGp() ? RegClass::Gp : RegClass::Fp; }
  constexpr uint8_t code() const { return code_; }       // 0..31
  constexpr uint8_t hwCode() const { return code_ & 15; }  // the encoding within its class
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
    return RegSet(bits_ & (c == RegClass::Gp ? 0x0000FFFFu : 0xFFFF0000u));
  }

 private:
  uint32_t bits_ = 0;
};

}  // namespace wisp::isa

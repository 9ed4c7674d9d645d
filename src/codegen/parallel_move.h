// A parallel move: a set of moves that happen "at once" (every source is read before any
// destination is written), as a branch needs to bring the current state into a join's merge
// state. Sources are registers, frame slots or constants; destinations registers or frame
// slots. Each destination is written once; a source may feed several destinations.
//
// Emission order: a move runs once no other pending move still reads its destination. When
// every pending move waits (a cycle), a register-to-register move of the cycle is done as a
// swap and the readers of the two registers are renamed; a cycle through frame slots instead
// parks one of its registers in a temporary slot. Neither needs a free register.
//
// Slot-to-slot moves must not form a cycle among themselves (the compiler only slides merge
// values down the frame); every other cycle is broken as above.
//
// Frame slots are named by their frame-pointer displacement and are all 8 bytes wide (the
// value stack's slot size), so two slots either coincide or do not overlap.
#pragma once

#include <cstdint>
#include <vector>

#include "isa/reg.h"
#include "wasm/types.h"

namespace wisp::codegen {

struct MoveLocation {
  enum class Kind : uint8_t { Reg, Slot, Const };
  Kind kind = Kind::Reg;
  isa::Reg reg;
  int32_t disp = 0;   // Slot: [frame pointer + disp]
  uint64_t bits = 0;  // Const

  static MoveLocation inReg(isa::Reg r) { return {Kind::Reg, r, 0, 0}; }
  static MoveLocation inSlot(int32_t disp) { return {Kind::Slot, isa::Reg(), disp, 0}; }
  static MoveLocation constant(uint64_t bits) { return {Kind::Const, isa::Reg(), 0, bits}; }
  bool isReg() const { return kind == Kind::Reg; }
  bool isSlot() const { return kind == Kind::Slot; }
  bool isConst() const { return kind == Kind::Const; }
  bool sameAs(const MoveLocation& o) const {
    if (kind != o.kind) return false;
    if (kind == Kind::Reg) return reg == o.reg;
    if (kind == Kind::Slot) return disp == o.disp;
    return false;  // a constant is never a destination
  }
};

// What emit() asks of its emitter (the compiler's adapter over the MacroAssembler; the unit
// tests' simulated machine):
//   move(Reg dst, Reg src, ValType)         load(Reg dst, int32_t disp, ValType)
//   store(int32_t disp, Reg src, ValType)   copy(int32_t dst, int32_t src, ValType)
//   moveImm(Reg dst, ValType, uint64_t)     storeImm(int32_t disp, ValType, uint64_t)
//   swap(Reg a, Reg b, ValType): of one class
class ParallelMove {
 public:
  void clear() {
    moves_.clear();
    reg_sources_ = 0;
  }
  bool empty() const { return moves_.empty(); }
  size_t size() const { return moves_.size(); }
  // A move onto itself is dropped.
  void add(MoveLocation dst, MoveLocation src, wasm::ValType type) {
    if (dst.sameAs(src)) return;
    if (src.isReg()) reg_sources_ |= 1u << src.reg.code();
    moves_.push_back({dst, src, type});
  }

  // Whether pred(dst, src, type) holds for every move.
  template <typename Pred>
  bool every(const Pred& pred) const {
    for (const Move& m : moves_)
      if (!pred(m.dst, m.src, m.type)) return false;
    return true;
  }

  // `temp_slot`: a frame slot no move names, for breaking a cycle that goes through slots.
  template <typename Emitter>
  void emit(Emitter& emitter, int32_t temp_slot);

 private:
  struct Move {
    MoveLocation dst;
    MoveLocation src;
    wasm::ValType type;
  };
  // The pending move other than `except` that reads `where`, or -1.
  int readerOf(const MoveLocation& where, size_t except) const {
    if (where.isReg() && !(reg_sources_ & (1u << where.reg.code()))) return -1;  // fast path
    for (size_t k = 0; k < moves_.size(); ++k)
      if (k != except && moves_[k].src.sameAs(where)) return static_cast<int>(k);
    return -1;
  }
  // A superset of the registers pending moves read (a bit per register code).
  uint32_t reg_sources_ = 0;
  template <typename Emitter>
  static void emitOne(Emitter& emitter, const Move& m);

  std::vector<Move> moves_;
};

template <typename Emitter>
void ParallelMove::emitOne(Emitter& e, const Move& m) {
  if (m.dst.isReg()) {
    if (m.src.isReg()) e.move(m.dst.reg, m.src.reg, m.type);
    else if (m.src.isSlot()) e.load(m.dst.reg, m.src.disp, m.type);
    else e.moveImm(m.dst.reg, m.type, m.src.bits);
  } else {
    if (m.src.isReg()) e.store(m.dst.disp, m.src.reg, m.type);
    else if (m.src.isSlot()) e.copy(m.dst.disp, m.src.disp, m.type);
    else e.storeImm(m.dst.disp, m.type, m.src.bits);
  }
}

template <typename Emitter>
void ParallelMove::emit(Emitter& e, int32_t temp_slot) {
  if (moves_.size() == 1) {  // the common case: nothing to order
    emitOne(e, moves_[0]);
    clear();
    return;
  }
  while (!moves_.empty()) {
    bool progress = false;
    for (size_t k = 0; k < moves_.size();) {
      if (readerOf(moves_[k].dst, k) >= 0) {
        ++k;
        continue;
      }
      emitOne(e, moves_[k]);
      moves_[k] = moves_.back();
      moves_.pop_back();
      progress = true;
    }
    if (progress || moves_.empty()) continue;
    // Every pending move waits for another: walk the readers until the walk is inside a
    // cycle (after as many steps as there are moves).
    size_t at = 0;
    for (size_t step = 0; step < moves_.size(); ++step)
      at = static_cast<size_t>(readerOf(moves_[at].dst, at));
    // A register-to-register move of the cycle is done as a swap: the readers of the two
    // registers are renamed, which creates no new dependency.
    const size_t start = at;
    size_t reg_dst = SIZE_MAX;
    do {
      const Move& m = moves_[at];
      if (m.dst.isReg() && m.src.isReg() && m.dst.reg.regClass() == m.src.reg.regClass()) break;
      if (m.dst.isReg() && reg_dst == SIZE_MAX) reg_dst = at;
      at = static_cast<size_t>(readerOf(moves_[at].dst, at));
    } while (at != start);
    const Move& m = moves_[at];
    if (m.dst.isReg() && m.src.isReg() && m.dst.reg.regClass() == m.src.reg.regClass()) {
      e.swap(m.dst.reg, m.src.reg, m.type);
      const MoveLocation a = m.dst, b = m.src;
      moves_[at] = moves_.back();
      moves_.pop_back();
      for (Move& other : moves_) {
        if (other.src.sameAs(b)) other.src = a;
        else if (other.src.sameAs(a)) other.src = b;
      }
      reg_sources_ |= (1u << a.reg.code()) | (1u << b.reg.code());
    } else {
      // A cycle through frame slots: one of its registers is parked in the temporary slot,
      // which is never a destination, so its readers wait for nothing.
      if (reg_dst == SIZE_MAX) __builtin_trap();  // slots alone: the precondition is broken
      const MoveLocation parked = moves_[reg_dst].dst;
      e.store(temp_slot, parked.reg, moves_[reg_dst].type);
      for (Move& other : moves_)
        if (other.src.sameAs(parked)) other.src = MoveLocation::inSlot(temp_slot);
    }
    // A move whose source is now its own destination is done.
    for (size_t k = 0; k < moves_.size();) {
      if (moves_[k].dst.sameAs(moves_[k].src)) {
        moves_[k] = moves_.back();
        moves_.pop_back();
      } else {
        ++k;
      }
    }
  }
  reg_sources_ = 0;
}

}  // namespace wisp::codegen

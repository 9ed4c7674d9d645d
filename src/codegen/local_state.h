// Where each local's value is, between two instructions.
//
// Every local has a home in the frame. A local may also live in a register:
//  - clean: the register and the home hold the same value;
//  - dirty: the register is the truth and the home is stale (write-back). A dirty local is
//    stored only when its register is taken (eviction, a call, a merge that keeps it in memory).
// Invariants (checked by FunctionCompiler::verifyState in debug builds):
//  - a register holds at most one local, and a local at most one register;
//  - a register holding a local is owned by that local alone: no value stack entry owns it
//    (a stack entry that reads the local is a Loc::Local alias, not a copy of the register);
//  - dirty() implies reg().valid().
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "isa/reg.h"

namespace wisp::codegen {

// Which local each register holds, and which of them are dirty: a whole state in a fixed
// size, so a merge state is one copy and comparing two is a memcmp.
struct LocalSnapshot {
  int32_t local_of[32];  // per register code, or -1
  isa::RegSet regs;
  isa::RegSet dirty;
};

class LocalState {
 public:
  explicit LocalState(std::vector<isa::Reg>& storage) : reg_of_(storage) {}

  void reset(size_t local_count) {
    reg_of_.assign(local_count, isa::Reg());
    for (int32_t& l : local_of_) l = -1;
    regs_ = dirty_ = isa::RegSet();
  }
  isa::Reg reg(uint32_t local) const { return reg_of_[local]; }
  bool inReg(uint32_t local) const { return reg_of_[local].valid(); }
  bool dirty(uint32_t local) const { return inReg(local) && dirty_.has(reg_of_[local]); }
  bool regDirty(isa::Reg reg) const { return dirty_.has(reg); }
  // The local `reg` holds, or -1.
  int32_t localIn(isa::Reg reg) const { return local_of_[reg.code()]; }
  isa::RegSet regs() const { return regs_; }
  isa::RegSet dirtyRegs() const { return dirty_; }
  bool empty() const { return regs_.empty(); }

  LocalSnapshot snapshot() const {
    LocalSnapshot s;
    std::memcpy(s.local_of, local_of_, sizeof local_of_);
    s.regs = regs_;
    s.dirty = dirty_;
    return s;
  }
  // The same locals in the same registers (dirty marks aside).
  bool sameRegisters(const LocalSnapshot& s) const {
    return regs_.bits() == s.regs.bits() &&
           std::memcmp(local_of_, s.local_of, sizeof local_of_) == 0;
  }
  // Only with sameRegisters: takes the snapshot's dirty marks.
  void setDirtyRegs(isa::RegSet dirty) { dirty_ = dirty; }

  // `local` must hold no register and `reg` no local.
  void assign(uint32_t local, isa::Reg reg, bool is_dirty) {
    reg_of_[local] = reg;
    local_of_[reg.code()] = static_cast<int32_t>(local);
    regs_ = regs_.with(reg);
    if (is_dirty) dirty_ = dirty_.with(reg);
  }
  // Forgets the local's register (the caller frees it or hands it on); returns it.
  isa::Reg release(uint32_t local) {
    const isa::Reg reg = reg_of_[local];
    if (!reg.valid()) return reg;
    reg_of_[local] = isa::Reg();
    local_of_[reg.code()] = -1;
    regs_ = regs_.without(reg);
    dirty_ = dirty_.without(reg);
    return reg;
  }
  // Forgets every local's register; returns them (the caller frees them or hands them on).
  isa::RegSet releaseAll() {
    const isa::RegSet regs = regs_;
    for (isa::RegSet left = regs; !left.empty(); left = left.without(left.first())) {
      const int code = left.first().code();
      reg_of_[static_cast<uint32_t>(local_of_[code])] = isa::Reg();
      local_of_[code] = -1;
    }
    regs_ = dirty_ = isa::RegSet();
    return regs;
  }
  void setDirty(uint32_t local, bool is_dirty) {
    const isa::Reg reg = reg_of_[local];
    dirty_ = is_dirty ? dirty_.with(reg) : dirty_.without(reg);
  }
  // Calls f(local, reg, dirty) for every local in a register, in register order.
  template <typename F>
  void forEach(F&& f) const {
    for (isa::RegSet left = regs_; !left.empty();) {
      const isa::Reg reg = left.first();
      left = left.without(reg);
      f(static_cast<uint32_t>(local_of_[reg.code()]), reg, dirty_.has(reg));
    }
  }

 private:
  std::vector<isa::Reg>& reg_of_;  // per local
  int32_t local_of_[32];           // per register code
  isa::RegSet regs_;
  isa::RegSet dirty_;
};

}  // namespace wisp::codegen

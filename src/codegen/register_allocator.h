// The register allocator's contract (its code is register_allocator.cpp, as members of
// FunctionCompiler, since its choices read the value stack and the locals).
//
// Invariants (checked by FunctionCompiler::checkInvariants in debug builds):
//  - `used_` is exactly the registers owned between instructions: those of Reg stack entries
//    and those of locals (local_state.h); each is owned by one of them;
//  - only the ISA's allocatable registers are ever owned (isa::target::kAllocatable*): the
//    pinned ones (vmctx, memory base, frame and stack pointers) and the MacroAssembler's
//    scratch registers never are;
//  - within one instruction a register may be held by nobody yet used: a result register
//    taken from a local (takeHintedResultReg) or a temporary; it is owned again, or freed,
//    before the instruction ends.
// Policy, cheapest first: a free register; else drop a clean local (no code); else store and
// drop a dirty local; else spill the oldest register-held stack value (the least likely to be
// used soon). `exclude` protects an instruction's operands from all of these.
#pragma once

#include "isa/reg.h"

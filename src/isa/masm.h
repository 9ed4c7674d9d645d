// Picks the MacroAssembler of the target ISA at compile time (no virtual calls). Each ISA's
// class offers the same wasm-level operations; see isa/x64/masm_x64.h for their contract.
#pragma once

#if defined(__x86_64__)
#include "isa/x64/masm_x64.h"
namespace wisp::isa {
using MacroAssembler = x64::MacroAssembler;
using Address = x64::Address;
using Label = x64::Label;
using Cond = x64::Cond;
using x64::negate;
namespace target = x64;
}  // namespace wisp::isa
#else
#error "Wisp generates code for x86-64 only for now (AArch64 comes later)"
#endif

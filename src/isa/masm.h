// Picks the MacroAssembler of the target ISA at compile time (no virtual calls). Each ISA's
// class offers the same wasm-level operations; see isa/x64/masm_x64.h for their contract.
// The target is the build's WISP_TARGET_ISA (the host's unless a cross-target build asks for
// another, see DESIGN.md §2).
#pragma once

#if !defined(WISP_TARGET_X86_64) && !defined(WISP_TARGET_AARCH64)
#if defined(__x86_64__)
#define WISP_TARGET_X86_64 1
#elif defined(__aarch64__)
#define WISP_TARGET_AARCH64 1
#endif
#endif

#if defined(WISP_TARGET_X86_64)
#include "isa/x64/masm_x64.h"
namespace wisp::isa {
using MacroAssembler = x64::MacroAssembler;
using Address = x64::Address;
using Label = x64::Label;
using Cond = x64::Cond;
using x64::negate;
namespace target = x64;
}  // namespace wisp::isa
#elif defined(WISP_TARGET_AARCH64)
#include "isa/a64/masm_a64.h"
namespace wisp::isa {
using MacroAssembler = a64::MacroAssembler;
using Address = a64::Address;
using Label = a64::Label;
using Cond = a64::Cond;
using a64::negate;
namespace target = a64;
}  // namespace wisp::isa
#else
#error "Wisp generates code for x86-64 and AArch64 only"
#endif

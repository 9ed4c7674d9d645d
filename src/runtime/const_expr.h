// Evaluation of constant expressions (global initializers, segment offsets and element items)
// at instantiation, including extended-const sequences of i32/i64 add, sub and mul.
#pragma once

#include <span>

#include "runtime/externs.h"
#include "runtime/result.h"
#include "runtime/vmcontext.h"
#include "wasm/module.h"

namespace wisp::runtime {

struct ConstExprContext {
  const wasm::Module* module = nullptr;
  // The globals initialized so far (global.get may only name those the validator allowed).
  std::span<GlobalInstance* const> globals;
  // The instance's VMFuncRef array: ref.func i evaluates to &functions[i].
  VMFuncRef* functions = nullptr;
};

// The value of a validated constant expression. Fails only on input the validator should
// have refused (a global not yet initialized, an unknown opcode).
Result<ValRaw> evaluateConstExpr(const wasm::ConstExpr& expr, const ConstExprContext& context);

}  // namespace wisp::runtime

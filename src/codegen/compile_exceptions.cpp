// Exception handling: try/catch/catch_all/delegate/rethrow (the legacy form), try_table and
// throw_ref (WebAssembly 3.0), and throw.
#include "codegen/function_compiler.h"

namespace wisp::codegen {

void FunctionCompiler::visitTry(const wasm::ControlFrame& frame, bool reachable) {
  pushControl(wasm::Opcode::Block, frame, reachable);
  if (reachable) markUnsupported(wasm::Opcode::Try);
}
void FunctionCompiler::visitCatch(const wasm::ControlFrame&, uint32_t, bool) {
  markUnsupported(wasm::Opcode::Catch);
}
void FunctionCompiler::visitCatchAll(const wasm::ControlFrame&, bool) {
  markUnsupported(wasm::Opcode::CatchAll);
}
void FunctionCompiler::visitDelegate(const wasm::ControlFrame& frame, uint32_t, bool reachable) {
  markUnsupported(wasm::Opcode::Delegate);
  visitEnd(frame, reachable);
}
void FunctionCompiler::visitTryTable(const wasm::ControlFrame& frame,
                                     std::span<const wasm::CatchClause>, bool reachable) {
  pushControl(wasm::Opcode::Block, frame, reachable);
  if (reachable) markUnsupported(wasm::Opcode::TryTable);
}
void FunctionCompiler::visitThrow(uint32_t, const wasm::FuncType&) {
  markUnsupported(wasm::Opcode::Throw);
}
void FunctionCompiler::visitRethrow(uint32_t) { markUnsupported(wasm::Opcode::Rethrow); }
void FunctionCompiler::visitThrowRef() { markUnsupported(wasm::Opcode::ThrowRef); }

}  // namespace wisp::codegen

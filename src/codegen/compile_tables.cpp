// Reference types and tables: inline element access with bounds checks, builtins for the rest.
#include "codegen/function_compiler.h"
#include "runtime/builtins.h"

namespace wisp::codegen {

using isa::Reg;
using isa::RegClass;
using isa::RegSet;
using runtime::TrapKind;
using wasm::ValType;

void FunctionCompiler::visitRefNull(ValType type) {
  if (!dead_) pushConst(type, 0);
}

void FunctionCompiler::visitRefIsNull() {
  if (dead_) return;
  const Reg ref = popToReg();
  masm_.intUnop(wasm::Opcode::I64Eqz, ref, ref);
  pushReg(ValType::I32, ref);
}

void FunctionCompiler::visitRefFunc(uint32_t function_index) {
  if (dead_) return;
  const Reg dst = allocReg(RegClass::Gp);
  masm_.leaPtr(dst, {isa::target::kVmctxReg, Reg(),
                     static_cast<int32_t>(context_.offsets.function(function_index))});
  pushReg(ValType::FuncRef, dst);
  out_.ref_functions.push_back(function_index);  // so instantiation defines its entry
}

// Leaves the address of element `index` of `table` in `elements` after a bounds check.
static isa::Address tableElement(isa::MacroAssembler& masm, const ModuleContext& context,
                                 uint32_t table, Reg index, Reg elements, isa::Label out_of_bounds) {
  masm.loadPtr(elements, {isa::target::kVmctxReg, Reg(), static_cast<int32_t>(context.offsets.table(table))});
  masm.branchCompareMem32(isa::Cond::GeU, index, {elements, Reg(), runtime::VMTable::kSizeOffset},
                          out_of_bounds);
  masm.loadPtr(elements, {elements, Reg(), runtime::VMTable::kElementsOffset});
  isa::Address element{elements, index, 0};
  element.shift = 3;
  return element;
}

// A funcref slot may hold the lazy mark (runtime::lazyElement(), whose address every vmctx
// holds): compared with it, and resolved out of line only if equal.
void FunctionCompiler::visitTableGet(uint32_t table) {
  if (dead_) return;
  const ValType type = module_.tables[table].type.element;
  const Reg index = popToReg();
  const Reg value = allocReg(RegClass::Gp, RegSet::of(index));
  const isa::Address element = tableElement(masm_, context_, table, index, value,
                                            trapLabel(TrapKind::TableOutOfBounds));
  masm_.loadPtr(value, element);
  if (type == ValType::FuncRef) {
    LazyTableRead read{masm_.newLabel(), masm_.newLabel(), isa::Label(), table, index, value,
                       wasmOffset(), 0, 0};
    masm_.branchCompareMem64(
        isa::Cond::Eq, value,
        {isa::target::kVmctxReg, Reg(), static_cast<int32_t>(runtime::VMOffsets::kLazyFuncRefOffset)},
        read.slow);
    masm_.bind(read.resume);
    addLazyTableRead(read, /*save_live_registers=*/true);
  }
  freeReg(index);
  pushReg(type, value);
}

void FunctionCompiler::visitTableSet(uint32_t table) {
  if (dead_) return;
  const Reg value = popToReg();
  const Reg index = popToReg(RegSet::of(value));
  const Reg elements = allocReg(RegClass::Gp, RegSet::of(value, index));
  const isa::Address element = tableElement(masm_, context_, table, index, elements,
                                            trapLabel(TrapKind::TableOutOfBounds));
  masm_.storePtr(element, value);
  freeReg(elements);
  freeReg(index);
  freeReg(value);
}

void FunctionCompiler::visitTableSize(uint32_t table) {
  if (dead_) return;
  const Reg dst = allocReg(RegClass::Gp);
  loadVmctxField(dst, context_.offsets.table(table));
  masm_.load(dst, {dst, Reg(), runtime::VMTable::kSizeOffset}, ValType::I32);
  pushReg(ValType::I32, dst);
}

void FunctionCompiler::visitTableGrow(uint32_t table) {
  if (dead_) return;
  spillRegisters();
  VarState args[2];
  popArgs(2, args);
  const uint64_t imms[] = {table};
  callBuiltin(runtime::builtins::Builtin::TableGrow, args, imms,
              ValType::I32, TrapKind::TableOutOfBounds, false);
}

void FunctionCompiler::visitTableFill(uint32_t table) {
  if (dead_) return;
  spillRegisters();
  VarState args[3];
  popArgs(3, args);
  const uint64_t imms[] = {table};
  callBuiltin(runtime::builtins::Builtin::TableFill, args, imms,
              ValType::Bottom, TrapKind::TableOutOfBounds, true);
}

void FunctionCompiler::visitTableCopy(uint32_t dst_table, uint32_t src_table) {
  if (dead_) return;
  spillRegisters();
  VarState args[3];
  popArgs(3, args);
  const uint64_t imms[] = {dst_table, src_table};
  callBuiltin(runtime::builtins::Builtin::TableCopy, args, imms,
              ValType::Bottom, TrapKind::TableOutOfBounds, true);
}

void FunctionCompiler::visitTableInit(uint32_t segment, uint32_t table) {
  if (dead_) return;
  spillRegisters();
  VarState args[3];
  popArgs(3, args);
  const uint64_t imms[] = {table, segment};
  callBuiltin(runtime::builtins::Builtin::TableInit, args, imms,
              ValType::Bottom, TrapKind::TableOutOfBounds, true);
}

void FunctionCompiler::visitElemDrop(uint32_t segment) {
  if (dead_) return;
  const uint64_t imms[] = {segment};
  callBuiltin(runtime::builtins::Builtin::ElemDrop, {}, imms,
              ValType::Bottom, TrapKind::TableOutOfBounds, false);
}

}  // namespace wisp::codegen

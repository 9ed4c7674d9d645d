// Exception handling: throw, the legacy try/catch/catch_all/delegate/rethrow, and WebAssembly
// 3.0's try_table and throw_ref.
//
// Zero cost on the path that throws nothing. A try emits no code at its entry but the spill
// every block does; what it costs is a table entry per call inside it (CodeInfo's handler
// sites: return address -> landing pad), written when the function is done. A throw calls a
// builtin that makes the exception and walks the frame-pointer chain up to the first return
// address with a landing pad (runtime throwWasmException), then jumps there with the catching
// frame's frame pointer and the exception in a register.
//
// The landing state is one every throwing site agrees with without emitting anything: each
// site is a call, before which the value stack's registers are spilled and every local is in
// its home (emitCall, callBuiltin), and a try's entry spilled the values below it. So a
// landing pad starts with the value stack at the try's height in memory, no local in a
// register, and puts back what the unwinding lost: the stack pointer (from the frame
// pointer), the pinned registers and the fuel counter.
//
// A legacy try's catch clauses arrive one at a time: the landing pad is bound at the first,
// keeps the exception in a slot of the try (for rethrow), and each clause tests the tag and
// branches to the next clause's test when it differs; past the last, the exception is thrown
// on. A try_table's clauses are all known at its start: its landing pad is emitted there, out
// of line, as a series of tests and branches to the clauses' labels.
#include "codegen/function_compiler.h"

namespace wisp::codegen {

using isa::Reg;
using isa::RegClass;
using runtime::VMException;
using wasm::Opcode;
using wasm::ValType;
namespace target = isa::target;
namespace builtins = runtime::builtins;

namespace {
constexpr uint32_t kNoHandler = Control::kNoHandler;
// A payload value's place in the builtin's array: one ValRaw each.
constexpr int32_t kPayloadValueSize = sizeof(runtime::ValRaw);
}  // namespace

uint32_t FunctionCompiler::newHandler() {
  handlers_.push_back({});
  return static_cast<uint32_t>(handlers_.size() - 1);
}

void FunctionCompiler::noteThrowSite(uint32_t handler) {
  if (handler != kNoHandler) throw_sites_.push_back({masm_.offset(), handler});
}

void FunctionCompiler::resolveThrowSites() {
  for (const ThrowSite& site : throw_sites_) {
    uint32_t handler = site.handler;
    // A handler without landing pad passes its exceptions on; the chain only goes outward.
    while (handler != kNoHandler && handlers_[handler].landing == ExceptionHandler::kNoLanding)
      handler = handlers_[handler].redirect;
    if (handler != kNoHandler) out_.handlers.push_back({site.return_offset, handlers_[handler].landing});
  }
}

void FunctionCompiler::bindLandingPad(uint32_t handler, uint32_t height) {
  handlers_[handler].landing = masm_.offset();
  dropStackAbove(height);
  releaseAllLocals();  // their homes are current at every throwing site
  dead_ = unsupported_ != nullptr;
  stack_resets_.push_back(masm_.resetStackPointerToFrame());
  // The exception register is no pinned one: the reloads leave it alone.
  reloadInstanceRegisters(true);
  loadFuelFromMemory();
}

// The payload of `exception` (a VMException*) pushed as the tag's parameter values: copied to
// their slots, so no register is needed for any of them.
void FunctionCompiler::pushExceptionPayload(Reg exception, const wasm::FuncType& tag_type) {
  if (tag_type.params().empty()) return;
  const Reg values = allocReg(RegClass::Gp, isa::RegSet().with(exception));
  masm_.loadPtr(values, {exception, Reg(), VMException::kValuesOffset});
  int32_t at = 0;
  for (ValType type : tag_type.params()) {
    VarState s;
    s.loc = VarState::Loc::Stack;
    s.type = type;
    push(s);
    masm_.copySlot(slotAddress(stack_.back().slot), {values, Reg(), at}, type);
    at += kPayloadValueSize;
  }
  freeReg(values);
}

// Every throwing site leaves the state a landing pad expects: locals in their homes, the value
// stack's registers spilled, the fuel in memory.
void FunctionCompiler::emitThrowRef(const VarState& exception, uint32_t handler) {
  spillRegisters();
  flushLocals();
  storeFuelToMemory();
  const std::span<const Reg> params = target::kHostConvention.gp_params;
  loadInto(exception, params[1]);
  masm_.move(params[0], target::kVmctxReg, ValType::I64);
  masm_.move(params[2], target::kFramePointer, ValType::I64);
  recordAddress();
  emitBuiltinCall(builtins::Builtin::ThrowRef);
  noteThrowSite(handler);
  masm_.trapInstruction();  // never reached: the builtin does not return
}

// ---- throw ----------------------------------------------------------------------------------

void FunctionCompiler::visitThrow(uint32_t tag_index, const wasm::FuncType& tag_type) {
  if (dead_) return;
  endFuelRun();
  spillRegisters();
  flushLocals();
  // The payload to an array of ValRaw below the stack pointer, then to the builtin.
  const size_t count = tag_type.params().size();
  const uint32_t area = (static_cast<uint32_t>(count * kPayloadValueSize) + 15) & ~15u;
  if (area != 0) masm_.adjustStack(static_cast<int32_t>(area));
  const size_t first = stack_.size() - count;
  for (size_t k = 0; k < count; ++k) {
    storeTo(stack_[first + k],
            {target::kStackPointer, Reg(), static_cast<int32_t>(k) * kPayloadValueSize});
  }
  dropStackAbove(first);
  storeFuelToMemory();
  const std::span<const Reg> params = target::kHostConvention.gp_params;
  masm_.move(params[0], target::kVmctxReg, ValType::I64);
  masm_.moveImm(params[1], ValType::I32, tag_index);
  masm_.move(params[2], target::kStackPointer, ValType::I64);
  masm_.move(params[3], target::kFramePointer, ValType::I64);
  recordAddress();
  emitBuiltinCall(builtins::Builtin::Throw);
  noteThrowSite(currentHandler());
  masm_.trapInstruction();  // never reached
  becomeDead();
}

void FunctionCompiler::visitThrowRef() {
  if (dead_) return;
  endFuelRun();
  bool owned;
  const Reg exception = popForRead({}, &owned);
  masm_.branchIfZero(exception, ValType::I64, trapLabel(runtime::TrapKind::NullExceptionReference));
  VarState s;
  s.loc = VarState::Loc::Reg;
  s.type = ValType::ExnRef;
  s.reg = exception;
  emitThrowRef(s, currentHandler());
  releaseRead(exception, owned);
  becomeDead();
}

// ---- legacy try ------------------------------------------------------------------------------

void FunctionCompiler::visitTry(const wasm::ControlFrame& frame, bool reachable) {
  forgetKnownLocals();
  if (dead_) return pushControl(Opcode::Try, frame, false);
  spillAll();
  pushControl(Opcode::Try, frame, reachable);
  Control& c = controls_.back();
  c.outer_handler = c.inner_handler;
  c.handler = newHandler();
  handlers_[c.handler].redirect = c.outer_handler;  // until a catch clause gives it a landing
  c.inner_handler = c.handler;
  // The caught exception's slot, above the params: pushes inside the try go above it.
  const int32_t params_top = stack_.size() > c.height ? stack_.back().slot : c.slot_floor;
  c.exception_slot = std::max(params_top, c.slot_floor) + 8;
  c.slot_floor = c.exception_slot;
  max_slot_ = std::max(max_slot_, c.exception_slot);
}

// The end of a try's body or of a clause's: a live one goes to the try's end, as an else's
// first branch does.
void FunctionCompiler::leaveClauseBody(Control& c) {
  if (dead_) return;
  moveToTarget(c);
  masm_.jump(c.label);
}

void FunctionCompiler::enterCatchClause(Control& c, bool first) {
  if (first) {
    // The try's body is over: its exceptions land here; the clauses' bodies throw outward.
    c.inner_handler = c.outer_handler;
    bindLandingPad(c.handler, c.height);
    masm_.storePtr(slotAddress(c.exception_slot), target::kCaughtExceptionGp);
    return;
  }
  masm_.bind(c.next_catch);
  dropStackAbove(c.height);
  releaseAllLocals();
  dead_ = unsupported_ != nullptr;
}

void FunctionCompiler::visitCatch(const wasm::ControlFrame&, uint32_t tag_index, bool) {
  forgetKnownLocals();
  Control& c = controls_.back();
  if (c.dead_on_entry) return;
  endFuelRun();
  leaveClauseBody(c);  // the try's body or the previous clause's
  enterCatchClause(c, c.kind == Opcode::Try);
  c.kind = Opcode::Catch;
  c.next_catch = masm_.newLabel();
  const Reg exception = allocReg(RegClass::Gp);
  masm_.loadPtr(exception, slotAddress(c.exception_slot));
  const Reg tag = allocReg(RegClass::Gp, isa::RegSet().with(exception));
  masm_.loadPtr(tag, {exception, Reg(), VMException::kTagOffset});
  masm_.branchCompareMem64(
      isa::Cond::Ne, tag,
      {target::kVmctxReg, Reg(), static_cast<int32_t>(context_.offsets.tag(tag_index))},
      c.next_catch);
  freeReg(tag);
  pushExceptionPayload(exception, module_.tagType(tag_index));
  freeReg(exception);
  beginFuelRun();
}

void FunctionCompiler::visitCatchAll(const wasm::ControlFrame&, bool) {
  forgetKnownLocals();
  Control& c = controls_.back();
  if (c.dead_on_entry) return;
  endFuelRun();
  leaveClauseBody(c);
  enterCatchClause(c, c.kind == Opcode::Try);
  c.kind = Opcode::CatchAll;
  beginFuelRun();
}

// The end of a try whose last clause is a catch: an exception no clause took goes on outward.
void FunctionCompiler::endLegacyTry(Control& c) {
  leaveClauseBody(c);
  enterCatchClause(c, false);
  if (!dead_) {
    VarState exception;
    exception.loc = VarState::Loc::Stack;
    exception.type = ValType::ExnRef;
    exception.slot = c.exception_slot;
    emitThrowRef(exception, c.outer_handler);
  }
  becomeDead();
}

void FunctionCompiler::visitDelegate(const wasm::ControlFrame& frame, uint32_t depth,
                                     bool reachable) {
  Control& c = controls_.back();
  if (!c.dead_on_entry) {
    // As if thrown where the target frame's own code is: to its handler if it is a try still
    // in its body, else on outward (the frame's inner handler says which).
    handlers_[c.handler].redirect = controlAt(depth + 1).inner_handler;
  }
  visitEnd(frame, reachable);
}

void FunctionCompiler::visitRethrow(uint32_t depth) {
  if (dead_) return;
  endFuelRun();
  VarState exception;
  exception.loc = VarState::Loc::Stack;
  exception.type = ValType::ExnRef;
  exception.slot = controlAt(depth).exception_slot;
  emitThrowRef(exception, currentHandler());
  becomeDead();
}

// ---- try_table --------------------------------------------------------------------------------

void FunctionCompiler::visitTryTable(const wasm::ControlFrame& frame,
                                     std::span<const wasm::CatchClause> clauses, bool reachable) {
  forgetKnownLocals();
  if (dead_) return pushControl(Opcode::TryTable, frame, false);
  endFuelRun();
  spillAll();
  pushControl(Opcode::TryTable, frame, reachable);
  const uint32_t index = static_cast<uint32_t>(controls_.size() - 1);
  {
    Control& c = controls_.back();
    c.outer_handler = c.inner_handler;
    c.handler = newHandler();
  }
  // The landing pad, out of line; the body's state (its params in memory, the locals where
  // they are) is put back after it.
  const isa::Label body = masm_.newLabel();
  masm_.jump(body);
  const uint32_t body_locals = snapshotLocals();
  controls_[index].saved_params_begin = static_cast<uint32_t>(saved_params_.size());
  for (uint32_t i = controls_[index].height; i < stack_.size(); ++i)
    saved_params_.push_back(stack_[i]);
  const uint32_t height = controls_[index].height;
  bindLandingPad(controls_[index].handler, height);
  pushReg(ValType::ExnRef, target::kCaughtExceptionGp);
  bool caught_all = false;
  for (const wasm::CatchClause& clause : clauses) {
    using Kind = wasm::CatchClause::Kind;
    const Reg exception = stack_[height].reg;
    const bool has_tag = clause.kind == Kind::Catch || clause.kind == Kind::CatchRef;
    const isa::Label next = masm_.newLabel();
    if (has_tag) {
      const Reg tag = allocReg(RegClass::Gp, isa::RegSet().with(exception));
      masm_.loadPtr(tag, {exception, Reg(), VMException::kTagOffset});
      masm_.branchCompareMem64(
          isa::Cond::Ne, tag,
          {target::kVmctxReg, Reg(), static_cast<int32_t>(context_.offsets.tag(clause.tag))},
          next);
      freeReg(tag);
      pushExceptionPayload(exception, module_.tagType(clause.tag));
    }
    if (clause.kind == Kind::CatchRef || clause.kind == Kind::CatchAllRef) {
      const Reg copy = allocReg(RegClass::Gp, isa::RegSet().with(exception));
      masm_.move(copy, exception, ValType::I64);
      pushReg(ValType::ExnRef, copy);
    }
    // The clause's label is outside the try_table: depth 0 is the frame enclosing it.
    branchTo(controlAt(clause.depth + 1));
    dropStackAbove(height + 1);
    masm_.bind(next);
    if (!has_tag) {  // a catch_all takes everything: later clauses are never tried
      caught_all = true;
      break;
    }
  }
  if (!dead_ && !caught_all) emitThrowRef(stack_[height], controls_[index].outer_handler);
  // Back to the body's start.
  dropStackAbove(height);
  releaseAllLocals();
  Control& c = controls_[index];
  restoreSavedParams(c);
  setLocals(body_locals);
  saved_params_.resize(c.saved_params_begin);
  dead_ = unsupported_ != nullptr;
  c.inner_handler = c.handler;
  masm_.bind(body);
  beginFuelRun();
}

}  // namespace wisp::codegen

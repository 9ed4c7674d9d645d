// The compiler's core: frame, value stack and registers. The per-instruction code is split by
// family: compile_control.cpp, compile_numeric.cpp, compile_memory.cpp, compile_calls.cpp and
// compile_tables.cpp.
#include "codegen/function_compiler.h"

#include <algorithm>

#include "runtime/runtime_limits.h"

namespace wisp::codegen {

using isa::Reg;
using isa::RegClass;
using isa::RegSet;
using wasm::ValType;
namespace x64 = isa::x64;

ModuleContext::ModuleContext(const wasm::Module& m, std::span<const uint32_t> ids,
                             const CompileOptions& o)
    : module(m), type_ids(ids), options(o), offsets(m) {
  signatures.reserve(m.types.size());
  for (const wasm::FuncType& type : m.types)
    signatures.push_back(isa::computeSignature(type, x64::kWasmConvention));
}

FunctionCompiler::FunctionCompiler(const ModuleContext& context, uint32_t function_index,
                                   CompilerScratch& scratch, asmjit::CodeHolder& code,
                                   CompiledFunction& out)
    : context_(context),
      module_(context.module),
      function_index_(function_index),
      type_(context.module.functionType(function_index)),
      sig_(context.signatures[context.module.functions[function_index].type_index]),
      code_(code),
      masm_(code, context.options.cpu_features),
      out_(out),
      stack_(scratch.stack),
      saved_params_(scratch.saved_params),
      local_homes_(scratch.local_homes),
      local_types_(scratch.local_types),
      br_table_labels_(scratch.br_table_labels),
      local_cache_(scratch.local_cache),
      loop_caches_(scratch.loop_caches) {
  std::fill(std::begin(cached_local_of_), std::end(cached_local_of_), -1);
  stack_.clear();
  saved_params_.clear();
  loop_caches_.clear();
  local_homes_.clear();
  local_types_.clear();
}

// ---- frame ------------------------------------------------------------------------------------

void FunctionCompiler::startFunction(std::span<const ValType> locals) {
  uses_memory_ = !module_.memories.empty();
  local_types_.assign(locals.begin(), locals.end());
  local_cache_.assign(locals.size(), Reg());
  // [rbp - 8] keeps the vmctx for reloading after calls that change it.
  int32_t slot = 8;
  int32_t params_end = slot;
  const uint32_t param_count = static_cast<uint32_t>(type_.params().size());
  for (uint32_t i = 0; i < locals.size(); ++i) {
    if (i < param_count && !sig_.params[i].inRegister()) {
      local_homes_.push_back(16 + static_cast<int32_t>(sig_.params[i].stack_offset));
      continue;
    }
    slot += static_cast<int32_t>(isa::stackSlotSize(locals[i]));
    local_homes_.push_back(-slot);
    if (i < param_count) params_end = slot;
  }
  locals_end_ = slot;
  max_slot_ = slot;

  frame_size_patch_ = masm_.enterFrame();
  loadVmctxField(x64::rax, runtime::VMOffsets::kLimitsOffset);
  masm_.checkStackLimit(x64::rax, runtime::RuntimeLimits::kStackLimitOffset,
                        trapLabel(runtime::TrapKind::StackOverflow));
  masm_.storePtr(slotAddress(8), x64::kVmctxReg);
  // Register parameters go to their slots and stay cached in their registers, so the body's
  // first reads of them cost nothing.
  for (uint32_t i = 0; i < param_count; ++i) {
    if (!sig_.params[i].inRegister()) continue;
    masm_.store(localAddress(i), sig_.params[i].reg, locals[i]);
    cacheLocal(i, sig_.params[i].reg);
  }
  masm_.zeroSlots(locals_end_, static_cast<uint32_t>(locals_end_ - params_end), x64::rax);
  if (uses_memory_) reloadInstanceRegisters(false);

  Control body;
  body.kind = wasm::Opcode::Call;
  body.results = type_.results();
  body.label_base = body.slot_floor = locals_end_;
  body.label = masm_.newLabel();
  controls_.push_back(body);
}

void FunctionCompiler::finishFunction() {
  for (const OutOfLineTrap& trap : traps_) {
    masm_.bind(trap.label);
    const uint32_t at = masm_.trapInstruction();
    out_.traps.push_back({at, trap.kind, trap.wasm_offset});
  }
  const uint32_t frame_size = (static_cast<uint32_t>(max_slot_) + 15) & ~15u;
  masm_.patchFrameSize(code_, frame_size_patch_, frame_size);
}

isa::Address FunctionCompiler::localAddress(uint32_t local) const {
  return {x64::rbp, Reg(), local_homes_[local]};
}

void FunctionCompiler::loadVmctxField(Reg dst, uint32_t offset) {
  masm_.loadPtr(dst, {x64::kVmctxReg, Reg(), static_cast<int32_t>(offset)});
}

void FunctionCompiler::reloadInstanceRegisters(bool vmctx_changed) {
  if (vmctx_changed) masm_.loadPtr(x64::kVmctxReg, slotAddress(8));
  if (!uses_memory_) return;
  loadVmctxField(x64::kMemoryBaseReg, context_.offsets.memory(0));
  masm_.loadPtr(x64::kMemoryBaseReg,
                {x64::kMemoryBaseReg, Reg(), runtime::VMMemory::kBaseOffset});
}

isa::Label FunctionCompiler::trapLabel(runtime::TrapKind kind) {
  OutOfLineTrap trap{masm_.newLabel(), kind, wasmOffset()};
  traps_.push_back(trap);
  return trap.label;
}

uint32_t FunctionCompiler::wasmOffset() const {
  // Before the first instruction (the prologue) the function's body offset stands in.
  const size_t at = decoder_ ? decoder_->instructionOffset() : 0;
  return at ? static_cast<uint32_t>(at) : module_.functions[function_index_].body_offset;
}

void FunctionCompiler::recordAddress() {
  out_.address_map.push_back({masm_.offset(), wasmOffset()});
}

// ---- value stack ------------------------------------------------------------------------------

int32_t FunctionCompiler::nextSlot(ValType type) {
  int32_t below = stack_.empty() ? locals_end_ : stack_.back().slot;
  if (!controls_.empty()) below = std::max(below, controls_.back().slot_floor);
  const int32_t slot = below + static_cast<int32_t>(isa::stackSlotSize(type));
  max_slot_ = std::max(max_slot_, slot);
  return slot;
}

void FunctionCompiler::push(VarState state) {
  state.slot = nextSlot(state.type);
  stack_.push_back(state);
}

void FunctionCompiler::pushReg(ValType type, Reg reg) {
  VarState s;
  s.loc = VarState::Loc::Reg;
  s.type = type;
  s.reg = reg;
  used_ = used_.with(reg);
  push(s);
}

void FunctionCompiler::pushConst(ValType type, uint64_t bits) {
  VarState s;
  s.loc = VarState::Loc::Const;
  s.type = type;
  s.bits = bits;
  push(s);
}

VarState FunctionCompiler::pop() {
  VarState s = stack_.back();
  stack_.pop_back();
  return s;
}

void FunctionCompiler::popArgs(size_t n, VarState* out) {
  for (size_t i = 0; i < n; ++i) out[i] = stack_[stack_.size() - n + i];
  stack_.resize(stack_.size() - n);
}

void FunctionCompiler::loadInto(const VarState& s, Reg reg) {
  switch (s.loc) {
    case VarState::Loc::Reg: masm_.move(reg, s.reg, s.type); return;
    case VarState::Loc::Const: masm_.moveImm(reg, s.type, s.bits); return;
    case VarState::Loc::Local:
      if (local_cache_[s.local].valid()) masm_.move(reg, local_cache_[s.local], s.type);
      else masm_.load(reg, localAddress(s.local), s.type);
      return;
    case VarState::Loc::Stack: masm_.load(reg, slotAddress(s.slot), s.type); return;
    case VarState::Loc::Flags: masm_.setCond(static_cast<isa::Cond>(s.bits), reg); return;
  }
}

Reg FunctionCompiler::popToReg(RegSet exclude) {
  const VarState s = pop();
  if (s.isReg() && !exclude.has(s.reg)) return s.reg;
  const Reg reg = allocRegFor(s.type, exclude);
  loadInto(s, reg);
  if (s.isReg()) freeReg(s.reg);
  return reg;
}

Reg FunctionCompiler::popForRead(RegSet exclude, bool* owned) {
  const VarState& top = stack_.back();
  if (top.loc == VarState::Loc::Local) {
    const Reg cached = local_cache_[top.local];
    if (cached.valid() && !exclude.has(cached)) {
      stack_.pop_back();
      *owned = false;
      return cached;
    }
  }
  *owned = true;
  return popToReg(exclude);
}

Reg FunctionCompiler::popToSpecificReg(Reg reg) {
  const VarState s = pop();
  if (s.isReg() && s.reg == reg) return reg;
  takeReg(reg);
  loadInto(s, reg);
  if (s.isReg()) freeReg(s.reg);
  return reg;
}

void FunctionCompiler::storeTo(const VarState& s, const isa::Address& dst) {
  switch (s.loc) {
    case VarState::Loc::Reg: masm_.store(dst, s.reg, s.type); return;
    case VarState::Loc::Const: masm_.storeImm(dst, s.type, s.bits); return;
    case VarState::Loc::Local: masm_.copySlot(dst, localAddress(s.local), s.type); return;
    case VarState::Loc::Stack: masm_.copySlot(dst, slotAddress(s.slot), s.type); return;
    case VarState::Loc::Flags:
      masm_.setCond(static_cast<isa::Cond>(s.bits), x64::kScratchGp);
      masm_.store(dst, x64::kScratchGp, s.type);
      return;
  }
}

void FunctionCompiler::storeToSlot(const VarState& s, int32_t slot) {
  if (s.loc == VarState::Loc::Stack && s.slot == slot) return;
  storeTo(s, slotAddress(slot));
}

void FunctionCompiler::spillEntry(VarState& s) {
  if (s.loc == VarState::Loc::Stack) return;
  storeToSlot(s, s.slot);
  if (s.isReg()) freeReg(s.reg);
  s.loc = VarState::Loc::Stack;
}

void FunctionCompiler::spillAll() {
  for (VarState& s : stack_) spillEntry(s);
}

void FunctionCompiler::spillRegisters() {
  for (VarState& s : stack_)
    if (s.isReg()) spillEntry(s);
}

void FunctionCompiler::materializeLocalAliases(uint32_t local) {
  for (VarState& s : stack_)
    if (s.loc == VarState::Loc::Local && s.local == local) spillEntry(s);
}

// ---- local cache --------------------------------------------------------------------------------

void FunctionCompiler::cacheLocal(uint32_t local, Reg reg) {
  uncacheLocal(local);
  local_cache_[local] = reg;
  cached_local_of_[reg.code()] = static_cast<int32_t>(local);
  ++cached_count_;
  used_ = used_.with(reg);
}

void FunctionCompiler::uncacheLocal(uint32_t local) {
  const Reg reg = local_cache_[local];
  if (!reg.valid()) return;
  local_cache_[local] = Reg();
  cached_local_of_[reg.code()] = -1;
  --cached_count_;
  freeReg(reg);
}

void FunctionCompiler::clearLocalCache() {
  if (cached_count_ == 0) return;
  cached_count_ = 0;
  for (int32_t& local : cached_local_of_) {
    if (local < 0) continue;
    const Reg reg = local_cache_[local];
    local_cache_[local] = Reg();
    local = -1;
    freeReg(reg);
  }
}

bool FunctionCompiler::evictCachedLocal(RegClass cls, RegSet exclude) {
  if (cached_count_ == 0) return false;
  const RegSet allocatable = cls == RegClass::Gp ? x64::kAllocatableGp : x64::kAllocatableFp;
  for (uint8_t code = 0; code < 32; ++code) {
    const Reg reg = Reg::fromCode(code);
    if (cached_local_of_[code] >= 0 && allocatable.has(reg) && !exclude.has(reg)) {
      uncacheLocal(static_cast<uint32_t>(cached_local_of_[code]));
      return true;
    }
  }
  return false;
}

// ---- registers --------------------------------------------------------------------------------

Reg FunctionCompiler::allocReg(RegClass cls, RegSet exclude) {
  const RegSet allocatable = cls == RegClass::Gp ? x64::kAllocatableGp : x64::kAllocatableFp;
  RegSet free = allocatable - used_ - exclude;
  if (free.empty()) {
    // A cached local costs nothing to drop; a value on the stack costs a store.
    if (!evictCachedLocal(cls, exclude)) spillOneRegister(cls, exclude);
    free = allocatable - used_ - exclude;
  }
  const Reg reg = free.first();
  used_ = used_.with(reg);
  return reg;
}

Reg FunctionCompiler::allocRegFor(ValType type, RegSet exclude) {
  return allocReg(isa::isFpType(type) ? RegClass::Fp : RegClass::Gp, exclude);
}

// Spills the oldest register-held value of the class: the one least likely to be used soon.
void FunctionCompiler::spillOneRegister(RegClass cls, RegSet exclude) {
  for (VarState& s : stack_) {
    if (s.isReg() && s.reg.regClass() == cls && !exclude.has(s.reg)) {
      spillEntry(s);
      return;
    }
  }
}

void FunctionCompiler::takeReg(Reg reg) {
  if (cached_local_of_[reg.code()] >= 0) uncacheLocal(static_cast<uint32_t>(cached_local_of_[reg.code()]));
  if (used_.has(reg)) {
    for (VarState& s : stack_) {
      if (s.isReg() && s.reg == reg) {
        const RegSet allocatable = reg.isGp() ? x64::kAllocatableGp : x64::kAllocatableFp;
        const RegSet free = allocatable - used_;
        if (free.empty()) {
          spillEntry(s);
        } else {
          const Reg other = free.first();
          masm_.move(other, reg, s.type);
          used_ = used_.with(other);
          s.reg = other;
          freeReg(reg);
        }
        break;
      }
    }
  }
  used_ = used_.with(reg);
}

// ---- compile a function ---------------------------------------------------------------------

namespace {
class RecordingErrorHandler : public asmjit::ErrorHandler {
 public:
  void handleError(asmjit::Error error, const char* message, asmjit::BaseEmitter*) override {
    if (first == asmjit::kErrorOk) {
      first = error;
      text = message;
    }
  }
  asmjit::Error first = asmjit::kErrorOk;
  std::string text;
};
}  // namespace

std::optional<wasm::Error> compileFunction(const ModuleContext& context, uint32_t function_index,
                                           CompilerScratch& scratch, CompiledFunction& out) {
  asmjit::CodeHolder& code = scratch.code;
  code.reset(asmjit::ResetPolicy::kSoft);
  code.init(asmjit::Environment::host());
  RecordingErrorHandler errors;
  code.setErrorHandler(&errors);
  FunctionCompiler compiler(context, function_index, scratch, code, out);
  wasm::FunctionDecoder<FunctionCompiler> decoder(context.module, function_index, scratch.decoder,
                                                  compiler);
  compiler.setDecoder(&decoder);
  const uint32_t body_offset = context.module.functions[function_index].body_offset;
  if (auto error = decoder.decode()) return error;
  if (compiler.unsupported()) {
    return wasm::Error{wasm::ErrorKind::Unsupported,
                       std::string("Wisp does not compile ") +
                           compiler.unsupported() + " yet",
                       body_offset, function_index};
  }
  if (compiler.masmUnhandled()) {
    return wasm::Error{wasm::ErrorKind::Unsupported,
                       "internal compiler error: " + *compiler.masmUnhandled(), body_offset,
                       function_index};
  }
  if (errors.first == asmjit::kErrorOk) errors.first = code.flatten();
  if (errors.first == asmjit::kErrorOk) errors.first = code.resolveUnresolvedLinks();
  // Applies the label deltas of jump tables; the code holds no absolute relocations, so the
  // base is irrelevant and the bytes stay position-independent.
  if (errors.first == asmjit::kErrorOk) errors.first = code.relocateToBase(0);
  if (errors.first != asmjit::kErrorOk) {
    return wasm::Error{wasm::ErrorKind::Resource,
                       std::string("code generation failed: ") +
                           asmjit::DebugUtils::errorAsString(errors.first),
                       body_offset, function_index};
  }
  out.code.resize(code.codeSize());
  code.copyFlattenedData(out.code.data(), out.code.size());
  return std::nullopt;
}

}  // namespace wisp::codegen

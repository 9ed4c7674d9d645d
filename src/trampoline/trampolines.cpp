// The trampolines of ../shared/seed/trampoline.rs, built over the MacroAssembler.
#include "trampoline/trampolines.h"


#include <cstring>

#include "isa/masm.h"
#include "runtime/runtime_limits.h"

namespace wisp::trampoline {

using isa::Address;
using isa::Reg;
using wasm::ValType;
namespace x64 = isa::x64;

namespace {

constexpr int32_t kValRawSize = sizeof(runtime::ValRaw);

Address at(Reg base, int64_t disp) { return {base, Reg(), static_cast<int32_t>(disp)}; }

// The callee-saved registers of System V other than rbp, pushed by host-to-wasm trampolines
// because wasm code preserves only its pinned registers.
constexpr Reg kSaved[] = {x64::rbx, x64::r12, x64::r13, x64::r14, x64::r15};

// push rbp; mov rbp, rsp; push the callee-saved registers. rsp is then 8 mod 16.
void enterHostToWasm(isa::MacroAssembler& masm) {
  masm.push(x64::rbp);
  masm.move(x64::rbp, x64::rsp, ValType::I64);
  for (Reg r : kSaved) masm.push(r);
}

void leaveHostToWasm(isa::MacroAssembler& masm) {
  masm.leaPtr(x64::rsp, at(x64::rbp, -8 * static_cast<int32_t>(std::size(kSaved))));
  for (size_t i = std::size(kSaved); i-- > 0;) masm.pop(kSaved[i]);
  masm.pop(x64::rbp);
  masm.ret();
}

// Stores rsp, as it will be at the call into wasm, in the callee's runtime limits.
void recordEntrySp(isa::MacroAssembler& masm) {
  masm.loadPtr(x64::kScratchGp, at(x64::kVmctxReg, runtime::VMOffsets::kLimitsOffset));
  masm.storePtr(at(x64::kScratchGp, runtime::RuntimeLimits::kLastWasmEntrySpOffset), x64::rsp);
}

// Stores the wasm caller's frame pointer and return address (this frame's saved rbp and
// return address) in the limits that the host context (r14) points to.
void recordExit(isa::MacroAssembler& masm) {
  masm.loadPtr(x64::rax, at(x64::kVmctxReg, runtime::VMHostFuncContext::kLimitsOffset));
  masm.loadPtr(x64::kScratchGp, at(x64::rbp, 0));
  masm.storePtr(at(x64::rax, runtime::RuntimeLimits::kLastWasmExitFpOffset), x64::kScratchGp);
  masm.loadPtr(x64::kScratchGp, at(x64::rbp, 8));
  masm.storePtr(at(x64::rax, runtime::RuntimeLimits::kLastWasmExitPcOffset), x64::kScratchGp);
}

uint32_t align16(uint32_t n) { return (n + 15) & ~15u; }

// array-to-wasm: void(VMContext* vmctx, void* code, ValRaw* values).
void emitArrayToWasm(isa::MacroAssembler& masm, const wasm::FuncType& type) {
  const isa::ABISig wasm_sig = isa::computeSignature(type, x64::kWasmConvention);
  enterHostToWasm(masm);
  // [rbp - 48] keeps the values pointer across the call; the outgoing area lies below it.
  const uint32_t area = wasm_sig.stackAreaBytes();
  masm.adjustStack(static_cast<int32_t>(8 + area));
  masm.storePtr(at(x64::rbp, -48), x64::rdx);
  masm.move(x64::kVmctxReg, x64::rdi, ValType::I64);
  masm.move(x64::rax, x64::rsi, ValType::I64);
  masm.move(x64::r10, x64::rdx, ValType::I64);
  recordEntrySp(masm);
  for (size_t k = 0; k < wasm_sig.params.size(); ++k) {
    const isa::ABIArg& p = wasm_sig.params[k];
    const Address slot = at(x64::r10, kValRawSize * static_cast<int64_t>(k));
    if (p.inRegister()) masm.load(p.reg, slot, p.type);
    else masm.copySlot(at(x64::rsp, p.stack_offset), slot, p.type);
  }
  masm.callRegister(x64::rax);
  masm.loadPtr(x64::rcx, at(x64::rbp, -48));
  for (size_t k = 0; k < wasm_sig.results.size(); ++k) {
    const isa::ABIArg& r = wasm_sig.results[k];
    const Address slot = at(x64::rcx, kValRawSize * static_cast<int64_t>(k));
    if (r.inRegister()) masm.store(slot, r.reg, r.type);
    else masm.copySlot(slot, at(x64::rsp, wasm_sig.stack_param_bytes + r.stack_offset), r.type);
  }
  leaveHostToWasm(masm);
}

wasm::FuncType withLeadingPointers(const wasm::FuncType& type, uint32_t pointers) {
  wasm::FuncType native;
  native.types.assign(pointers, ValType::I64);
  native.types.insert(native.types.end(), type.types.begin(), type.types.end());
  native.param_count = type.param_count + pointers;
  return native;
}

// native-to-wasm: R(VMContext* vmctx, void* code, Params...) in System V.
void emitNativeToWasm(isa::MacroAssembler& masm, const wasm::FuncType& type) {
  const isa::ABISig wasm_sig = isa::computeSignature(type, x64::kWasmConvention);
  const isa::ABISig native_sig =
      isa::computeSignature(withLeadingPointers(type, 2), x64::kSysVConvention);
  enterHostToWasm(masm);
  const uint32_t area = wasm_sig.stackAreaBytes();
  masm.adjustStack(static_cast<int32_t>(8 + area));
  masm.move(x64::kVmctxReg, x64::rdi, ValType::I64);
  masm.move(x64::rax, x64::rsi, ValType::I64);
  recordEntrySp(masm);
  // The System V registers shift down by the two pointers; in order, no move clobbers a
  // source still to be read.
  for (size_t k = 0; k < wasm_sig.params.size(); ++k) {
    const isa::ABIArg& dst = wasm_sig.params[k];
    const isa::ABIArg& src = native_sig.params[k + 2];
    const Address src_stack = at(x64::rbp, 16 + src.stack_offset);
    if (dst.inRegister() && src.inRegister()) masm.move(dst.reg, src.reg, dst.type);
    else if (dst.inRegister()) masm.load(dst.reg, src_stack, dst.type);
    else if (src.inRegister()) masm.store(at(x64::rsp, dst.stack_offset), src.reg, dst.type);
    else masm.copySlot(at(x64::rsp, dst.stack_offset), src_stack, dst.type);
  }
  masm.callRegister(x64::rax);
  // One result at most: rax or xmm0 in both conventions.
  leaveHostToWasm(masm);
}

// wasm-to-array: the host function's context is in r14; arguments in the wasm convention.
void emitWasmToArray(isa::MacroAssembler& masm, const wasm::FuncType& type) {
  const isa::ABISig wasm_sig = isa::computeSignature(type, x64::kWasmConvention);
  masm.push(x64::rbp);
  masm.move(x64::rbp, x64::rsp, ValType::I64);
  recordExit(masm);
  const size_t slots = std::max(type.params().size(), type.results().size());
  masm.adjustStack(static_cast<int32_t>(align16(static_cast<uint32_t>(slots) * kValRawSize)));
  for (size_t k = 0; k < wasm_sig.params.size(); ++k) {
    const isa::ABIArg& p = wasm_sig.params[k];
    const Address slot = at(x64::rsp, kValRawSize * static_cast<int64_t>(k));
    if (p.inRegister()) masm.store(slot, p.reg, p.type);
    else masm.copySlot(slot, at(x64::rbp, 16 + p.stack_offset), p.type);
  }
  masm.loadPtr(x64::rax, at(x64::kVmctxReg, runtime::VMHostFuncContext::kCallbackOffset));
  masm.move(x64::rdi, x64::kVmctxReg, ValType::I64);
  masm.move(x64::rsi, x64::rsp, ValType::I64);
  masm.callRegister(x64::rax);
  for (size_t k = 0; k < wasm_sig.results.size(); ++k) {
    const isa::ABIArg& r = wasm_sig.results[k];
    const Address slot = at(x64::rsp, kValRawSize * static_cast<int64_t>(k));
    if (r.inRegister()) masm.load(r.reg, slot, r.type);
    else masm.copySlot(at(x64::rbp, 16 + wasm_sig.stack_param_bytes + r.stack_offset), slot, r.type);
  }
  masm.leaveFrameAndReturn();
}

// wasm-to-native: calls R(VMHostFuncContext*, Params...) in System V.
void emitWasmToNative(isa::MacroAssembler& masm, const wasm::FuncType& type) {
  const isa::ABISig wasm_sig = isa::computeSignature(type, x64::kWasmConvention);
  const isa::ABISig native_sig =
      isa::computeSignature(withLeadingPointers(type, 1), x64::kSysVConvention);
  masm.push(x64::rbp);
  masm.move(x64::rbp, x64::rsp, ValType::I64);
  recordExit(masm);
  masm.adjustStack(static_cast<int32_t>(align16(native_sig.stack_param_bytes)));
  // The general registers shift up by one (the context comes first): move from the last
  // parameter back, so each source is read before it is overwritten.
  for (size_t k = wasm_sig.params.size(); k-- > 0;) {
    const isa::ABIArg& src = wasm_sig.params[k];
    const isa::ABIArg& dst = native_sig.params[k + 1];
    const Address src_stack = at(x64::rbp, 16 + src.stack_offset);
    const Address dst_stack = at(x64::rsp, dst.stack_offset);
    if (dst.inRegister() && src.inRegister()) masm.move(dst.reg, src.reg, dst.type);
    else if (dst.inRegister()) masm.load(dst.reg, src_stack, dst.type);
    else if (src.inRegister()) masm.store(dst_stack, src.reg, dst.type);
    else masm.copySlot(dst_stack, src_stack, dst.type);
  }
  masm.loadPtr(x64::rax, at(x64::kVmctxReg, runtime::VMHostFuncContext::kCallbackOffset));
  masm.move(x64::rdi, x64::kVmctxReg, ValType::I64);
  masm.callRegister(x64::rax);
  // One result at most, in the same register in both conventions; an i32 from C may carry
  // garbage above its low half, which wasm code would see (as an address index, say).
  if (!native_sig.results.empty() && native_sig.results[0].type == ValType::I32)
    masm.zeroExtendI32(native_sig.results[0].reg);
  masm.leaveFrameAndReturn();
}

std::string keyOf(int kind, const wasm::FuncType& type) {
  std::string key(1, static_cast<char>('0' + kind));
  for (ValType t : type.params()) key += static_cast<char>(t);
  key += ':';
  for (ValType t : type.results()) key += static_cast<char>(t);
  return key;
}

const char* kindName(int kind) {
  static constexpr const char* kNames[] = {"array-to-wasm", "native-to-wasm", "wasm-to-array",
                                           "wasm-to-native"};
  return kNames[kind];
}

}  // namespace

void* TrampolineCache::get(Kind kind, const wasm::FuncType& type) {
  const std::string key = keyOf(static_cast<int>(kind), type);
  std::lock_guard<std::mutex> lock(mutex_);
  if (auto it = entries_.find(key); it != entries_.end()) return it->second;
  isa::CodeBuffer code;
  isa::MacroAssembler masm(code);
  switch (kind) {
    case Kind::ArrayToWasm: emitArrayToWasm(masm, type); break;
    case Kind::NativeToWasm: emitNativeToWasm(masm, type); break;
    case Kind::WasmToArray: emitWasmToArray(masm, type); break;
    case Kind::WasmToNative: emitWasmToNative(masm, type); break;
  }
  if (!masm.finish()) return nullptr;
  auto memory = runtime::CodeMemory::allocate(code.size());
  if (!memory) return nullptr;
  runtime::CodeMemory block = std::move(memory.value());
  std::memcpy(block.writableBytes().data(), code.data(), code.size());
  if (!block.publish()) return nullptr;
  void* entry = reinterpret_cast<void*>(block.begin());
  code_.push_back(std::move(block));
  entries_.emplace(key, entry);
  code_sizes_.emplace(entry, code.size());
  if (profiler_ != nullptr) {
    const std::string name =
        std::string("trampoline[") + kindName(static_cast<int>(kind)) + " " + type.toString() + "]";
    const runtime::CodeSymbol symbol{entry, code.size(), name};
    profiler_->codeLoaded({&symbol, 1});
  }
  return entry;
}

std::span<const uint8_t> TrampolineCache::codeOf(const void* entry) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = code_sizes_.find(entry);
  if (it == code_sizes_.end()) return {};
  return {static_cast<const uint8_t*>(entry), it->second};
}

ArrayToWasmFn TrampolineCache::arrayToWasm(const wasm::FuncType& type) {
  return reinterpret_cast<ArrayToWasmFn>(get(Kind::ArrayToWasm, type));
}
void* TrampolineCache::nativeToWasm(const wasm::FuncType& type) {
  return get(Kind::NativeToWasm, type);
}
void* TrampolineCache::wasmToArray(const wasm::FuncType& type) {
  return get(Kind::WasmToArray, type);
}
void* TrampolineCache::wasmToNative(const wasm::FuncType& type) {
  return get(Kind::WasmToNative, type);
}

}  // namespace wisp::trampoline

// The single-pass compiler of one function body: a Visitor of wasm::FunctionDecoder, so the
// same walk decodes, validates and emits x86-64 through the MacroAssembler (DESIGN §2).
//
// Values live on an abstract value stack (value_stack.h) as constants, registers, local
// aliases or frame slots. Locals live in frame slots (parameters passed on the stack stay in
// the caller's area). Every stack entry has a frame slot fixed when it is pushed.
//
// Merge protocol (chosen for simplicity first, as Winch does; see control code):
//  - Entering a block, loop or if spills the whole value stack to its slots, so everything
//    below a frame is in memory and stays there while the frame runs.
//  - A branch or fallthrough to a label stores the label's values into the label's slots
//    (from `label_base` up); after the join they are Stack entries there.
//  - An `if` with parameters keeps a copy of them for its else branch, and its then branch
//    pushes above them (`slot_floor`), so the else branch finds them intact.
// The upgrade path is Liftoff's merge states with registers: only the join code changes.
#pragma once

#include <asmjit/x86.h>

#include <cstdint>
#include <span>
#include <vector>

#include "codegen/module_compiler.h"
#include "codegen/value_stack.h"
#include "isa/abi.h"
#include "isa/masm.h"
#include "runtime/code_info.h"
#include "runtime/vmcontext.h"
#include "wasm/function_decoder.h"
#include "wasm/module.h"

namespace wisp::codegen {

struct CallSite {
  uint32_t offset;  // of the rel32 displacement, in the function's code
  uint32_t callee;  // function index (a defined function)
};

struct CompiledFunction {
  std::vector<uint8_t> code;
  std::vector<CallSite> calls;
  std::vector<runtime::TrapSite> traps;  // code offsets relative to the function's start
  std::vector<runtime::AddressMapEntry> address_map;
};

// What every function of a module shares: computed once per module.
struct ModuleContext {
  ModuleContext(const wasm::Module& m, std::span<const uint32_t> ids, const CompileOptions& o);
  const wasm::Module& module;
  std::span<const uint32_t> type_ids;
  CompileOptions options;
  std::vector<isa::ABISig> signatures;  // per type index, in the wasm convention
  runtime::VMOffsets offsets;
};

struct CachedLocal {
  uint32_t local;
  isa::Reg reg;
};

// Reused across functions: the compiler allocates only when a function outgrows the last one.
struct CompilerScratch {
  asmjit::CodeHolder code;  // reset per function: its zone memory is kept
  wasm::FunctionDecoderContext decoder;
  std::vector<VarState> stack;
  std::vector<VarState> saved_params;
  std::vector<int32_t> local_homes;
  std::vector<wasm::ValType> local_types;
  std::vector<isa::Label> br_table_labels;
  std::vector<isa::Reg> local_cache;
  std::vector<CachedLocal> loop_caches;
};

// Compiles one function; on failure the error names the function and instruction.
std::optional<wasm::Error> compileFunction(const ModuleContext& context, uint32_t function_index,
                                           CompilerScratch& scratch, CompiledFunction& out);

class FunctionCompiler {
 public:
  FunctionCompiler(const ModuleContext& context, uint32_t function_index,
                   CompilerScratch& scratch, asmjit::CodeHolder& code, CompiledFunction& out);
  void setDecoder(const wasm::FunctionDecoder<FunctionCompiler>* decoder) { decoder_ = decoder; }
  // An instruction Wisp cannot compile yet (SIMD): reported as an error after the walk.
  const char* unsupported() const { return unsupported_; }
  // An operation the MacroAssembler was asked for and does not implement (a compiler bug).
  const std::string* masmUnhandled() const {
    return masm_.hasError() ? &masm_.unhandled() : nullptr;
  }

  // ---- FunctionDecoder hooks --------------------------------------------------------------
  void startFunction(std::span<const wasm::ValType> locals);
  void finishFunction();
  void visitBlock(const wasm::ControlFrame& frame, bool reachable);
  void visitLoop(const wasm::ControlFrame& frame, bool reachable);
  void visitIf(const wasm::ControlFrame& frame, bool reachable);
  void visitElse(const wasm::ControlFrame& frame, bool reachable);
  void visitEnd(const wasm::ControlFrame& frame, bool reachable);
  void visitUnreachable();
  void visitBr(uint32_t depth);
  void visitBrIf(uint32_t depth);
  void visitBrTable(std::span<const uint32_t> depths, uint32_t default_depth);
  void visitReturn();
  void visitCall(uint32_t function_index, const wasm::FuncType& type);
  void visitCallIndirect(uint32_t type_index, uint32_t table_index, const wasm::FuncType& type);
  void visitReturnCall(uint32_t, const wasm::FuncType&) { markUnsupported("return_call"); }
  void visitReturnCallIndirect(uint32_t, uint32_t, const wasm::FuncType&) {
    markUnsupported("return_call_indirect");
  }
  void visitDrop();
  void visitSelect(wasm::ValType type);
  void visitLocalGet(uint32_t index);
  void visitLocalSet(uint32_t index);
  void visitLocalTee(uint32_t index);
  void visitGlobalGet(uint32_t index);
  void visitGlobalSet(uint32_t index);
  void visitI32Const(int32_t value);
  void visitI64Const(int64_t value);
  void visitF32Const(uint32_t bits);
  void visitF64Const(uint64_t bits);
  void visitV128Const(const uint8_t*) { markUnsupported("v128.const"); }
  void visitNumeric(wasm::Opcode op);
  void visitLoad(wasm::Opcode op, const wasm::MemArg& arg);
  void visitStore(wasm::Opcode op, const wasm::MemArg& arg);
  void visitLoadLane(wasm::Opcode op, const wasm::MemArg&, uint8_t) { markUnsupported(op); }
  void visitStoreLane(wasm::Opcode op, const wasm::MemArg&, uint8_t) { markUnsupported(op); }
  void visitLane(wasm::Opcode op, uint8_t) { markUnsupported(op); }
  void visitShuffle(const uint8_t*) { markUnsupported("i8x16.shuffle"); }
  void visitMemorySize(uint32_t memory);
  void visitMemoryGrow(uint32_t memory);
  void visitMemoryInit(uint32_t segment, uint32_t memory);
  void visitDataDrop(uint32_t segment);
  void visitMemoryCopy(uint32_t dst_memory, uint32_t src_memory);
  void visitMemoryFill(uint32_t memory);
  void visitRefNull(wasm::ValType type);
  void visitRefIsNull();
  void visitRefFunc(uint32_t function_index);
  void visitTableGet(uint32_t table);
  void visitTableSet(uint32_t table);
  void visitTableInit(uint32_t segment, uint32_t table);
  void visitElemDrop(uint32_t segment);
  void visitTableCopy(uint32_t dst_table, uint32_t src_table);
  void visitTableGrow(uint32_t table);
  void visitTableSize(uint32_t table);
  void visitTableFill(uint32_t table);

 private:
  struct Control {
    wasm::Opcode kind = wasm::Opcode::Block;  // Block, Loop, If, Else or Call (the body)
    uint32_t height = 0;                      // stack height below the params
    uint32_t param_count = 0;
    std::span<const wasm::ValType> results;
    int32_t label_base = 0;   // label values go to slots above this one
    int32_t slot_floor = 0;   // pushes inside the frame take slots above this one
    isa::Label label;         // end of a block or if; header of a loop
    isa::Label else_label;    // an if's else branch
    uint32_t saved_params_begin = 0;
    // A loop keeps the locals cached at its header in their registers; back edges restore
    // them (loop_caches_[loop_cache_begin, + loop_cache_count)).
    uint32_t loop_cache_begin = 0;
    uint32_t loop_cache_count = 0;
    bool label_used = false;
    bool dead_on_entry = false;  // opened inside dead code: nothing in it is emitted

    uint32_t labelArity() const {
      return kind == wasm::Opcode::Loop ? param_count : static_cast<uint32_t>(results.size());
    }
  };
  struct OutOfLineTrap {
    isa::Label label;
    runtime::TrapKind kind;
    uint32_t wasm_offset;
  };

  // ---- value stack ------------------------------------------------------------------------
  int32_t nextSlot(wasm::ValType type);
  void push(VarState state);
  void pushReg(wasm::ValType type, isa::Reg reg);
  void pushConst(wasm::ValType type, uint64_t bits);
  VarState pop();
  void popArgs(size_t n, VarState* out);  // the top n entries, in stack order
  VarState& peek(uint32_t depth = 0) { return stack_[stack_.size() - 1 - depth]; }
  isa::Reg popToReg(isa::RegSet exclude = {});
  isa::Reg popToSpecificReg(isa::Reg reg);
  // For an operand the instruction only reads: a cached local's register is used as it is
  // (`owned` false, the caller must not free or write it); anything else as popToReg.
  isa::Reg popForRead(isa::RegSet exclude, bool* owned);
  void releaseRead(isa::Reg reg, bool owned) {
    if (owned) freeReg(reg);
  }
  void loadInto(const VarState& state, isa::Reg reg);
  void storeTo(const VarState& state, const isa::Address& dst);
  void storeToSlot(const VarState& state, int32_t slot);
  void spillEntry(VarState& state);
  void spillAll();
  void spillRegisters();
  void materializeLocalAliases(uint32_t local);
  isa::Address slotAddress(int32_t slot) const { return isa::target::frameSlot(slot); }
  isa::Address localAddress(uint32_t local) const;

  // ---- local cache ----------------------------------------------------------------------------
  // A register may hold a copy of a local between joins. Writes go through to the local's
  // slot, so the cache can be dropped at any time without a store: at every join, call, and
  // whenever a register is wanted.
  void cacheLocal(uint32_t local, isa::Reg reg);
  void uncacheLocal(uint32_t local);
  void clearLocalCache();
  bool evictCachedLocal(isa::RegClass cls, isa::RegSet exclude);

  // ---- registers ----------------------------------------------------------------------------
  isa::Reg allocReg(isa::RegClass cls, isa::RegSet exclude = {});
  isa::Reg allocRegFor(wasm::ValType type, isa::RegSet exclude = {});
  void freeReg(isa::Reg reg) { used_ = used_.without(reg); }
  void takeReg(isa::Reg reg);  // frees `reg` (moving its owner) and marks it used
  void spillOneRegister(isa::RegClass cls, isa::RegSet exclude);

  // ---- control ------------------------------------------------------------------------------
  Control& controlAt(uint32_t depth) { return controls_[controls_.size() - 1 - depth]; }
  void pushControl(wasm::Opcode kind, const wasm::ControlFrame& frame, bool reachable);
  void moveToLabel(Control& target, uint32_t arity);
  void branchTo(Control& target);
  bool branchNeedsMoves(const Control& target) const {
    return target.kind == wasm::Opcode::Call || target.labelArity() > 0 ||
           target.loop_cache_count > 0;
  }
  void restoreLoopCache(const Control& loop);
  void resetStackAfterJoin(Control& frame);
  void restoreSavedParams(Control& frame);
  void becomeDead();
  void emitReturn();
  bool dead() const { return dead_; }

  // ---- helpers ------------------------------------------------------------------------------
  isa::Label trapLabel(runtime::TrapKind kind);
  uint32_t wasmOffset() const;
  void recordAddress();
  void markUnsupported(wasm::Opcode op) { markUnsupported(wasm::opcodeName(op)); }
  // Stops emitting (the rest of the body is treated as dead code, so the value stack never
  // desynchronizes); compileFunction then reports the error.
  void markUnsupported(const char* what) {
    if (!unsupported_) unsupported_ = what;
    dead_ = true;
  }
  void reloadInstanceRegisters(bool vmctx_changed);
  void loadVmctxField(isa::Reg dst, uint32_t offset);
  void callBuiltin(const void* function, std::span<const VarState> args,
                   std::span<const uint64_t> leading_immediates, wasm::ValType result,
                   runtime::TrapKind trap_on_failure, bool checks_status);
  void emitCall(const wasm::FuncType& type, const isa::ABISig& sig, auto&& emit_call_instruction,
                bool vmctx_changed);
  isa::Address memoryAddress(const wasm::MemArg& arg, uint32_t access_size, isa::Reg* index_reg,
                             isa::RegSet exclude);

  // ---- numeric families (compile_numeric.cpp) ---------------------------------------------
  void emitIntBinop(wasm::Opcode op, wasm::ValType type);
  void emitShift(wasm::Opcode op, wasm::ValType type);
  void emitDivRem(wasm::Opcode op, wasm::ValType type);
  void emitCompare(wasm::Opcode op, wasm::ValType type);
  void emitEqz(wasm::Opcode op);
  bool nextConsumesCondition() const;
  void pushFlags(isa::Cond cond);
  void emitUnop(wasm::Opcode op, wasm::ValType in, wasm::ValType out);
  void emitRoundingCall(wasm::Opcode op, wasm::ValType type);
  void emitFloatBinop(wasm::Opcode op, wasm::ValType type);
  void emitFloatCompare(wasm::Opcode op);
  void emitConversion(wasm::Opcode op, wasm::ValType in, wasm::ValType out);

  const ModuleContext& context_;
  const wasm::Module& module_;
  uint32_t function_index_;
  const wasm::FuncType& type_;
  const isa::ABISig& sig_;
  asmjit::CodeHolder& code_;
  isa::MacroAssembler masm_;
  CompiledFunction& out_;
  const wasm::FunctionDecoder<FunctionCompiler>* decoder_ = nullptr;

  std::vector<VarState>& stack_;
  std::vector<VarState>& saved_params_;
  std::vector<int32_t>& local_homes_;         // rbp-relative displacement of each local
  std::vector<wasm::ValType>& local_types_;
  std::vector<isa::Label>& br_table_labels_;
  std::vector<isa::Reg>& local_cache_;          // per local: the register caching it, if any
  std::vector<CachedLocal>& loop_caches_;
  int32_t cached_local_of_[32];                  // per register code: the local it caches, or -1
  uint32_t cached_count_ = 0;
  std::vector<Control> controls_;
  std::vector<OutOfLineTrap> traps_;
  isa::RegSet used_;
  int32_t locals_end_ = 0;   // the slot of the last local
  int32_t max_slot_ = 0;
  uint32_t frame_size_patch_ = 0;
  bool dead_ = false;
  bool uses_memory_ = false;
  const char* unsupported_ = nullptr;
};

}  // namespace wisp::codegen

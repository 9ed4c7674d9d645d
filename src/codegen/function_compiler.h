// The single-pass compiler of one function body: a Visitor of wasm::FunctionDecoder, so the
// same walk decodes, validates and emits x86-64 through the MacroAssembler (DESIGN §2).
//
// The compiler's state is kept in named parts, each with its invariants at the top of its
// header: the value stack (value_stack.h: constants, registers, local aliases, frame slots),
// the locals (local_state.h: a home slot each, and a register while written back lazily), the
// control stack with the merge states of branch targets (control.h), and the parallel move
// that reconciles a branch's state with its target's (parallel_move.h). The register allocator
// and the frame are below. Debug builds check the invariants at every instruction boundary
// (checkInvariants).
//
// Merge protocol (Liftoff's): entering a block, loop or if spills the value stack, but locals
// stay where they are. The first edge to a target fixes the target's state (which locals are
// in which registers, where the label values are); later edges reconcile with a parallel
// move. A loop's header state is fixed on entry from a scan of the loop's body (loop_scan.h):
// the locals the loop uses get registers, the others are stored and leave their registers.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "codegen/control.h"
#include "codegen/frame.h"
#include "codegen/local_state.h"
#include "codegen/loop_scan.h"
#include "codegen/module_compiler.h"
#include "codegen/parallel_move.h"
#include "codegen/register_allocator.h"
#include "codegen/value_stack.h"
#include "isa/abi.h"
#include "isa/masm.h"
#include "runtime/code_info.h"
#include "runtime/builtins.h"
#include "runtime/relocation.h"
#include "runtime/vmcontext.h"
#include "wasm/function_decoder.h"
#include "wasm/lent_stack.h"
#include "wasm/module.h"

namespace wisp::codegen {

struct CallSite {
  uint32_t offset;  // the site MacroAssembler::callRelative/jumpRelative returned, in the function
  uint32_t callee;  // function index (a defined function)
};

// What a thread's functions compiled to besides their code (which is in the scratch state's
// CodeBuffer), appended function after function; code offsets are relative to each
// function's start.
struct CompiledFunction {
  std::vector<CallSite> calls;
  std::vector<uint32_t> ref_functions;  // named by ref.func (repeats allowed)
  std::vector<runtime::TrapSite> traps;
  std::vector<runtime::AddressMapEntry> address_map;
  std::vector<runtime::Relocation> relocations;
  std::vector<runtime::HandlerSite> handlers;  // exception handling's landing pads
  // Some function compiled a tail call that may leave the instance (see ModuleContext).
  bool tail_calls_out_of_instance = false;
};

// What every function of a module shares: computed once per module.
struct ModuleContext {
  ModuleContext(const wasm::Module& m, std::span<const uint32_t> ids, const CompileOptions& o,
                bool callees_may_return_from_other_instances);
  const wasm::Module& module;
  std::span<const uint32_t> type_ids;
  CompileOptions options;
  std::vector<isa::ABISig> signatures;  // per type index, in the wasm convention
  runtime::VMOffsets offsets;
  // A tail call may leave the instance (a return_call of an import, a return_call_indirect):
  // the callee then returns to our caller with its own pinned registers, so a direct call of
  // this module, which expects ours back, must reload them. Found while compiling
  // (CompiledFunction::tail_calls_out_of_instance): a module compiled without it that has
  // such a tail call is compiled again with it (compileModule).
  bool callees_may_return_from_other_instances = false;
};

// A trap's code, emitted after the function's body: where its branches go and what it reports.
struct OutOfLineTrap {
  isa::Label label;
  runtime::TrapKind kind;
  uint32_t wasm_offset;
};

// An epoch check's slow path, emitted after the body: the registers of the locals that hold one
// go to their homes around the call of the epoch builtin, which may extend the deadline (back
// to `resume`) or not (to `trap`).
struct EpochCheck {
  isa::Label slow;
  isa::Label resume;
  isa::Label trap;
  uint32_t saved_begin;  // the locals in registers, in CompilerScratch::epoch_saved_locals
  uint32_t saved_end;
};
struct LocalInRegister {
  uint32_t local;
  isa::Reg reg;
};

// The slow path of a read of a funcref table slot that holds the lazy mark (runtime::
// lazyElement()), emitted after the body: the tableElement builtin resolves the slot into
// `result`, with the registers listed in CompilerScratch::lazy_saved (live across the read)
// stored to their homes around the call, then back to `resume`. For call_indirect, whose
// type check branches here, the entry is first compared with the mark (anything else is a
// real mismatch: `mismatch`) and `resume` is its checks again; for table.get it is the end.
struct LazyTableRead {
  isa::Label slow;
  isa::Label resume;
  isa::Label mismatch;  // valid for call_indirect only
  uint32_t table;
  isa::Reg index;   // the slot's index (dead after the read)
  isa::Reg result;  // the entry: the mark on the way in, the resolved reference on the way out
  uint32_t wasm_offset;
  uint32_t saved_begin;  // in CompilerScratch::lazy_saved
  uint32_t saved_end;
};
// Exception handling: a try's or try_table's landing pad, or where its exceptions go instead
// (a try without catch clauses, or with delegate).
struct ExceptionHandler {
  static constexpr uint32_t kNoLanding = UINT32_MAX;
  uint32_t landing = kNoLanding;  // code offset in the function
  uint32_t redirect = Control::kNoHandler;
};
// A call an exception may come out of (its return offset) and the handler it goes to.
struct ThrowSite {
  uint32_t return_offset;
  uint32_t handler;
};

struct SavedRegister {
  isa::Reg reg;
  isa::Address home;
  wasm::ValType type;
};

// Reused across functions: the compiler allocates only when a function outgrows the last one.
struct CompilerScratch {
  isa::CodeBuffer code;  // a thread's functions one after another (startFunction)
  wasm::FunctionDecoderContext decoder;
  std::vector<VarState> stack;
  std::vector<VarState> saved_params;
  std::vector<int32_t> local_homes;
  std::vector<wasm::ValType> local_types;
  std::vector<isa::Label> br_table_labels;
  std::vector<isa::Reg> local_regs;
  std::vector<isa::Reg> target_regs;
  std::vector<LocalSnapshot> merge_locals;
  std::vector<MergeValue> merge_values;
  std::vector<Control> controls;
  std::vector<isa::Label> jump_table;
  std::vector<OutOfLineTrap> traps;
  std::vector<EpochCheck> epoch_checks;
  std::vector<LocalInRegister> epoch_saved_locals;
  std::vector<LazyTableRead> lazy_reads;
  std::vector<SavedRegister> lazy_saved;
  V128Constants v128_constants;
  std::vector<ExceptionHandler> handlers;
  std::vector<ThrowSite> throw_sites;
  std::vector<uint32_t> stack_resets;  // landing pads' patches of the frame size
  std::vector<uint32_t> frame_releases;  // the returns' patches of the frame size
  // A function's entry up to the frame's zeroing is the same bytes in every function of a
  // module but for the frame size and the stack-overflow branch: written once, then copied.
  struct {
    bool valid = false;
    isa::CodeSnippet snippet;
    uint32_t frame_size_patch = 0;  // from the snippet's start
    uint32_t vmctx_store_begin = 0, vmctx_store_end = 0;  // the same
  } entry;
  // The reload of the pinned registers after a call (and of the memory base at entry), without
  // and with the context's own: the same bytes throughout a module. So a scratch state serves
  // one module's compile.
  struct {
    bool valid = false;
    isa::CodeSnippet snippet;
  } instance_reload[2];
  ParallelMove moves;
  LoopScan loop_scan;
};

// Compiles one function: its code goes after the functions in scratch.code, its other
// results are appended to `out`. On failure the error names the function and instruction,
// and neither keeps anything of it.
std::optional<wasm::Error> compileFunction(const ModuleContext& context, uint32_t function_index,
                                           CompilerScratch& scratch, CompiledFunction& out);

class FunctionCompiler {
 public:
  FunctionCompiler(const ModuleContext& context, uint32_t function_index,
                   CompilerScratch& scratch, isa::CodeBuffer& code, CompiledFunction& out);
  void setDecoder(const wasm::FunctionDecoder<FunctionCompiler>* decoder) { decoder_ = decoder; }
  // An instruction Wisp cannot compile yet (SIMD): reported as an error after the walk.
  const char* unsupported() const { return unsupported_; }
  // An operation the MacroAssembler was asked for and does not implement (a compiler bug).
  const std::string* masmUnhandled() const {
    return masm_.hasError() ? &masm_.unhandled() : nullptr;
  }

  // ---- FunctionDecoder hooks --------------------------------------------------------------
  void startFunction(std::span<const wasm::ValType> locals);
  // Where each instruction's code begins, when CompileOptions asks for it.
  void beforeInstruction() {
    if (every_instruction_in_map_) recordAddress();
  }
  void finishFunction();
  void visitBlock(const wasm::ControlFrame& frame, bool reachable);
  void visitLoop(const wasm::ControlFrame& frame, bool reachable);
  void visitIf(const wasm::ControlFrame& frame, bool reachable);
  void visitElse(const wasm::ControlFrame& frame, bool reachable);
  void visitEnd(const wasm::ControlFrame& frame, bool reachable);
  void visitTry(const wasm::ControlFrame& frame, bool reachable);
  void visitCatch(const wasm::ControlFrame& frame, uint32_t tag_index, bool reachable);
  void visitCatchAll(const wasm::ControlFrame& frame, bool reachable);
  void visitDelegate(const wasm::ControlFrame& frame, uint32_t depth, bool reachable);
  void visitTryTable(const wasm::ControlFrame& frame, std::span<const wasm::CatchClause> clauses,
                     bool reachable);
  void visitThrow(uint32_t tag_index, const wasm::FuncType& tag_type);
  void visitRethrow(uint32_t depth);
  void visitThrowRef();
  void visitUnreachable();
  void visitBr(uint32_t depth);
  void visitBrIf(uint32_t depth);
  void visitBrTable(std::span<const uint32_t> depths, uint32_t default_depth);
  void visitReturn();
  void visitCall(uint32_t function_index, const wasm::FuncType& type);
  void visitCallIndirect(uint32_t type_index, uint32_t table_index, const wasm::FuncType& type);
  void visitReturnCall(uint32_t function_index, const wasm::FuncType& type);
  void visitReturnCallIndirect(uint32_t type_index, uint32_t table_index,
                               const wasm::FuncType& type);
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
  void visitV128Const(const uint8_t* bytes);
  bool visitSimdBinopWithConstant(wasm::Opcode op);
  bool visitShuffleWithConstant(const uint8_t* lanes);
  // Locals known to hold a v128 constant (visitLocalGet), forgotten at every join.
  struct KnownV128Local {
    uint32_t local;
    uint64_t constant;  // index in v128_constants_
  };
  KnownV128Local* knownV128Local(uint32_t local);
  void noteLocalWrite(uint32_t local, const VarState& value);
  void forgetKnownLocals() { known_v128_count_ = 0; }
  void visitNumeric(wasm::Opcode op);
  void visitLoad(wasm::Opcode op, const wasm::MemArg& arg);
  void visitStore(wasm::Opcode op, const wasm::MemArg& arg);
  void visitLoadLane(wasm::Opcode op, const wasm::MemArg& arg, uint8_t lane);
  void visitStoreLane(wasm::Opcode op, const wasm::MemArg& arg, uint8_t lane);
  void visitLane(wasm::Opcode op, uint8_t lane);
  void visitShuffle(const uint8_t* lanes);
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

 // Debug builds: the value stack, the locals and the register allocator agree on who owns
  // every register (FunctionDecoder calls this between instructions).
  void checkInvariants() const;

 private:

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
  // For an operand the instruction only reads: a local's register is used as it is (`owned`
  // false, the caller must not free or write it; a local in memory is loaded into a register
  // that it keeps); anything else as popToReg.
  isa::Reg popForRead(isa::RegSet exclude, bool* owned);
  void releaseRead(isa::Reg reg, bool owned) {
    if (owned) freeReg(reg);
  }
  // For an instruction that writes its result over its first operand (on top of the stack):
  // returns the destination and sets `*lhs` to the register holding the operand. They are one
  // owned register, except when the operand is a local's register: then the destination is a
  // fresh register (the MacroAssembler copies, or uses a three-address form), or the local's
  // own register when the next instruction overwrites that local anyway (`x = x + 1`).
  // A result register may also be the register of the local that the next instruction sets
  // (takeHintedResultReg), so the local stays in its register and a loop's back edge needs no
  // move. `*lhs_owned`: the caller frees `*lhs` after use when it differs from the result.
  isa::Reg popDestination(isa::RegSet exclude, isa::Reg* lhs, bool* lhs_owned);
  // The local the next instruction sets (local.set or local.tee), if any.
  bool nextInstructionSetsLocal(uint32_t* local) const;
  // For a result about to be set into a local by the next instruction: that local's register,
  // taken from it (its old value dies), when it has one of the result's class outside
  // `exclude` and no stack entry still reads the old value; else invalid.
  isa::Reg takeHintedResultReg(wasm::ValType type, isa::RegSet exclude);
  // A register for an instruction's result: the hinted one, else any free one.
  isa::Reg allocResult(wasm::ValType type, isa::RegSet exclude = {});
  void loadInto(const VarState& state, isa::Reg reg);
  void storeTo(const VarState& state, const isa::Address& dst);
  void storeToSlot(const VarState& state, int32_t slot);
  void spillEntry(VarState& state);
  void spillAll();
  void spillRegisters();
  void materializeFlags();
  // Every value reaches its slot's memory through this address, so the frame's extent is
  // noted here rather than at each push (most entries never leave their registers).
  isa::Address slotAddress(int32_t slot) {
    max_slot_ = std::max(max_slot_, slot);
    return isa::target::frameSlot(slot);
  }
  isa::Address localAddress(uint32_t local) const {
    return {isa::target::kFramePointer, isa::Reg(), local_homes_[local]};
  }
  MoveLocation locationOf(const VarState& state) const;

  // ---- locals (local_state.h) ---------------------------------------------------------------
  // Before `local` changes, the stack entries aliasing it get its old value: the first takes
  // its register, the others a copy in their slots.
  void materializeLocalAliases(uint32_t local);
  void assignLocal(uint32_t local, VarState value);  // local.set's work
  void storeLocal(uint32_t local);                   // to its home, if dirty
  void evictLocal(uint32_t local);                   // store if dirty, free the register
  void flushLocals();                                // every local to memory (calls)
  bool evictOneLocal(isa::RegClass cls, isa::RegSet exclude);

  // ---- registers ----------------------------------------------------------------------------
  // Owned registers are used_: a stack entry's or a local's. Allocation takes a free one, else
  // drops a clean local, else evicts a dirty local, else spills the oldest stack value.
  isa::Reg allocReg(isa::RegClass cls, isa::RegSet exclude = {});
  isa::Reg allocRegFor(wasm::ValType type, isa::RegSet exclude = {});
  isa::Reg tryAllocFree(isa::RegClass cls, isa::RegSet exclude = {});  // invalid if none free
  void freeReg(isa::Reg reg) { used_ = used_.without(reg); }
  void takeReg(isa::Reg reg);  // frees `reg` (moving its owner) and marks it used
  bool spillOneRegister(isa::RegClass cls, isa::RegSet exclude);

  // ---- control and merges (control.h) -------------------------------------------------------
  Control& controlAt(uint32_t depth) { return controls_[controls_.size() - 1 - depth]; }
  void pushControl(wasm::Opcode kind, const wasm::ControlFrame& frame, bool reachable);
  uint32_t snapshotLocals();
  // Fixes `target`'s merge state from the current state (its first edge).
  void fixMergeState(Control& target);
  // Records in moves_ what brings the current state (the top labelArity() values) to the
  // target's fixed state; emits nothing.
  void planMovesTo(const Control& target);
  bool localsMatch(uint32_t snapshot) const;
  void planLocalMoves(uint32_t snapshot);
  void planValueMoves(const Control& target);
  void emitMoves();
  // Moves the current state to the target's (fixing it first if this is its first edge).
  void moveToTarget(Control& target);
  bool edgeNeedsMoves(Control& target);
  // The state after a join: exactly the target's merge state.
  void adoptMergeState(Control& target);
  // The state where an if's condition branched (for its else branch).
  void adoptElseState(Control& c);
  void setLocals(uint32_t snapshot);
  void releaseAllLocals();
  void dropStackAbove(uint32_t height);
  void restoreSavedParams(Control& frame);
  void chooseLoopLocals();
  void branchTo(Control& target);
  void becomeDead();
  void emitReturn();
  bool dead() const { return dead_; }
  void emitBrIf(uint32_t depth);
  // A call returns here; a tail call replaces this function's frame (compile_calls.cpp).
  enum class CallKind : uint8_t { Call, TailCall };
  void emitDirectCall(uint32_t function_index, const wasm::FuncType& type, CallKind kind);
  void emitIndirectCall(uint32_t type_index, uint32_t table_index, const wasm::FuncType& type,
                        CallKind kind);

  // ---- interruption (Config::consume_fuel, Config::epoch_interruption) ---------------------
  // A straight-line run of code is charged as it begins, by an add whose immediate
  // endFuelRun patches with the number of instructions the decoder counted in between. Runs
  // end where control may leave or arrive (branches, calls, labels) and begin after them.
  // Nothing is emitted at the end, so a condition in the flags survives to its branch.
  void beginFuelRun();
  void endFuelRun();
  // At function entries and loop headers: a run begins and is checked for fuel, and the epoch
  // is compared with the deadline.
  void checkInterruption(bool at_entry);
  void emitEpochCheckSlowPaths();
  // ---- lazily initialised tables ------------------------------------------------------------
  // Registers a slow path; for table.get the live registers other than index and result are
  // saved around its call.
  void addLazyTableRead(LazyTableRead read, bool save_live_registers);
  void emitLazyTableReadSlowPaths();
  // The fuel counter lives in isa::target::kFuelGp from the entry on; memory has it across
  // calls and returns (a callee loads it at its entry, a host function may read or set it).
  void storeFuelToMemory();
  void loadFuelFromMemory();

  // ---- exception handling (compile_exceptions.cpp) -----------------------------------------
  uint32_t currentHandler() const { return controls_.back().inner_handler; }
  uint32_t newHandler();
  // After a call that may throw: its return address goes to `handler` (if any).
  void noteThrowSite(uint32_t handler);
  // Binds `handler`'s landing pad here: the value stack at `height`, every local in its home,
  // the exception in kCaughtExceptionGp, the stack pointer and the pinned registers back.
  void bindLandingPad(uint32_t handler, uint32_t height);
  // Where a legacy catch clause's test begins: the landing state again.
  void enterCatchClause(Control& c, bool first);
  void leaveClauseBody(Control& c);
  void pushExceptionPayload(isa::Reg exception, const wasm::FuncType& tag_type);
  // throw_ref of the exception at `exception` (not null) into `handler`.
  void emitThrowRef(const VarState& exception, uint32_t handler);
  void endLegacyTry(Control& c);
  void resolveThrowSites();

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
  // The call of a builtin, with the relocation that points a serialized module's copy at this
  // process's builtin; the arguments are in place.
  void emitBuiltinCall(runtime::builtins::Builtin builtin) {
    out_.relocations.push_back({masm_.callAbsolute(runtime::builtins::address(builtin)),
                                runtime::RelocationKind::BuiltinAddress,
                                static_cast<uint32_t>(builtin)});
  }
  void loadVmctxField(isa::Reg dst, uint32_t offset);
  void callBuiltin(runtime::builtins::Builtin builtin, std::span<const VarState> args,
                   std::span<const uint64_t> leading_immediates, wasm::ValType result,
                   runtime::TrapKind trap_on_failure, bool checks_status);
  void passArguments(const wasm::FuncType& type, const isa::ABISig& sig);
  void emitCall(const wasm::FuncType& type, const isa::ABISig& sig, auto&& emit_call_instruction,
                bool vmctx_changed);
  void emitTailCall(const wasm::FuncType& type, const isa::ABISig& sig, auto&& load_callee,
                    auto&& emit_jump);
  // The operand of one memory access and the registers it holds until the access is emitted:
  // the index (a local's register when not owned) and, for a memory other than 0 (which has
  // no pinned base), the register its base was loaded into.
  struct MemoryAccess {
    isa::Address addr;
    isa::Reg index;
    bool index_owned = true;
    isa::Reg base;  // invalid for memory 0
    // The operand, once index and base are chosen: written field by field, since a whole
    // Address made on the stack and copied in would be read back with a wider load than the
    // stores that made it (a stall).
    void setAddress(isa::Reg address_base, int32_t disp) {
      addr.base = address_base;
      addr.index = index;
      addr.disp = disp;
    }
    // The registers it holds, for what else the instruction allocates.
    isa::RegSet held() const {
      isa::RegSet regs;
      if (index.valid()) regs = regs.with(index);
      if (base.valid()) regs = regs.with(base);
      return regs;
    }
  };
  // Fills `access` (fresh) in place: returned by value, the struct came back in registers
  // assembled byte by byte on the stack, and reading it back stalled twice per access (a store
  // forwarding failure each).
  void memoryAccess(const wasm::MemArg& arg, uint32_t access_size, isa::RegSet exclude,
                    MemoryAccess& access);
  void memory64Access(const wasm::MemArg& arg, uint32_t access_size, isa::RegSet exclude,
                      MemoryAccess& access);
  bool isMemory64(uint32_t memory) const { return module_.memories[memory].type.is64; }
  // Frees what memoryAccess held, except `keep` (a register that now holds the result).
  void releaseMemoryAccess(const MemoryAccess& access, isa::Reg keep = isa::Reg());

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
  // A SIMD instruction of no immediate (compile_simd.cpp); false if it is not compiled yet.
  bool visitSimdNumeric(wasm::Opcode op);
  bool refuseSimdTheTargetLacks();
  void emitFloatCompare(wasm::Opcode op);
  void emitConversion(wasm::Opcode op, wasm::ValType in, wasm::ValType out);

  const ModuleContext& context_;
  const wasm::Module& module_;
  uint32_t function_index_;
  const wasm::FuncType& type_;
  const isa::ABISig& sig_;
  isa::MacroAssembler masm_;
  CompiledFunction& out_;
  const size_t map_begin_;  // this function's first entry in out_.address_map
  const bool every_instruction_in_map_;
  const wasm::FunctionDecoder<FunctionCompiler>* decoder_ = nullptr;
  static constexpr uint32_t kNoFuelRun = UINT32_MAX;
  uint32_t fuel_patch_ = kNoFuelRun;  // the open run's immediate
  uint64_t fuel_run_start_ = 0;       // the decoder's fuel count when it began
  uint32_t fuel_add_begin_ = 0;       // where its add begins, when no check follows it
  uint32_t fuel_add_end_ = kNoFuelRun;

  LentStack<VarState> stack_;
  std::vector<VarState>& saved_params_;
  std::vector<int32_t>& local_homes_;         // rbp-relative displacement of each local
  std::vector<wasm::ValType>& local_types_;
  std::vector<isa::Label>& br_table_labels_;
  std::vector<isa::Reg>& target_regs_;         // per local: scratch of planMovesTo
  std::vector<LocalSnapshot>& merge_locals_;   // the pool of merge states' locals
  std::vector<MergeValue>& merge_values_;      // the pool of merge states' label values
  LentStack<Control> controls_;
  std::vector<isa::Label>& jump_table_;
  ParallelMove& moves_;
  LoopScan& loop_scan_;
  LocalState locals_;
  std::vector<OutOfLineTrap>& traps_;
  std::vector<EpochCheck>& epoch_checks_;
  std::vector<LocalInRegister>& epoch_saved_locals_;
  std::vector<LazyTableRead>& lazy_reads_;
  std::vector<SavedRegister>& lazy_saved_;
  V128Constants& v128_constants_;
  std::vector<ExceptionHandler>& handlers_;
  std::vector<ThrowSite>& throw_sites_;
  std::vector<uint32_t>& stack_resets_;
  std::vector<uint32_t>& frame_releases_;
  // The prologue's store of the vmctx to its frame slot, and whether any code reads the slot
  // back: a function that never does (no call that changes the vmctx, no landing pad) gets the
  // store overwritten with a NOP at its end. A leaf function then stores nothing but its
  // frame pointer.
  uint32_t vmctx_store_begin_ = 0, vmctx_store_end_ = 0;
  bool vmctx_slot_read_ = false;
  KnownV128Local known_v128_[8];
  uint32_t known_v128_count_ = 0;
  // What the allocator may hand out: kAllocatableGp less kFuelGp when fuel is metered.
  isa::RegSet allocatable_gp_;
  decltype(CompilerScratch::entry)& entry_;
  decltype(CompilerScratch::instance_reload)& instance_reload_;
  isa::RegSet used_;
  int32_t locals_end_ = 0;   // the slot of the last local
  int32_t move_temp_slot_ = 0;  // a slot of the frame for parallel moves' cycles
  int32_t max_slot_ = 0;
  uint32_t frame_size_patch_ = 0;
  bool dead_ = false;
  bool uses_memory_ = false;
  const char* unsupported_ = nullptr;
};

// The value stack's hottest operations, inline: one call each per wasm instruction.
inline int32_t FunctionCompiler::nextSlot(wasm::ValType type) {
  int32_t below = stack_.empty() ? locals_end_ : stack_.back().slot;
  if (!controls_.empty()) below = std::max(below, controls_.back().slot_floor);
  return below + static_cast<int32_t>(isa::stackSlotSize(type));
}

inline void FunctionCompiler::push(VarState state) {
  state.slot = nextSlot(state.type);
  stack_.push_back(state);
}

// A constant entry's value into a register or to memory; a v128 one is looked up in `v128`
// and stored as two 64-bit halves, with no vector register.
inline void moveConstant(isa::MacroAssembler& masm, const V128Constants& v128, isa::Reg dst,
                         wasm::ValType type, uint64_t bits) {
  if (type != wasm::ValType::V128) return masm.moveImm(dst, type, bits);
  masm.v128Const(dst, v128[bits].lo, v128[bits].hi);
}
inline void storeConstant(isa::MacroAssembler& masm, const V128Constants& v128,
                          const isa::Address& dst, wasm::ValType type, uint64_t bits) {
  if (type != wasm::ValType::V128) return masm.storeImm(dst, type, bits);
  isa::Address high = dst;
  high.disp += 8;
  masm.storeImm(dst, wasm::ValType::I64, v128[bits].lo);
  masm.storeImm(high, wasm::ValType::I64, v128[bits].hi);
}

inline void FunctionCompiler::pushReg(wasm::ValType type, isa::Reg reg) {
  VarState s;
  s.loc = VarState::Loc::Reg;
  s.type = type;
  s.reg = reg;
  used_ = used_.with(reg);
  push(s);
}

inline void FunctionCompiler::pushConst(wasm::ValType type, uint64_t bits) {
  VarState s;
  s.loc = VarState::Loc::Const;
  s.type = type;
  s.bits = bits;
  push(s);
}

inline VarState FunctionCompiler::pop() {
  VarState s = stack_.back();
  stack_.pop_back();
  return s;
}

}  // namespace wisp::codegen

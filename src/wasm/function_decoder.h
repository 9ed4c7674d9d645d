// One pass over a function body that decodes, validates and reports each instruction to a
// Visitor. The validator is this decoder with a Visitor that does nothing; the compiler is
// this decoder with a Visitor that emits code (DESIGN §2): one walk, no IR.
//
// The operand stack holds types only (ValType::Bottom stands for the unknown type of
// unreachable code); control frames record block signatures and stack heights. Visitors get
// instruction hooks only in reachable code, and control hooks (block, loop, if, else, end, and
// those of exception handling: try, catch, catch_all, delegate, try_table) always, so they can
// keep their own control stack in step with this one.
//
// No allocation per instruction: the stacks are vectors lent by a FunctionDecoderContext
// that the caller reuses across functions.
#pragma once

#include <algorithm>
#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "wasm/binary_reader.h"
#include "wasm/lent_stack.h"
#include "wasm/module.h"
#include "wasm/opcodes.h"

namespace wisp::wasm {

// An implementation limit, as V8 has: bodies declaring more locals are rejected.
inline constexpr uint32_t kMaxFunctionLocals = 50000;

struct BlockType {
  std::span<const ValType> params;
  std::span<const ValType> results;
};

// Exception handling: one catch clause of a try_table. `depth` is the clause's label as in
// the binary: relative to the frames enclosing the try_table (0 is the frame just outside it).
struct CatchClause {
  enum class Kind : uint8_t { Catch = 0, CatchRef = 1, CatchAll = 2, CatchAllRef = 3 };
  Kind kind = Kind::Catch;
  uint32_t tag = 0;  // for Catch and CatchRef
  uint32_t depth = 0;
};

struct ControlFrame {
  // Block, Loop, If, Else (an `if` past its `else`), Call (the function's body), and for
  // exception handling: Try (a legacy try in its body), Catch / CatchAll (a legacy try past
  // a catch or catch_all clause) and TryTable.
  Opcode kind = Opcode::Block;
  BlockType type;
  uint32_t height = 0;          // operand stack height at entry, params excluded
  bool unreachable = false;
  // The types a branch to this frame carries: a loop's params, else its results.
  std::span<const ValType> labelTypes() const {
    return kind == Opcode::Loop ? type.params : type.results;
  }
};

struct MemArg {
  uint32_t align_log2 = 0;
  uint32_t memory_index = 0;
  uint64_t offset = 0;
};

// Reused across functions so decoding a body allocates only when it outgrows the last one.
struct FunctionDecoderContext {
  std::vector<ValType> locals;
  std::vector<ValType> operands;  // storage of the OperandStack, not a stack itself
  std::vector<ControlFrame> controls;
  std::vector<uint32_t> br_table_depths;
  std::vector<ValType> popped;
  std::vector<CatchClause> catch_clauses;  // of the try_table being decoded
};

// The operand type stack: a bump pointer over storage lent by the context, so that a push
// is a compare and a store (std::vector's push_back, with its reallocation inlined, was the
// validator's largest single cost). The storage vector's size is the capacity.
class OperandStack {
 public:
  explicit OperandStack(std::vector<ValType>& storage) : storage_(storage) {
    if (storage_.size() < kGuard + 16) storage_.resize(64);
    begin_ = top_ = storage_.data() + kGuard;
    end_ = storage_.data() + storage_.size();
  }

  size_t size() const { return static_cast<size_t>(top_ - begin_); }
  const ValType* data() const { return begin_; }
  ValType back() const { return top_[-1]; }
  void push_back(ValType t) {
    if (top_ == end_) [[unlikely]] grow();
    *top_++ = t;
  }
  void pop_back() { --top_; }
  // Whether the top values, all above `floor`, are exactly `types` (bottom to top).
  bool endsWith(std::span<const ValType> types, size_t floor) const {
    if (size() < floor + types.size()) return false;
    const ValType* values = top_ - types.size();
    for (size_t i = 0; i < types.size(); ++i)
      if (values[i] != types[i]) return false;
    return true;
  }
  // endsWith for the table's operand signatures (at most three params), as one compare.
  bool endsWith(const OperandSig& sig, size_t floor) const {
    static_assert(std::size(OperandSig{}.params) == 3);
    if (size() < floor + sig.param_count) return false;
    uint32_t top;  // the guard makes four bytes readable below any top
    std::memcpy(&top, top_ - 4, 4);
    return (top & sig.top_mask) == sig.top_word;
  }
  void drop(size_t count) { top_ -= count; }
  // Whether the top values, all above `floor`, can be `types`: equal, or unknown (Bottom).
  bool matchesTop(std::span<const ValType> types, size_t floor) const {
    if (size() < floor + types.size()) return false;
    const ValType* values = top_ - types.size();
    for (size_t i = 0; i < types.size(); ++i)
      if (values[i] != types[i] && values[i] != ValType::Bottom) return false;
    return true;
  }
  void append(std::span<const ValType> types) {
    while (static_cast<size_t>(end_ - top_) < types.size()) grow();
    std::copy(types.begin(), types.end(), top_);
    top_ += types.size();
  }
  void clear() { top_ = begin_; }
  // Drops values down to `height`; never grows (the callers only unwind to a frame's height).
  void truncate(size_t height) { top_ = begin_ + std::min(height, size()); }

 private:
  __attribute__((noinline)) void grow() {
    const size_t size = this->size();
    storage_.resize(std::max<size_t>(64, storage_.size() * 2));
    begin_ = storage_.data() + kGuard;
    top_ = begin_ + size;
    end_ = storage_.data() + storage_.size();
  }

  // Entries below the bottom, never values: endsWith reads a word that may reach into them.
  static constexpr size_t kGuard = 4;
  std::vector<ValType>& storage_;
  ValType* begin_;
  ValType* top_;
  ValType* end_;
};

// The hooks a Visitor implements; this one does nothing and is what validation uses.
// Optional, and not here: beforeInstruction(), called as each instruction's decoding begins
// (reachable or not), and checkInvariants(), called between instructions in Debug builds.
struct NullVisitor {
  void startFunction(std::span<const ValType> locals) {}
  void finishFunction() {}
  // Control (called in unreachable code too; `reachable` says which).
  void visitBlock(const ControlFrame&, bool reachable) {}
  void visitLoop(const ControlFrame&, bool reachable) {}
  void visitIf(const ControlFrame&, bool reachable) {}
  void visitElse(const ControlFrame&, bool reachable) {}
  void visitEnd(const ControlFrame&, bool reachable) {}
  // Exception handling (called in unreachable code too). visitTry and visitTryTable come
  // after the frame is pushed, as visitBlock; visitCatch and visitCatchAll after the frame
  // became Catch / CatchAll and its values were dropped, before the tag's payload types are
  // pushed. visitDelegate ends a Try instead of visitEnd; `depth` counts from the frame
  // enclosing the try (0: the one just outside it).
  // `reachable`: for visitTry and visitTryTable, whether the instruction is (as visitBlock);
  // for visitCatch, visitCatchAll and visitDelegate, whether the end of the code before it
  // (the try's body or the previous catch) is (as visitElse and visitEnd). The clauses of
  // visitTryTable live in the decoder's context: valid during the call only.
  void visitTry(const ControlFrame&, bool reachable) {}
  void visitCatch(const ControlFrame&, uint32_t tag_index, bool reachable) {}
  void visitCatchAll(const ControlFrame&, bool reachable) {}
  void visitDelegate(const ControlFrame&, uint32_t depth, bool reachable) {}
  void visitTryTable(const ControlFrame&, std::span<const CatchClause> clauses, bool reachable) {}
  // Instructions (reachable code only).
  void visitUnreachable() {}
  void visitBr(uint32_t depth) {}
  void visitBrIf(uint32_t depth) {}
  void visitBrTable(std::span<const uint32_t> depths, uint32_t default_depth) {}
  void visitReturn() {}
  void visitCall(uint32_t function_index, const FuncType&) {}
  void visitCallIndirect(uint32_t type_index, uint32_t table_index, const FuncType&) {}
  void visitReturnCall(uint32_t function_index, const FuncType&) {}
  void visitReturnCallIndirect(uint32_t type_index, uint32_t table_index, const FuncType&) {}
  void visitThrow(uint32_t tag_index, const FuncType& tag_type) {}
  // `depth`: the label of a Catch or CatchAll frame, whose exception is thrown again.
  void visitRethrow(uint32_t depth) {}
  void visitThrowRef() {}
  void visitDrop() {}
  void visitSelect(ValType type) {}
  void visitLocalGet(uint32_t index) {}
  void visitLocalSet(uint32_t index) {}
  void visitLocalTee(uint32_t index) {}
  void visitGlobalGet(uint32_t index) {}
  void visitGlobalSet(uint32_t index) {}
  void visitI32Const(int32_t value) {}
  void visitI64Const(int64_t value) {}
  void visitF32Const(uint32_t bits) {}
  void visitF64Const(uint64_t bits) {}
  void visitV128Const(const uint8_t* bytes) {}
  // Table-typed numeric and SIMD operations with no immediate.
  void visitNumeric(Opcode op) {}
  void visitLoad(Opcode op, const MemArg&) {}
  void visitStore(Opcode op, const MemArg&) {}
  void visitLoadLane(Opcode op, const MemArg&, uint8_t lane) {}
  void visitStoreLane(Opcode op, const MemArg&, uint8_t lane) {}
  void visitLane(Opcode op, uint8_t lane) {}
  void visitShuffle(const uint8_t* lanes) {}
  void visitMemorySize(uint32_t memory) {}
  void visitMemoryGrow(uint32_t memory) {}
  void visitMemoryInit(uint32_t segment, uint32_t memory) {}
  void visitDataDrop(uint32_t segment) {}
  void visitMemoryCopy(uint32_t dst_memory, uint32_t src_memory) {}
  void visitMemoryFill(uint32_t memory) {}
  void visitRefNull(ValType type) {}
  void visitRefIsNull() {}
  void visitRefFunc(uint32_t function_index) {}
  void visitTableGet(uint32_t table) {}
  void visitTableSet(uint32_t table) {}
  void visitTableInit(uint32_t segment, uint32_t table) {}
  void visitElemDrop(uint32_t segment) {}
  void visitTableCopy(uint32_t dst_table, uint32_t src_table) {}
  void visitTableGrow(uint32_t table) {}
  void visitTableSize(uint32_t table) {}
  void visitTableFill(uint32_t table) {}
};

template <typename Visitor>
class FunctionDecoder {
 public:
  FunctionDecoder(const Module& module, uint32_t function_index, FunctionDecoderContext& context,
                  Visitor& visitor)
      : module_(module),
        function_index_(function_index),
        type_(module.functionType(function_index)),
        reader_(module.bytes.data() + module.functions[function_index].body_offset,
                module.bytes.data() + module.functions[function_index].body_offset +
                    module.functions[function_index].body_size,
                module.functions[function_index].body_offset),
        locals_(context.locals),
        operands_(context.operands),
        controls_(context.controls),
        br_table_depths_(context.br_table_depths),
        popped_(context.popped),
        catch_clauses_(context.catch_clauses),
        visitor_(visitor) {}

  // Decodes the whole body; on failure the error names the function and byte offset.
  std::optional<Error> decode() {
    locals_.clear();
    operands_.clear();
    controls_.clear();
    instruction_pos_ = reader_.pos();
    decodeLocals();
    local_types_ = locals_;
    if (reader_.ok()) {
      visitor_.startFunction(locals_);
      ControlFrame frame;
      frame.kind = Opcode::Call;
      frame.type = {{}, type_.results()};
      controls_.push_back(frame);
      decodeInstructions();
    }
    if (reader_.ok()) visitor_.finishFunction();
    if (!reader_.ok()) {
      Error error = *reader_.error();
      error.function_index = function_index_;
      return error;
    }
    return std::nullopt;
  }

  // Offset in the module of the instruction being decoded (for address maps and errors).
  size_t instructionOffset() const { return reader_.offsetOf(instruction_pos_); }
  // How many instructions so far cost fuel (Config::consume_fuel), the one being decoded
  // included: all but nop, block, loop, else and end, and the structure of exception handling
  // (try, catch, catch_all, delegate, try_table), which compile to no code of their own.
  // Runs of code are charged by the difference between two readings.
  uint64_t fuelInstructions() const { return fuel_instructions_; }
  // The first byte of the next instruction (0 at the end), for one-instruction lookahead.
  uint8_t nextOpcodeByte() const { return reader_.peekU8(); }
  // The bytes not yet decoded, for a visitor's look ahead (a loop's body, from visitLoop).
  const uint8_t* cursor() const { return reader_.pos(); }
  const uint8_t* bodyEnd() const { return reader_.end(); }
  std::span<const ValType> operandTypes() const { return {operands_.data(), operands_.size()}; }

 private:
  // ---- errors --------------------------------------------------------------------------
  void invalid(const char* format, ...) __attribute__((format(printf, 2, 3))) {
    if (!reader_.ok()) return;
    char message[256];
    va_list args;
    va_start(args, format);
    std::vsnprintf(message, sizeof message, format, args);
    va_end(args);
    reader_.invalidAt(instructionOffset(), message);
  }
  void malformed(const char* message) { reader_.malformedAt(instructionOffset(), message); }
  bool ok() const { return reader_.ok(); }

  // ---- locals --------------------------------------------------------------------------
  void decodeLocals() {
    for (ValType t : type_.params()) locals_.push_back(t);
    const uint32_t groups = reader_.u32();
    uint64_t total = locals_.size();
    for (uint32_t g = 0; g < groups && ok(); ++g) {
      const size_t at = reader_.offset();
      const uint32_t count = reader_.u32();
      const uint8_t type_byte = reader_.u8();
      if (!ok()) return;
      total += count;
      if (total > kMaxFunctionLocals) return reader_.malformedAt(at, "too many locals");
      if (!isValType(type_byte, module_.features))
        return reader_.malformedAt(at, "malformed value type");
      locals_.insert(locals_.end(), count, static_cast<ValType>(type_byte));
    }
  }

  // ---- operand stack -------------------------------------------------------------------
  void push(ValType t) { operands_.push_back(t); }

  ValType pop() {
    const ControlFrame& frame = controls_.back();
    if (operands_.size() == frame.height) {
      if (frame.unreachable) return ValType::Bottom;
      invalid("type mismatch: expected a value but the stack is empty");
      return ValType::Bottom;
    }
    const ValType t = operands_.back();
    operands_.pop_back();
    return t;
  }

  ValType pop(ValType expected) {
    const ValType actual = pop();
    if (actual != expected && actual != ValType::Bottom && expected != ValType::Bottom)
      invalid("type mismatch: expected %s, found %s", valTypeName(expected), valTypeName(actual));
    return actual;
  }

  // A block, call or branch pops and pushes up to 1000 types (kMaxFunctionParams): each step
  // must be cheap, or a small module of such instructions takes seconds.
  __attribute__((always_inline)) void popTypes(std::span<const ValType> types) {
    const ControlFrame& frame = controls_.back();
    if (ok() && operands_.endsWith(types, frame.height)) return operands_.drop(types.size());
    for (size_t i = types.size(); i-- > 0 && ok();) {
      // Below an unreachable frame's values every pop gives Bottom, which matches anything.
      if (frame.unreachable && operands_.size() == frame.height) return;
      pop(types[i]);
    }
  }
  void pushTypes(std::span<const ValType> types) { operands_.append(types); }

  void setUnreachable() {
    ControlFrame& frame = controls_.back();
    operands_.truncate(frame.height);
    frame.unreachable = true;
  }
  bool reachable() const { return !controls_.back().unreachable; }

  // ---- immediates ----------------------------------------------------------------------
  BlockType readBlockType() {
    const uint8_t byte = reader_.peekU8();
    if (byte == 0x40) {
      reader_.u8();
      return {};
    }
    if (isValType(byte, module_.features)) {
      reader_.u8();
      return {{}, singleType(static_cast<ValType>(byte))};
    }
    const int64_t index = reader_.s33();
    if (!ok()) return {};
    if (index < 0) {
      malformed("malformed block type");
      return {};
    }
    if (static_cast<uint64_t>(index) >= module_.types.size()) {
      invalid("unknown type %" PRId64, index);
      return {};
    }
    const FuncType& type = module_.types[index];
    return {type.params(), type.results()};
  }

  static std::span<const ValType> singleType(ValType t) {
    static constexpr ValType kTypes[] = {ValType::I32,  ValType::I64,     ValType::F32,
                                         ValType::F64,  ValType::V128,    ValType::FuncRef,
                                         ValType::ExternRef, ValType::ExnRef};
    for (const ValType& candidate : kTypes)
      if (candidate == t) return {&candidate, 1};
    return {};
  }

  bool checkDepth(uint32_t depth) {
    if (depth >= controls_.size()) {
      invalid("unknown label %u", depth);
      return false;
    }
    return true;
  }
  ControlFrame& frameAt(uint32_t depth) { return controls_[controls_.size() - 1 - depth]; }

  MemArg readMemArg(uint32_t natural_align_log2) {
    MemArg arg;
    const uint32_t flags = reader_.u32();
    if (module_.features.multi_memory && (flags & 0x40)) {
      arg.memory_index = reader_.u32();
      arg.align_log2 = flags & ~0x40u;
    } else {
      arg.align_log2 = flags;
    }
    arg.offset = module_.features.memory64 ? reader_.u64() : reader_.u32();
    if (!ok()) return arg;
    if (arg.memory_index >= module_.memories.size()) {
      invalid("unknown memory %u", arg.memory_index);
    } else if (!module_.memories[arg.memory_index].type.is64 && arg.offset > UINT32_MAX) {
      invalid("offset out of range: %llu for a 32-bit memory",
              static_cast<unsigned long long>(arg.offset));
    } else if (arg.align_log2 > natural_align_log2) {
      invalid("alignment must not be larger than natural");
    }
    return arg;
  }

  // memory.size, memory.grow and memory.fill name memory 0 with a zero byte in 2.0.
  uint32_t readMemoryIndex() {
    uint32_t index;
    if (module_.features.multi_memory) {
      index = reader_.u32();
    } else {
      index = reader_.u8();
      if (ok() && index != 0) malformed("zero byte expected");
    }
    if (ok() && index >= module_.memories.size()) invalid("unknown memory %u", index);
    return index;
  }

  // i32, or i64 for a 64-bit memory (memory64): the type of its addresses and sizes.
  ValType addressType(uint32_t memory) const { return module_.memories[memory].type.addressType(); }

  uint32_t readTableIndex() {
    const uint32_t index = reader_.u32();
    if (ok() && index >= module_.tables.size()) invalid("unknown table %u", index);
    return index;
  }

  ValType tableElement(uint32_t index) const {
    return index < module_.tables.size() ? module_.tables[index].type.element : ValType::Bottom;
  }

  uint32_t readFunctionIndex() {
    const uint32_t index = reader_.u32();
    if (ok() && index >= module_.functions.size()) invalid("unknown function %u", index);
    return index;
  }

  uint32_t readTypeIndex() {
    const uint32_t index = reader_.u32();
    if (ok() && index >= module_.types.size()) invalid("unknown type %u", index);
    return index;
  }

  uint32_t readDataIndex() {
    const uint32_t index = reader_.u32();
    if (!ok()) return 0;
    // Without a data count section the decoder cannot check the index against the data
    // section that follows; that is malformed. With no data segments at all there is nothing
    // to name, and the index is simply unknown.
    if (!module_.data_count && !module_.data.empty()) {
      malformed("data count section required");
    } else if (index >= module_.data.size()) {
      invalid("unknown data segment %u", index);
    }
    return index;
  }

  uint32_t readElemIndex() {
    const uint32_t index = reader_.u32();
    if (ok() && index >= module_.elements.size()) invalid("unknown elem segment %u", index);
    return index;
  }

  uint32_t readTagIndex() {
    const uint32_t index = reader_.u32();
    if (ok() && index >= module_.tags.size()) invalid("unknown tag %u", index);
    return index;
  }

  // The exception-handling opcodes stay illegal without the feature, as before it existed
  // (the spec's message, then why).
  bool exceptionsEnabled() {
    if (module_.features.exceptions) return true;
    malformed("illegal opcode (exception handling needs the exceptions feature, which is off)");
    return false;
  }

  // A try_table's catch clauses, into catch_clauses_; each is checked against the frames
  // outside the try_table, which is not pushed yet.
  void readCatchClauses() {
    const uint32_t count = reader_.u32();
    if (!ok()) return;
    // Each clause takes two bytes at least: a count beyond the body is malformed, not a
    // reason to allocate.
    if (count > reader_.remaining() / 2) return reader_.unexpectedEnd();
    catch_clauses_.clear();
    for (uint32_t i = 0; i < count && ok(); ++i) {
      const uint8_t kind = reader_.u8();
      if (!ok()) return;
      if (kind > static_cast<uint8_t>(CatchClause::Kind::CatchAllRef))
        return malformed("malformed catch clause");
      CatchClause clause;
      clause.kind = static_cast<CatchClause::Kind>(kind);
      if (clause.kind == CatchClause::Kind::Catch || clause.kind == CatchClause::Kind::CatchRef)
        clause.tag = readTagIndex();
      clause.depth = reader_.u32();
      if (!ok() || !checkDepth(clause.depth)) return;
      checkCatchLabel(clause);
      catch_clauses_.push_back(clause);
    }
  }

  // A clause branches to its label with the tag's payload (catch, catch_ref), then the
  // exception as an exnref (catch_ref, catch_all_ref): the label must take exactly those.
  void checkCatchLabel(const CatchClause& clause) {
    using Kind = CatchClause::Kind;
    const std::span<const ValType> label = frameAt(clause.depth).labelTypes();
    const bool has_tag = clause.kind == Kind::Catch || clause.kind == Kind::CatchRef;
    const bool has_exnref = clause.kind == Kind::CatchRef || clause.kind == Kind::CatchAllRef;
    const std::span<const ValType> payload =
        has_tag ? module_.tagType(clause.tag).params() : std::span<const ValType>();
    if (label.size() == payload.size() + has_exnref &&
        std::equal(payload.begin(), payload.end(), label.begin()) &&
        (!has_exnref || label.back() == ValType::ExnRef))
      return;
    std::string passed = typeListText(payload, has_exnref);
    invalid("type mismatch: %s clause passes %s to label %u, which takes %s",
            catchClauseName(clause.kind), passed.c_str(), clause.depth,
            typeListText(label, false).c_str());
  }

  static const char* catchClauseName(CatchClause::Kind kind) {
    switch (kind) {
      case CatchClause::Kind::Catch: return "catch";
      case CatchClause::Kind::CatchRef: return "catch_ref";
      case CatchClause::Kind::CatchAll: return "catch_all";
      case CatchClause::Kind::CatchAllRef: return "catch_all_ref";
    }
    return "?";
  }

  // "[i32 exnref]", for error messages only.
  static std::string typeListText(std::span<const ValType> types, bool then_exnref) {
    std::string text = "[";
    for (ValType t : types) {
      if (text.size() > 1) text += ' ';
      text += valTypeName(t);
    }
    if (then_exnref) text += text.size() > 1 ? " exnref" : "exnref";
    return text + "]";
  }

  uint8_t readLane(uint32_t lanes) {
    const uint8_t lane = reader_.u8();
    if (ok() && lane >= lanes) invalid("invalid lane index %u", lane);
    return lane;
  }

  // ---- instructions --------------------------------------------------------------------
  void decodeInstructions() {
    // No test of the reader's error at each step: an error moves the reader to the body's
    // end, which the first test below sees (and reporting it again changes nothing).
    for (;;) {
#ifndef NDEBUG
      // Debug builds let the visitor check its own invariants at every instruction boundary.
      if constexpr (requires { visitor_.checkInvariants(); }) visitor_.checkInvariants();
#endif
      if (reader_.atEnd()) {
        instruction_pos_ = reader_.pos();
        return malformed("unexpected end of function body: END opcode expected");
      }
      instruction_pos_ = reader_.pos();
      if constexpr (requires { visitor_.beforeInstruction(); }) visitor_.beforeInstruction();
      const uint8_t byte = reader_.u8AfterAtEnd();
      // Most instructions are one-byte numeric ones typed by the table alone: one lookup by
      // byte decides, before the general path below (which would end the same way).
      if (const Sig sig = simpleCoreSig(byte); sig != Sig::Special) {
        ++fuel_instructions_;
        decodeSimple(operandSig(sig));
        if (ok() && reachable()) visitor_.visitNumeric(coreOpcode(byte));
        continue;
      }
      // Constants and locals, nearly half of a body, straight from their byte as well (the
      // general path below would reach the same code, all of them costing fuel).
      constexpr uint8_t kI32ConstByte = 0x41, kLocalGetByte = 0x20;  // local.set, tee follow
      if (byte == kI32ConstByte) {
        ++fuel_instructions_;
        decodeI32Const();
        continue;
      }
      if (static_cast<uint8_t>(byte - kLocalGetByte) <= 2) {
        ++fuel_instructions_;
        decodeLocalAccess(coreOpcode(byte));
        continue;
      }
      Opcode op;
      if (byte == kPrefixMisc || byte == kPrefixSimd) {
        const uint32_t code = reader_.u32();
        if (!ok()) return;
        if (!lookupPrefixedOpcode(byte, code, &op) ||
            (byte == kPrefixSimd && (!module_.features.simd ||
                                     (code >= kFirstRelaxedSimdCode &&
                                      !module_.features.relaxed_simd)))) {
          return malformed("illegal opcode");
        }
      } else if (!lookupOpcode(byte, &op)) {
        return malformed("illegal opcode");
      }
      if (op == Opcode::End && controls_.size() == 1) {
        endFunction();
        return;
      }
      fuel_instructions_ += costsFuel(op);
      // Prefixed (SIMD) instructions typed by the table alone skip the big switch as well
      // (decodeInstruction would end in the same two lines).
      const OpcodeInfo& info = opcodeInfo(op);
      if (info.imm == Imm::None && info.sig != Sig::Special) {
        decodeSimple(op);
        if (ok() && reachable()) visitor_.visitNumeric(op);
        continue;
      }
      decodeInstruction(op);
    }
  }

  static bool costsFuel(Opcode op) {
    switch (op) {
      case Opcode::Nop: case Opcode::Block: case Opcode::Loop: case Opcode::Else:
      case Opcode::End: case Opcode::Try: case Opcode::Catch: case Opcode::CatchAll:
      case Opcode::Delegate: case Opcode::TryTable:
        return false;
      default:
        return true;
    }
  }

  void endFunction() {
    ControlFrame& frame = controls_.back();
    popTypes(frame.type.results);
    if (ok() && operands_.size() != frame.height)
      invalid("type mismatch: %zu values left on the stack at the end of the function",
              operands_.size() - frame.height);
    if (!ok()) return;
    visitor_.visitEnd(frame, !frame.unreachable);
    controls_.pop_back();
    if (!reader_.atEnd()) {
      instruction_pos_ = reader_.pos();
      malformed("section size mismatch: bytes after the function's final END");
    }
  }

  void pushFrame(Opcode kind, const BlockType& type) {
    popTypes(type.params);
    ControlFrame frame;
    frame.kind = kind;
    frame.type = type;
    frame.height = static_cast<uint32_t>(operands_.size());
    frame.unreachable = false;
    controls_.push_back(frame);
    pushTypes(type.params);
  }

  // Checks the frame's results and pops it; leaves the results for the caller to push.
  void popFrameResults() {
    const ControlFrame& frame = controls_.back();
    popTypes(frame.type.results);
    if (ok() && operands_.size() != frame.height)
      invalid("type mismatch: %zu values left on the stack at the end of the block",
              operands_.size() - frame.height);
  }

  __attribute__((always_inline)) void decodeSimple(Opcode op) {
    decodeSimple(operandSig(opcodeInfo(op).sig));
  }
  __attribute__((always_inline)) void decodeSimple(const OperandSig& sig) {
    // Fast path, the common case: the operands are above the frame with exactly the
    // expected types, so popping them cannot fail. Anything else (too few values, unknown
    // types of unreachable code, a mismatch) takes the checking path.
    if (operands_.endsWith(sig, controls_.back().height)) {
      operands_.drop(sig.param_count);
    } else {
      popTypes(sig.paramSpan());
    }
    if (sig.has_result()) push(sig.result);
  }

  __attribute__((always_inline)) void decodeLocalAccess(Opcode op) {
    const uint32_t index = reader_.u32();
    if (!ok()) return;
    if (index >= local_types_.size()) return invalid("unknown local %u", index);
    const ValType t = local_types_[index];
    if (op == Opcode::LocalGet) {
      push(t);
      if (reachable()) visitor_.visitLocalGet(index);
    } else if (op == Opcode::LocalSet) {
      pop(t);
      if (ok() && reachable()) visitor_.visitLocalSet(index);
    } else {
      pop(t);
      push(t);
      if (ok() && reachable()) visitor_.visitLocalTee(index);
    }
  }

  __attribute__((always_inline)) void decodeI32Const() {
    const int32_t value = reader_.s32();
    if (!ok()) return;
    push(ValType::I32);
    if (reachable()) visitor_.visitI32Const(value);
  }

  __attribute__((always_inline)) void decodeInstruction(Opcode op) {
    const OpcodeInfo& info = opcodeInfo(op);
    switch (op) {
      case Opcode::Unreachable:
        if (reachable()) visitor_.visitUnreachable();
        setUnreachable();
        return;
      case Opcode::Nop:
        return;
      case Opcode::Block:
      case Opcode::Loop:
      case Opcode::If: {
        const BlockType type = readBlockType();
        if (!ok()) return;
        const bool was_reachable = reachable();
        if (op == Opcode::If) pop(ValType::I32);
        pushFrame(op, type);
        if (!ok()) return;
        if (op == Opcode::Block) visitor_.visitBlock(controls_.back(), was_reachable);
        else if (op == Opcode::Loop) visitor_.visitLoop(controls_.back(), was_reachable);
        else visitor_.visitIf(controls_.back(), was_reachable);
        return;
      }
      case Opcode::Else: {
        ControlFrame& frame = controls_.back();
        if (frame.kind != Opcode::If) return malformed("else without a matching if");
        popFrameResults();
        if (!ok()) return;
        visitor_.visitElse(frame, !frame.unreachable);
        operands_.truncate(frame.height);
        frame.kind = Opcode::Else;
        frame.unreachable = false;
        pushTypes(frame.type.params);
        return;
      }
      case Opcode::End: {
        ControlFrame& frame = controls_.back();
        if (frame.kind == Opcode::If) {
          // An `if` with no `else` has an empty else branch: its params become its results.
          popFrameResults();
          if (!ok()) return;
          operands_.truncate(frame.height);
          pushTypes(frame.type.params);
          frame.unreachable = false;
        }
        popFrameResults();
        if (!ok()) return;
        visitor_.visitEnd(frame, !frame.unreachable);
        const BlockType type = frame.type;
        operands_.truncate(frame.height);
        controls_.pop_back();
        pushTypes(type.results);
        return;
      }
      case Opcode::Try:
      case Opcode::TryTable: {
        if (!exceptionsEnabled()) return;
        const BlockType type = readBlockType();
        if (!ok()) return;
        if (op == Opcode::TryTable) readCatchClauses();
        if (!ok()) return;
        const bool was_reachable = reachable();
        pushFrame(op, type);
        if (!ok()) return;
        if (op == Opcode::Try) visitor_.visitTry(controls_.back(), was_reachable);
        else visitor_.visitTryTable(controls_.back(), catch_clauses_, was_reachable);
        return;
      }
      case Opcode::Catch:
      case Opcode::CatchAll: {
        // Legacy: `try bt ... (catch tag ...)* (catch_all ...)? end`, each clause a fresh
        // stack of the tag's payload (or nothing) that must end with the try's results.
        if (!exceptionsEnabled()) return;
        ControlFrame& frame = controls_.back();
        if (frame.kind == Opcode::CatchAll)
          return malformed(op == Opcode::Catch ? "catch after catch_all"
                                               : "catch_all after catch_all");
        if (frame.kind != Opcode::Try && frame.kind != Opcode::Catch)
          return malformed(op == Opcode::Catch ? "catch without a matching try"
                                               : "catch_all without a matching try");
        const uint32_t tag = op == Opcode::Catch ? readTagIndex() : 0;
        if (!ok()) return;
        popFrameResults();
        if (!ok()) return;
        const bool end_reachable = !frame.unreachable;
        operands_.truncate(frame.height);
        frame.kind = op;
        frame.unreachable = false;
        if (op == Opcode::CatchAll) return visitor_.visitCatchAll(frame, end_reachable);
        visitor_.visitCatch(frame, tag, end_reachable);
        pushTypes(module_.tagType(tag).params());
        return;
      }
      case Opcode::Delegate: {
        // Legacy: `try bt ... delegate label` ends the try; exceptions from its body go to
        // the label, which counts from the frame enclosing the try.
        if (!exceptionsEnabled()) return;
        const uint32_t depth = reader_.u32();
        if (!ok()) return;
        ControlFrame& frame = controls_.back();
        if (frame.kind != Opcode::Try) return malformed("delegate without a matching try");
        if (depth >= controls_.size() - 1) return invalid("unknown label %u", depth);
        popFrameResults();
        if (!ok()) return;
        visitor_.visitDelegate(frame, depth, !frame.unreachable);
        const BlockType type = frame.type;
        operands_.truncate(frame.height);
        controls_.pop_back();
        pushTypes(type.results);
        return;
      }
      case Opcode::Throw: {
        if (!exceptionsEnabled()) return;
        const uint32_t tag = readTagIndex();
        if (!ok()) return;
        const FuncType& tag_type = module_.tagType(tag);
        popTypes(tag_type.params());
        if (!ok()) return;
        if (reachable()) visitor_.visitThrow(tag, tag_type);
        setUnreachable();
        return;
      }
      case Opcode::Rethrow: {
        if (!exceptionsEnabled()) return;
        const uint32_t depth = reader_.u32();
        if (!ok() || !checkDepth(depth)) return;
        const Opcode target = frameAt(depth).kind;
        if (target != Opcode::Catch && target != Opcode::CatchAll)
          return invalid("invalid rethrow label %u: not a catch or catch_all", depth);
        if (reachable()) visitor_.visitRethrow(depth);
        setUnreachable();
        return;
      }
      case Opcode::ThrowRef:
        if (!exceptionsEnabled()) return;
        pop(ValType::ExnRef);
        if (!ok()) return;
        if (reachable()) visitor_.visitThrowRef();
        setUnreachable();
        return;
      case Opcode::Br: {
        const uint32_t depth = reader_.u32();
        if (!ok() || !checkDepth(depth)) return;
        popTypes(frameAt(depth).labelTypes());
        if (!ok()) return;
        if (reachable()) visitor_.visitBr(depth);
        setUnreachable();
        return;
      }
      case Opcode::BrIf: {
        const uint32_t depth = reader_.u32();
        if (!ok() || !checkDepth(depth)) return;
        pop(ValType::I32);
        const auto types = frameAt(depth).labelTypes();
        popTypes(types);
        pushTypes(types);
        if (ok() && reachable()) visitor_.visitBrIf(depth);
        return;
      }
      case Opcode::BrTable:
        return decodeBrTable();
      case Opcode::Return:
        popTypes(type_.results());
        if (!ok()) return;
        if (reachable()) visitor_.visitReturn();
        setUnreachable();
        return;
      case Opcode::Call:
      case Opcode::ReturnCall: {
        if (!module_.features.tail_call && op == Opcode::ReturnCall)
          return malformed("illegal opcode (return_call needs the tail-call feature, which is off)");
        const uint32_t index = readFunctionIndex();
        if (!ok()) return;
        const FuncType& callee = module_.functionType(index);
        popTypes(callee.params());
        if (op == Opcode::ReturnCall) {
          checkTailCallResults(callee);
          if (ok() && reachable()) visitor_.visitReturnCall(index, callee);
          setUnreachable();
          return;
        }
        pushTypes(callee.results());
        if (ok() && reachable()) visitor_.visitCall(index, callee);
        return;
      }
      case Opcode::CallIndirect:
      case Opcode::ReturnCallIndirect: {
        if (!module_.features.tail_call && op == Opcode::ReturnCallIndirect)
          return malformed(
              "illegal opcode (return_call_indirect needs the tail-call feature, which is off)");
        const uint32_t type_index = readTypeIndex();
        const uint32_t table = readTableIndex();
        if (!ok()) return;
        if (tableElement(table) != ValType::FuncRef)
          return invalid("type mismatch: call_indirect on a table of %s",
                         valTypeName(tableElement(table)));
        const FuncType& callee = module_.types[type_index];
        pop(ValType::I32);
        popTypes(callee.params());
        if (op == Opcode::ReturnCallIndirect) {
          checkTailCallResults(callee);
          if (ok() && reachable()) visitor_.visitReturnCallIndirect(type_index, table, callee);
          setUnreachable();
          return;
        }
        pushTypes(callee.results());
        if (ok() && reachable()) visitor_.visitCallIndirect(type_index, table, callee);
        return;
      }
      case Opcode::Drop:
        pop();
        if (ok() && reachable()) visitor_.visitDrop();
        return;
      case Opcode::Select:
        return decodeSelect();
      case Opcode::SelectTyped: {
        const uint32_t count = reader_.u32();
        if (!ok()) return;
        if (count != 1) return invalid("invalid result arity: select takes one type");
        const uint8_t byte = reader_.u8();
        if (!ok()) return;
        if (!isValType(byte, module_.features)) return malformed("malformed value type");
        const ValType t = static_cast<ValType>(byte);
        pop(ValType::I32);
        pop(t);
        pop(t);
        push(t);
        if (ok() && reachable()) visitor_.visitSelect(t);
        return;
      }
      case Opcode::LocalGet:
      case Opcode::LocalSet:
      case Opcode::LocalTee:
        return decodeLocalAccess(op);
      case Opcode::GlobalGet:
      case Opcode::GlobalSet: {
        const uint32_t index = reader_.u32();
        if (!ok()) return;
        if (index >= module_.globals.size()) return invalid("unknown global %u", index);
        const GlobalType& global = module_.globals[index].type;
        if (op == Opcode::GlobalGet) {
          push(global.type);
          if (reachable()) visitor_.visitGlobalGet(index);
        } else {
          if (!global.is_mutable) return invalid("global is immutable: global %u", index);
          pop(global.type);
          if (ok() && reachable()) visitor_.visitGlobalSet(index);
        }
        return;
      }
      case Opcode::TableGet:
      case Opcode::TableSet: {
        const uint32_t table = readTableIndex();
        if (!ok()) return;
        const ValType element = tableElement(table);
        if (op == Opcode::TableGet) {
          pop(ValType::I32);
          push(element);
          if (ok() && reachable()) visitor_.visitTableGet(table);
        } else {
          pop(element);
          pop(ValType::I32);
          if (ok() && reachable()) visitor_.visitTableSet(table);
        }
        return;
      }
      case Opcode::MemorySize:
      case Opcode::MemoryGrow: {
        const uint32_t memory = readMemoryIndex();
        if (!ok()) return;
        const ValType size_type = addressType(memory);
        if (op == Opcode::MemoryGrow) pop(size_type);
        push(size_type);
        if (ok() && reachable()) {
          if (op == Opcode::MemorySize) visitor_.visitMemorySize(memory);
          else visitor_.visitMemoryGrow(memory);
        }
        return;
      }
      case Opcode::I32Const:
        return decodeI32Const();
      case Opcode::I64Const: {
        const int64_t value = reader_.s64();
        if (!ok()) return;
        push(ValType::I64);
        if (reachable()) visitor_.visitI64Const(value);
        return;
      }
      case Opcode::F32Const: {
        const uint32_t bits = reader_.fixedU32();
        if (!ok()) return;
        push(ValType::F32);
        if (reachable()) visitor_.visitF32Const(bits);
        return;
      }
      case Opcode::F64Const: {
        const uint64_t bits = reader_.fixedU64();
        if (!ok()) return;
        push(ValType::F64);
        if (reachable()) visitor_.visitF64Const(bits);
        return;
      }
      case Opcode::V128Const: {
        uint8_t bytes[16];
        reader_.bytes(bytes, 16);
        if (!ok()) return;
        push(ValType::V128);
        if (reachable()) visitor_.visitV128Const(bytes);
        return;
      }
      case Opcode::I8x16Shuffle: {
        uint8_t lanes[16];
        reader_.bytes(lanes, 16);
        if (!ok()) return;
        for (uint8_t lane : lanes)
          if (lane >= 32) return invalid("invalid lane index %u", lane);
        decodeSimple(op);
        if (ok() && reachable()) visitor_.visitShuffle(lanes);
        return;
      }
      case Opcode::RefNull: {
        const uint8_t byte = reader_.u8();
        if (!ok()) return;
        const ValType t = static_cast<ValType>(byte);
        if (!isRefType(byte, module_.features)) return malformed("malformed reference type");
        push(t);
        if (reachable()) visitor_.visitRefNull(t);
        return;
      }
      case Opcode::RefIsNull: {
        const ValType t = pop();
        if (!ok()) return;
        if (t != ValType::Bottom && !isRefType(t))
          return invalid("type mismatch: ref.is_null expects a reference, found %s",
                         valTypeName(t));
        push(ValType::I32);
        if (reachable()) visitor_.visitRefIsNull();
        return;
      }
      case Opcode::RefFunc: {
        const uint32_t index = readFunctionIndex();
        if (!ok()) return;
        if (!module_.functions[index].declared_ref)
          return invalid("undeclared function reference %u", index);
        push(ValType::FuncRef);
        if (reachable()) visitor_.visitRefFunc(index);
        return;
      }
      case Opcode::MemoryInit: {
        const uint32_t segment = readDataIndex();
        const uint32_t memory = readMemoryIndex();
        if (!ok()) return;
        const ValType operands[] = {addressType(memory), ValType::I32, ValType::I32};
        popTypes(operands);
        if (ok() && reachable()) visitor_.visitMemoryInit(segment, memory);
        return;
      }
      case Opcode::DataDrop: {
        const uint32_t segment = readDataIndex();
        if (ok() && reachable()) visitor_.visitDataDrop(segment);
        return;
      }
      case Opcode::MemoryCopy: {
        const uint32_t dst = readMemoryIndex();
        const uint32_t src = readMemoryIndex();
        if (!ok()) return;
        // The length is i64 only when both memories are 64-bit.
        const ValType dst_type = addressType(dst), src_type = addressType(src);
        const ValType length_type = dst_type == ValType::I64 && src_type == ValType::I64
                                        ? ValType::I64
                                        : ValType::I32;
        const ValType operands[] = {dst_type, src_type, length_type};
        popTypes(operands);
        if (ok() && reachable()) visitor_.visitMemoryCopy(dst, src);
        return;
      }
      case Opcode::MemoryFill: {
        const uint32_t memory = readMemoryIndex();
        if (!ok()) return;
        const ValType operands[] = {addressType(memory), ValType::I32, addressType(memory)};
        popTypes(operands);
        if (ok() && reachable()) visitor_.visitMemoryFill(memory);
        return;
      }
      case Opcode::TableInit: {
        const uint32_t segment = readElemIndex();
        const uint32_t table = readTableIndex();
        if (!ok()) return;
        if (module_.elements[segment].type != tableElement(table))
          return invalid("type mismatch: table.init of %s elements into a table of %s",
                         valTypeName(module_.elements[segment].type),
                         valTypeName(tableElement(table)));
        popTypes(kThreeI32);
        if (ok() && reachable()) visitor_.visitTableInit(segment, table);
        return;
      }
      case Opcode::ElemDrop: {
        const uint32_t segment = readElemIndex();
        if (ok() && reachable()) visitor_.visitElemDrop(segment);
        return;
      }
      case Opcode::TableCopy: {
        const uint32_t dst = readTableIndex();
        const uint32_t src = readTableIndex();
        if (!ok()) return;
        if (tableElement(dst) != tableElement(src))
          return invalid("type mismatch: table.copy from a table of %s to a table of %s",
                         valTypeName(tableElement(src)), valTypeName(tableElement(dst)));
        popTypes(kThreeI32);
        if (ok() && reachable()) visitor_.visitTableCopy(dst, src);
        return;
      }
      case Opcode::TableGrow:
      case Opcode::TableSize:
      case Opcode::TableFill: {
        const uint32_t table = readTableIndex();
        if (!ok()) return;
        const ValType element = tableElement(table);
        if (op == Opcode::TableGrow) {
          pop(ValType::I32);
          pop(element);
          push(ValType::I32);
          if (ok() && reachable()) visitor_.visitTableGrow(table);
        } else if (op == Opcode::TableSize) {
          push(ValType::I32);
          if (reachable()) visitor_.visitTableSize(table);
        } else {
          pop(ValType::I32);
          pop(element);
          pop(ValType::I32);
          if (ok() && reachable()) visitor_.visitTableFill(table);
        }
        return;
      }
      default:
        break;
    }

    // Everything else is typed by the table, with at most a memarg or a lane immediate.
    switch (info.imm) {
      case Imm::None:
        decodeSimple(op);
        if (ok() && reachable()) visitor_.visitNumeric(op);
        return;
      case Imm::MemArg: {
        const MemArg arg = readMemArg(info.extra);
        if (!ok()) return;
        decodeSimple(addressedSig(op, arg));
        if (ok() && reachable()) {
          if (operandSig(info.sig).has_result()) visitor_.visitLoad(op, arg);
          else visitor_.visitStore(op, arg);
        }
        return;
      }
      case Imm::MemArgLane: {
        const MemArg arg = readMemArg(info.extra);
        const uint8_t lane = readLane(16u >> info.extra);
        if (!ok()) return;
        decodeSimple(addressedSig(op, arg));
        if (ok() && reachable()) {
          if (operandSig(info.sig).has_result()) visitor_.visitLoadLane(op, arg, lane);
          else visitor_.visitStoreLane(op, arg, lane);
        }
        return;
      }
      case Imm::Lane: {
        const uint8_t lane = readLane(info.extra);
        if (!ok()) return;
        decodeSimple(op);
        if (ok() && reachable()) visitor_.visitLane(op, lane);
        return;
      }
      default:
        return malformed("illegal opcode");  // an opcode the table lists but nothing decodes
    }
  }

  // A memory instruction's operands: its address (the first) is i64 on a 64-bit memory.
  OperandSig addressedSig(Opcode op, const MemArg& arg) const {
    OperandSig sig = operandSig(opcodeInfo(op).sig);
    sig.params[0] = addressType(arg.memory_index);
    sig.top_word = OperandSig::packTop(sig.params, sig.param_count);
    return sig;
  }

  void decodeBrTable() {
    const uint32_t count = reader_.u32();
    if (!ok()) return;
    // Each target takes at least one byte: a count beyond the body is malformed, not a reason
    // to allocate.
    if (count > reader_.remaining()) return reader_.unexpectedEnd();
    br_table_depths_.clear();
    br_table_depths_.reserve(count);
    for (uint32_t i = 0; i < count && ok(); ++i) br_table_depths_.push_back(reader_.u32());
    const uint32_t default_depth = reader_.u32();
    if (!ok()) return;
    pop(ValType::I32);
    if (!checkDepth(default_depth)) return;
    const size_t arity = frameAt(default_depth).labelTypes().size();
    for (uint32_t depth : br_table_depths_) {
      if (!checkDepth(depth)) return;
      const auto types = frameAt(depth).labelTypes();
      if (types.size() != arity)
        return invalid("type mismatch: br_table targets have different arities");
      // When the values are there and match, checking changes nothing; each target costs
      // one comparison per type, however many targets there are.
      if (operands_.matchesTop(types, controls_.back().height)) continue;
      // Re-push what was popped, not the label's types: unknown values stay unknown, so
      // targets of different types can share an unreachable stack.
      popped_.clear();
      for (size_t i = types.size(); i-- > 0 && ok();) popped_.push_back(pop(types[i]));
      for (size_t i = popped_.size(); i-- > 0;) push(popped_[i]);
      if (!ok()) return;
    }
    popTypes(frameAt(default_depth).labelTypes());
    if (!ok()) return;
    if (reachable()) visitor_.visitBrTable(br_table_depths_, default_depth);
    setUnreachable();
  }

  void decodeSelect() {
    pop(ValType::I32);
    const ValType t1 = pop();
    const ValType t2 = pop();
    if (!ok()) return;
    // Untyped select is for numeric and vector values only.
    if ((t1 != ValType::Bottom && isRefType(t1)) || (t2 != ValType::Bottom && isRefType(t2)))
      return invalid("type mismatch: select without a type on references");
    if (t1 != ValType::Bottom && t2 != ValType::Bottom && t1 != t2)
      return invalid("type mismatch: select operands %s and %s", valTypeName(t1),
                     valTypeName(t2));
    const ValType t = t1 == ValType::Bottom ? t2 : t1;
    push(t);
    if (reachable()) visitor_.visitSelect(t);
  }

  void checkTailCallResults(const FuncType& callee) {
    const auto mine = type_.results();
    const auto theirs = callee.results();
    if (!std::equal(mine.begin(), mine.end(), theirs.begin(), theirs.end()))
      invalid("type mismatch: tail call results differ from the caller's");
  }

  static constexpr ValType kThreeI32[] = {ValType::I32, ValType::I32, ValType::I32};

  const Module& module_;
  uint32_t function_index_;
  const FuncType& type_;
  BinaryReader reader_;
  std::vector<ValType>& locals_;
  std::span<const ValType> local_types_;  // locals_ once declared: one load less per access
  OperandStack operands_;
  LentStack<ControlFrame> controls_;
  std::vector<uint32_t>& br_table_depths_;
  std::vector<ValType>& popped_;
  std::vector<CatchClause>& catch_clauses_;
  Visitor& visitor_;
  const uint8_t* instruction_pos_ = nullptr;  // the instruction being decoded
  uint64_t fuel_instructions_ = 0;
};

}  // namespace wisp::wasm

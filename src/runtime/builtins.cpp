// The bulk memory and table instructions, with the spec's semantics: every bounds check is
// done in 64 bits before anything is written, so a trapping instruction changes nothing;
// overlapping copies behave as if through a temporary buffer (memmove); dropped segments are
// empty, so only n = 0 at an in-bounds offset succeeds on them.
#include "runtime/builtins.h"

#include <cmath>
#include <cstring>

#include "runtime/instance.h"
#include "runtime/store.h"
#include "runtime/trap.h"
#include "runtime/trap_handler.h"

namespace wisp::runtime::builtins {
namespace {

constexpr Status kOk = 0;

Status trapStatus(TrapKind kind) { return 1 + static_cast<Status>(kind); }
Status statusOf(std::optional<TrapKind> trap) { return trap ? trapStatus(*trap) : kOk; }

// Written so that a 64-bit start + n cannot wrap.
bool inBounds(uint64_t start, uint64_t n, uint64_t length) {
  return start <= length && n <= length - start;
}

}  // namespace

int64_t memoryGrow(VMContext* vmctx, uint32_t memory, uint64_t delta_pages) {
  return Instance::fromVmctx(vmctx).memory(memory)->grow(delta_pages);
}

Status memoryFill(VMContext* vmctx, uint32_t memory, uint64_t dst, uint32_t value, uint64_t n) {
  MemoryInstance& target = *Instance::fromVmctx(vmctx).memory(memory);
  if (!inBounds(dst, n, target.byteLength())) return trapStatus(TrapKind::MemoryOutOfBounds);
  if (n != 0) std::memset(target.base() + dst, static_cast<uint8_t>(value), n);
  return kOk;
}

Status memoryCopy(VMContext* vmctx, uint32_t dst_memory, uint32_t src_memory, uint64_t dst,
                  uint64_t src, uint64_t n) {
  Instance& instance = Instance::fromVmctx(vmctx);
  MemoryInstance& to = *instance.memory(dst_memory);
  MemoryInstance& from = *instance.memory(src_memory);
  if (!inBounds(src, n, from.byteLength()) || !inBounds(dst, n, to.byteLength()))
    return trapStatus(TrapKind::MemoryOutOfBounds);
  if (n != 0) std::memmove(to.base() + dst, from.base() + src, n);
  return kOk;
}

Status memoryInit(VMContext* vmctx, uint32_t memory, uint32_t segment, uint64_t dst,
                  uint32_t src, uint32_t n) {
  return statusOf(Instance::fromVmctx(vmctx).initMemory(memory, segment, dst, src, n));
}

void dataDrop(VMContext* vmctx, uint32_t segment) {
  Instance::fromVmctx(vmctx).dropDataSegment(segment);
}

int32_t tableGrow(VMContext* vmctx, uint32_t table, uint64_t init, uint32_t delta) {
  return Instance::fromVmctx(vmctx).table(table)->grow(delta, init);
}

Status tableFill(VMContext* vmctx, uint32_t table, uint32_t dst, uint64_t value, uint32_t n) {
  TableInstance& target = *Instance::fromVmctx(vmctx).table(table);
  if (!inBounds(dst, n, target.size())) return trapStatus(TrapKind::TableOutOfBounds);
  uint64_t* elements = target.elements() + dst;
  for (uint32_t i = 0; i < n; ++i) elements[i] = value;
  return kOk;
}

Status tableCopy(VMContext* vmctx, uint32_t dst_table, uint32_t src_table, uint32_t dst,
                 uint32_t src, uint32_t n) {
  Instance& instance = Instance::fromVmctx(vmctx);
  TableInstance& to = *instance.table(dst_table);
  TableInstance& from = *instance.table(src_table);
  if (!inBounds(src, n, from.size()) || !inBounds(dst, n, to.size()))
    return trapStatus(TrapKind::TableOutOfBounds);
  from.resolveRange(src, n);  // the lazy mark stands for its own slot's function only
  // memmove copies in the direction the spec's element-by-element definition implies.
  if (n != 0) std::memmove(to.elements() + dst, from.elements() + src, n * sizeof(uint64_t));
  return kOk;
}

Status tableInit(VMContext* vmctx, uint32_t table, uint32_t segment, uint32_t dst, uint32_t src,
                 uint32_t n) {
  return statusOf(Instance::fromVmctx(vmctx).initTable(table, segment, dst, src, n));
}

void elemDrop(VMContext* vmctx, uint32_t segment) {
  Instance::fromVmctx(vmctx).dropElementSegment(segment);
}

VMFuncRef* tableElement(VMContext* vmctx, uint32_t table, uint32_t index) {
  return reinterpret_cast<VMFuncRef*>(Instance::fromVmctx(vmctx).table(table)->get(index));
}

namespace {
// The C library returns a signaling NaN as it is; wasm wants it quiet (an arithmetic NaN),
// which any arithmetic on it gives.
template <typename T, T (*round)(T)>
T rounded(T x) {
  return std::isnan(x) ? x + x : round(x);
}
float f32Ceil(float x) { return rounded<float, std::ceil>(x); }
float f32Floor(float x) { return rounded<float, std::floor>(x); }
float f32Trunc(float x) { return rounded<float, std::trunc>(x); }
float f32Nearest(float x) { return rounded<float, std::nearbyint>(x); }
double f64Ceil(double x) { return rounded<double, std::ceil>(x); }
double f64Floor(double x) { return rounded<double, std::floor>(x); }
double f64Trunc(double x) { return rounded<double, std::trunc>(x); }
double f64Nearest(double x) { return rounded<double, std::nearbyint>(x); }
}  // namespace

Status epochDeadline(VMContext* vmctx) {
  return Instance::fromVmctx(vmctx).store().extendEpochDeadline() ? kOk
                                                                  : trapStatus(TrapKind::Interrupted);
}

// noinline: the return address must be the wasm code's.
__attribute__((noinline)) void throwException(VMContext* vmctx, uint32_t tag, const ValRaw* values,
                                              uintptr_t fp) {
  const uintptr_t pc = reinterpret_cast<uintptr_t>(__builtin_return_address(0));
  Instance& instance = Instance::fromVmctx(vmctx);
  const TagInstance& tag_instance = *instance.tag(tag);
  ExceptionInstance* exception = instance.store().createException(
      tag_instance, {values, tag_instance.type().params().size()});
  throwWasmException(&exception->vm, pc, fp);
}

__attribute__((noinline)) void throwRef(VMContext*, VMException* exception, uintptr_t fp) {
  throwWasmException(exception, reinterpret_cast<uintptr_t>(__builtin_return_address(0)), fp);
}

const void* address(Builtin builtin) {
  switch (builtin) {
    case Builtin::MemoryGrow: return reinterpret_cast<const void*>(&memoryGrow);
    case Builtin::MemoryFill: return reinterpret_cast<const void*>(&memoryFill);
    case Builtin::MemoryCopy: return reinterpret_cast<const void*>(&memoryCopy);
    case Builtin::MemoryInit: return reinterpret_cast<const void*>(&memoryInit);
    case Builtin::DataDrop: return reinterpret_cast<const void*>(&dataDrop);
    case Builtin::TableGrow: return reinterpret_cast<const void*>(&tableGrow);
    case Builtin::TableFill: return reinterpret_cast<const void*>(&tableFill);
    case Builtin::TableCopy: return reinterpret_cast<const void*>(&tableCopy);
    case Builtin::TableInit: return reinterpret_cast<const void*>(&tableInit);
    case Builtin::ElemDrop: return reinterpret_cast<const void*>(&elemDrop);
    case Builtin::F32Ceil: return reinterpret_cast<const void*>(&f32Ceil);
    case Builtin::F32Floor: return reinterpret_cast<const void*>(&f32Floor);
    case Builtin::F32Trunc: return reinterpret_cast<const void*>(&f32Trunc);
    case Builtin::F32Nearest: return reinterpret_cast<const void*>(&f32Nearest);
    case Builtin::F64Ceil: return reinterpret_cast<const void*>(&f64Ceil);
    case Builtin::F64Floor: return reinterpret_cast<const void*>(&f64Floor);
    case Builtin::F64Trunc: return reinterpret_cast<const void*>(&f64Trunc);
    case Builtin::F64Nearest: return reinterpret_cast<const void*>(&f64Nearest);
    case Builtin::EpochDeadline: return reinterpret_cast<const void*>(&epochDeadline);
    case Builtin::TableElement: return reinterpret_cast<const void*>(&tableElement);
    case Builtin::Throw: return reinterpret_cast<const void*>(&throwException);
    case Builtin::ThrowRef: return reinterpret_cast<const void*>(&throwRef);
  }
  return nullptr;
}

const char* name(Builtin builtin) {
  switch (builtin) {
    case Builtin::MemoryGrow: return "memoryGrow";
    case Builtin::MemoryFill: return "memoryFill";
    case Builtin::MemoryCopy: return "memoryCopy";
    case Builtin::MemoryInit: return "memoryInit";
    case Builtin::DataDrop: return "dataDrop";
    case Builtin::TableGrow: return "tableGrow";
    case Builtin::TableFill: return "tableFill";
    case Builtin::TableCopy: return "tableCopy";
    case Builtin::TableInit: return "tableInit";
    case Builtin::ElemDrop: return "elemDrop";
    case Builtin::F32Ceil: return "f32Ceil";
    case Builtin::F32Floor: return "f32Floor";
    case Builtin::F32Trunc: return "f32Trunc";
    case Builtin::F32Nearest: return "f32Nearest";
    case Builtin::F64Ceil: return "f64Ceil";
    case Builtin::F64Floor: return "f64Floor";
    case Builtin::F64Trunc: return "f64Trunc";
    case Builtin::F64Nearest: return "f64Nearest";
    case Builtin::EpochDeadline: return "epochDeadline";
    case Builtin::TableElement: return "tableElement";
    case Builtin::Throw: return "throwException";
    case Builtin::ThrowRef: return "throwRef";
  }
  return "?";
}

std::optional<Builtin> roundingBuiltin(wasm::Opcode op) {
  using wasm::Opcode;
  switch (op) {
    case Opcode::F32Ceil: return Builtin::F32Ceil;
    case Opcode::F32Floor: return Builtin::F32Floor;
    case Opcode::F32Trunc: return Builtin::F32Trunc;
    case Opcode::F32Nearest: return Builtin::F32Nearest;
    case Opcode::F64Ceil: return Builtin::F64Ceil;
    case Opcode::F64Floor: return Builtin::F64Floor;
    case Opcode::F64Trunc: return Builtin::F64Trunc;
    case Opcode::F64Nearest: return Builtin::F64Nearest;
    default: return std::nullopt;
  }
}

}  // namespace wisp::runtime::builtins

// Memory, Table, Global, ExternRef and the reference side of Val.
#include <cinttypes>
#include <cstdio>

#include "api/conversions.h"
#include "runtime/linear_memory.h"

namespace wisp {
namespace {

std::optional<Error> checkLimits(const Limits& limits, uint64_t ceiling, const char* unit) {
  if (limits.min > ceiling)
    return detail::argumentError("minimum of " + std::to_string(limits.min) + " " + unit +
                                 " exceeds " + std::to_string(ceiling));
  if (limits.max && *limits.max < limits.min)
    return detail::argumentError("maximum " + std::to_string(*limits.max) + " below minimum " +
                                 std::to_string(limits.min));
  if (limits.max && *limits.max > ceiling)
    return detail::argumentError("maximum of " + std::to_string(*limits.max) + " " + unit +
                                 " exceeds " + std::to_string(ceiling));
  return std::nullopt;
}

Error resourceError(std::string message) {
  Error error;
  error.kind = ErrorKind::Resource;
  error.message = std::move(message);
  return error;
}

}  // namespace

// ---- Memory ---------------------------------------------------------------------------------

Result<Memory> Memory::create(Store& store, const MemoryType& type) {
  if (auto bad = checkLimits(type.limits, runtime::LinearMemory::kMaxPages, "pages")) return *bad;
  runtime::Result<runtime::MemoryInstance*> memory =
      detail::Access::store(store).createMemory(detail::toWasm(type));
  if (!memory) return resourceError(memory.error().message);
  return Memory(*memory);
}

uint8_t* Memory::data() const { return memory_->base(); }
size_t Memory::dataSize() const { return memory_->byteLength(); }
uint64_t Memory::pages() const { return memory_->pages(); }

Result<uint64_t> Memory::grow(uint64_t delta_pages) const {
  const uint64_t before = memory_->pages();
  const int64_t old_pages = memory_->grow(delta_pages);
  if (old_pages < 0) {
    const std::string what = "memory.grow by " + std::to_string(delta_pages) + " pages from " +
                             std::to_string(before) + " failed";
    if (auto fits = memory_->store().checkMemorySize(before + delta_pages, "a memory");
        !fits)
      return resourceError(what + ": " + fits.error().message);
    return resourceError(what + " (maximum " +
                         std::to_string(memory_->linearMemory().maximumPages()) + " pages)");
  }
  return static_cast<uint64_t>(old_pages);
}

MemoryType Memory::type() const { return detail::fromWasm(memory_->currentType()); }

// ---- Table ----------------------------------------------------------------------------------

Result<Table> Table::create(Store& store, const TableType& type, const Val& init) {
  if (!isRefType(type.element))
    return detail::argumentError(std::string("table of non-reference type ") + valTypeName(type.element));
  if (auto bad = checkLimits(type.limits, runtime::TableInstance::kMaxElements, "elements")) return *bad;
  detail::StoreState& state = detail::Access::store(store);
  if (auto mismatch = detail::valMismatch(init, detail::toWasm(type.element), &state))
    return detail::argumentError("table initial value: " + *mismatch);
  runtime::Result<runtime::TableInstance*> table =
      state.createTable(detail::toWasm(type), reinterpret_cast<uint64_t>(detail::toRaw(init).ref));
  if (!table) return resourceError(table.error().message);
  return Table(*table);
}

uint32_t Table::size() const { return table_->size(); }

Result<Val> Table::get(uint32_t index) const {
  if (index >= table_->size())
    return detail::argumentError("table index " + std::to_string(index) + " out of bounds (size " +
                                 std::to_string(table_->size()) + ")");
  runtime::ValRaw raw{};
  raw.ref = reinterpret_cast<void*>(table_->get(index));
  return detail::fromRaw(table_->elementType(), raw, detail::storeStateOf(&table_->store()));
}

Result<void> Table::set(uint32_t index, const Val& value) const {
  if (index >= table_->size())
    return detail::argumentError("table index " + std::to_string(index) + " out of bounds (size " +
                                 std::to_string(table_->size()) + ")");
  if (auto mismatch = detail::valMismatch(value, table_->elementType(), detail::storeStateOf(&table_->store())))
    return detail::argumentError("table element: " + *mismatch);
  table_->set(index, reinterpret_cast<uint64_t>(detail::toRaw(value).ref));
  return {};
}

Result<uint32_t> Table::grow(uint32_t delta, const Val& init) const {
  if (auto mismatch = detail::valMismatch(init, table_->elementType(), detail::storeStateOf(&table_->store())))
    return detail::argumentError("table.grow initial value: " + *mismatch);
  const uint32_t before = table_->size();
  const int32_t old_size = table_->grow(delta, reinterpret_cast<uint64_t>(detail::toRaw(init).ref));
  if (old_size < 0) {
    const std::string what = "table.grow by " + std::to_string(delta) + " from " +
                             std::to_string(before) + " elements failed";
    if (auto fits = table_->store().checkTableSize(uint64_t{before} + delta, "a table"); !fits)
      return resourceError(what + ": " + fits.error().message);
    return resourceError(what);
  }
  return static_cast<uint32_t>(old_size);
}

TableType Table::type() const { return detail::fromWasm(table_->currentType()); }

// ---- Global ---------------------------------------------------------------------------------

Result<Global> Global::create(Store& store, const GlobalType& type, const Val& value) {
  detail::StoreState& state = detail::Access::store(store);
  if (auto mismatch = detail::valMismatch(value, detail::toWasm(type.content), &state))
    return detail::argumentError("global initial value: " + *mismatch);
  return Global(state.createGlobal(detail::toWasm(type), detail::toRaw(value)));
}

Val Global::get() const {
  return detail::fromRaw(global_->type().type, global_->value(),
                         detail::storeStateOf(&global_->store()));
}

Result<void> Global::set(const Val& value) const {
  if (!global_->type().is_mutable) return detail::argumentError("cannot set an immutable global");
  if (auto mismatch = detail::valMismatch(value, global_->type().type, detail::storeStateOf(&global_->store())))
    return detail::argumentError("global value: " + *mismatch);
  global_->setValue(detail::toRaw(value));
  return {};
}

GlobalType Global::type() const { return detail::fromWasm(global_->type()); }

// ---- references -----------------------------------------------------------------------------

ExternRef ExternRef::create(Store& store, std::any data) {
  return ExternRef(detail::Access::store(store).createExternRef(std::move(data)));
}

std::any& ExternRef::data() const { return box_->value; }

Val::Val(const Func& func) : type_(ValType::FuncRef) {
  runtime::VMFuncRef* ref = detail::Access::ref(func);
  setBits(&ref, sizeof ref);
  store_ = detail::Access::store(func);
}

Val::Val(const ExternRef& ref) : type_(ValType::ExternRef) {
  runtime::ExternRefBox* box = detail::Access::box(ref);
  setBits(&box, sizeof box);
}

std::optional<Func> Val::funcref() const {
  auto* ref = bitsAs<runtime::VMFuncRef*>();
  if (type_ != ValType::FuncRef || ref == nullptr) return std::nullopt;
  return detail::Access::makeFunc(store_, ref);
}

std::optional<ExternRef> Val::externref() const {
  auto* box = bitsAs<runtime::ExternRefBox*>();
  if (type_ != ValType::ExternRef || box == nullptr) return std::nullopt;
  return detail::Access::makeExternRef(box);
}

std::string Val::toString() const {
  char text[96];
  switch (type_) {
    case ValType::I32: std::snprintf(text, sizeof text, "i32:%" PRId32, i32()); break;
    case ValType::I64: std::snprintf(text, sizeof text, "i64:%" PRId64, i64()); break;
    case ValType::F32: std::snprintf(text, sizeof text, "f32:%a (0x%08" PRIx32 ")", static_cast<double>(f32()), f32Bits()); break;
    case ValType::F64: std::snprintf(text, sizeof text, "f64:%a (0x%016" PRIx64 ")", f64(), f64Bits()); break;
    case ValType::V128: {
      std::string out = "v128:0x";
      for (int i = 15; i >= 0; --i) {
        std::snprintf(text, sizeof text, "%02x", bits_[i]);
        out += text;
      }
      return out;
    }
    case ValType::FuncRef:
    case ValType::ExternRef:
    case ValType::ExnRef: {
      const char* name = type_ == ValType::FuncRef     ? "funcref"
                         : type_ == ValType::ExternRef ? "externref"
                                                       : "exnref";
      void* pointer = bitsAs<void*>();
      if (pointer == nullptr) std::snprintf(text, sizeof text, "%s:null", name);
      else std::snprintf(text, sizeof text, "%s:%p", name, pointer);
      break;
    }
  }
  return text;
}

}  // namespace wisp

// References in general (copy, same, host info, the as_ref / ref_as conversions of every kind),
// values, foreign objects, traps and frames.
#include <cstring>

#include "api/state.h"
#include "capi/objects.h"

using wisp::detail::Access;

namespace wisp::capi {
namespace {

// What an externref made from a non-foreign reference holds: a handle of its own to the
// object, deleted with the store's externref data.
struct HeldRef {
  std::shared_ptr<wasm_ref_t> ref;
};

// What a foreign object's externref holds: nothing; the object is the identity.
struct ForeignData {};

}  // namespace

wasm_extern_t* newExtern(wasm_store_t* store, const Extern& item) {
  switch (externKind(item)) {
    case ExternKind::Func: return new wasm_func_t(store, item);
    case ExternKind::Global: return new wasm_global_t(store, item);
    case ExternKind::Table: return new wasm_table_t(store, item);
    case ExternKind::Memory: return new wasm_memory_t(store, item);
    case ExternKind::Tag: break;  // wasm_module_new refuses modules with tags
  }
  return nullptr;
}

wasm_trap_t* newTrap(Trap trap) {
  auto object = std::make_shared<TrapObject>();
  object->trap = std::move(trap);
  return new wasm_trap_t(std::move(object));
}

wasm_trap_t* newTrap(std::string message) {
  Trap trap;
  trap.kind = TrapKind::HostError;
  trap.message = std::move(message);
  return newTrap(std::move(trap));
}

wasm_trap_t* trapFromError(const Error& error) {
  if (error.trap) return newTrap(*error.trap);
  return newTrap(error.describe());
}

std::optional<Val> refToVal(ValType type, const wasm_ref_t* ref, wasm_store_t* store,
                            std::string* why) {
  if (type == ValType::FuncRef) {
    if (ref == nullptr) return Val::nullFuncRef();
    if (ref->kind != RefKind::Func) {
      *why = "a funcref must be a function or null";
      return std::nullopt;
    }
    return Val(static_cast<const wasm_func_t*>(ref)->func());
  }
  if (type == ValType::ExternRef) {
    if (ref == nullptr) return Val::nullExternRef();
    if (ref->kind == RefKind::Foreign) return Val(static_cast<const wasm_foreign_t*>(ref)->ref);
    std::shared_ptr<wasm_ref_t> held(ref->copy(), [](wasm_ref_t* r) { wasm_ref_delete(r); });
    return Val(ExternRef::create(store->store, HeldRef{std::move(held)}));
  }
  *why = std::string("a reference cannot be a ") + valTypeName(type);
  return std::nullopt;
}

wasm_ref_t* valToRef(const Val& value, wasm_store_t* store) {
  if (std::optional<Func> func = value.funcref())
    return new wasm_func_t(store, *func);
  if (std::optional<ExternRef> ref = value.externref()) {
    if (const auto* held = std::any_cast<HeldRef>(&ref->data())) return held->ref->copy();
    return new wasm_foreign_t(store, *ref);
  }
  return nullptr;
}

std::optional<Val> fromC(const wasm_val_t& value, wasm_store_t* store, std::string* why) {
  switch (value.kind) {
    case WASM_I32: return Val(value.of.i32);
    case WASM_I64: return Val(value.of.i64);
    case WASM_F32: {
      uint32_t bits;
      std::memcpy(&bits, &value.of.f32, 4);
      return Val::f32FromBits(bits);
    }
    case WASM_F64: {
      uint64_t bits;
      std::memcpy(&bits, &value.of.f64, 8);
      return Val::f64FromBits(bits);
    }
    case WASM_FUNCREF: return refToVal(ValType::FuncRef, value.of.ref, store, why);
    case WASM_EXTERNREF: return refToVal(ValType::ExternRef, value.of.ref, store, why);
    default:
      *why = "a value of unknown kind " + std::to_string(value.kind);
      return std::nullopt;
  }
}

wasm_val_t toC(const Val& value, wasm_store_t* store) {
  wasm_val_t out;
  std::memset(&out, 0, sizeof out);
  out.kind = kindOf(value.type());
  switch (value.type()) {
    case ValType::I32: out.of.i32 = value.i32(); break;
    case ValType::I64: out.of.i64 = value.i64(); break;
    case ValType::F32: {
      const uint32_t bits = value.f32Bits();
      std::memcpy(&out.of.f32, &bits, 4);
      break;
    }
    case ValType::F64: {
      const uint64_t bits = value.f64Bits();
      std::memcpy(&out.of.f64, &bits, 8);
      break;
    }
    case ValType::FuncRef:
    case ValType::ExternRef: out.of.ref = valToRef(value, store); break;
    case ValType::V128: break;  // never produced: calls with v128 are refused before
  }
  return out;
}

}  // namespace wisp::capi

using namespace wisp::capi;

// ---- handles ------------------------------------------------------------------------------

namespace {
wisp::capi::RefKind refKindOf(const wisp::Extern& item) {
  switch (wisp::externKind(item)) {
    case wisp::ExternKind::Func: return RefKind::Func;
    case wisp::ExternKind::Global: return RefKind::Global;
    case wisp::ExternKind::Table: return RefKind::Table;
    case wisp::ExternKind::Memory: return RefKind::Memory;
    case wisp::ExternKind::Tag: break;
  }
  return RefKind::Func;
}
}  // namespace

wasm_extern_t::wasm_extern_t(wasm_store_t* store, wisp::Extern item)
    : StoreRef(refKindOf(item), store), item(std::move(item)) {}

wasm_ref_t* wasm_extern_t::copy() const { return newExtern(store, item); }

Identity wasm_extern_t::identity() const {
  struct Of {
    Identity operator()(const wisp::Func& f) const {
      wisp::runtime::VMFuncRef* ref = Access::ref(f);
      return {wisp::detail::funcRefCode(ref), wisp::detail::funcRefVmctx(ref)};
    }
    Identity operator()(const wisp::Global& g) const { return {Access::global(g), nullptr}; }
    Identity operator()(const wisp::Table& t) const { return {Access::table(t), nullptr}; }
    Identity operator()(const wisp::Memory& m) const { return {Access::memory(m), nullptr}; }
    Identity operator()(const wisp::Tag& t) const { return {Access::tag(t), nullptr}; }
  };
  return std::visit(Of{}, item);
}

Identity wasm_instance_t::identity() const { return {Access::instance(instance), nullptr}; }
Identity wasm_foreign_t::identity() const { return {Access::box(ref), nullptr}; }

// ---- what every reference kind has --------------------------------------------------------

namespace {

template <typename T>
T* refAs(wasm_ref_t* ref, RefKind kind) {
  return ref != nullptr && ref->kind == kind ? static_cast<T*>(ref) : nullptr;
}

bool sameObject(const wasm_ref_t* a, const wasm_ref_t* b) {
  if (a == nullptr || b == nullptr) return a == b;
  return a->kind == b->kind && a->identity() == b->identity();
}

void* hostInfoOf(const wasm_ref_t* ref) {
  if (ref == nullptr) return nullptr;
  const HostInfo* info = ref->findHostInfo();
  return info != nullptr ? info->data() : nullptr;
}

void setHostInfo(wasm_ref_t* ref, void* info, void (*finalizer)(void*)) {
  if (ref != nullptr) ref->hostInfo().replace(info, finalizer);
}

}  // namespace

// delete, copy, same and host info of wasm_NAME_t.
#define WISP_DEFINE_REF_BASE(name)                                                            \
  void wasm_##name##_delete(wasm_##name##_t* ref) { delete ref; }                             \
  wasm_##name##_t* wasm_##name##_copy(const wasm_##name##_t* ref) {                           \
    return ref != nullptr ? static_cast<wasm_##name##_t*>(ref->copy()) : nullptr;             \
  }                                                                                           \
  bool wasm_##name##_same(const wasm_##name##_t* a, const wasm_##name##_t* b) {               \
    return sameObject(a, b);                                                                  \
  }                                                                                           \
  void* wasm_##name##_get_host_info(const wasm_##name##_t* ref) { return hostInfoOf(ref); }   \
  void wasm_##name##_set_host_info(wasm_##name##_t* ref, void* info) {                        \
    setHostInfo(ref, info, nullptr);                                                          \
  }                                                                                           \
  void wasm_##name##_set_host_info_with_finalizer(wasm_##name##_t* ref, void* info,           \
                                                  void (*finalizer)(void*)) {                 \
    setHostInfo(ref, info, finalizer);                                                        \
  }

// The same plus the conversions to and from wasm_ref_t; `is_kind` tells a reference of it.
#define WISP_DEFINE_REF(name, is_kind)                                                        \
  WISP_DEFINE_REF_BASE(name)                                                                  \
  wasm_ref_t* wasm_##name##_as_ref(wasm_##name##_t* ref) { return ref; }                      \
  const wasm_ref_t* wasm_##name##_as_ref_const(const wasm_##name##_t* ref) { return ref; }    \
  wasm_##name##_t* wasm_ref_as_##name(wasm_ref_t* ref) {                                      \
    return ref != nullptr && is_kind(ref->kind) ? static_cast<wasm_##name##_t*>(ref)          \
                                                : nullptr;                                    \
  }                                                                                           \
  const wasm_##name##_t* wasm_ref_as_##name##_const(const wasm_ref_t* ref) {                  \
    return wasm_ref_as_##name(const_cast<wasm_ref_t*>(ref));                                  \
  }

namespace {
constexpr bool isFunc(RefKind k) { return k == RefKind::Func; }
constexpr bool isGlobal(RefKind k) { return k == RefKind::Global; }
constexpr bool isTable(RefKind k) { return k == RefKind::Table; }
constexpr bool isMemory(RefKind k) { return k == RefKind::Memory; }
constexpr bool isExtern(RefKind k) {
  return k == RefKind::Func || k == RefKind::Global || k == RefKind::Table || k == RefKind::Memory;
}
constexpr bool isInstance(RefKind k) { return k == RefKind::Instance; }
constexpr bool isForeign(RefKind k) { return k == RefKind::Foreign; }
constexpr bool isTrap(RefKind k) { return k == RefKind::Trap; }
constexpr bool isModule(RefKind k) { return k == RefKind::Module; }
}  // namespace

extern "C" {

WISP_DEFINE_REF_BASE(ref)
WISP_DEFINE_REF(func, isFunc)
WISP_DEFINE_REF(global, isGlobal)
WISP_DEFINE_REF(table, isTable)
WISP_DEFINE_REF(memory, isMemory)
WISP_DEFINE_REF(extern, isExtern)
WISP_DEFINE_REF(instance, isInstance)
WISP_DEFINE_REF(foreign, isForeign)
WISP_DEFINE_REF(trap, isTrap)
WISP_DEFINE_REF(module, isModule)

// ---- values -------------------------------------------------------------------------------

void wasm_val_delete(wasm_val_t* value) {
  if (value == nullptr || !wasm_valkind_is_ref(value->kind)) return;
  wasm_ref_delete(value->of.ref);
  value->of.ref = nullptr;
}

void wasm_val_copy(wasm_val_t* out, const wasm_val_t* value) {
  if (out == nullptr) return;
  if (value == nullptr) {
    std::memset(out, 0, sizeof *out);
    return;
  }
  *out = *value;
  if (wasm_valkind_is_ref(value->kind)) out->of.ref = wasm_ref_copy(value->of.ref);
}

// ---- foreign objects ----------------------------------------------------------------------

wasm_foreign_t* wasm_foreign_new(wasm_store_t* store) {
  if (store == nullptr) return nullptr;
  return new wasm_foreign_t(store, wisp::ExternRef::create(store->store, ForeignData{}));
}

// ---- traps --------------------------------------------------------------------------------

wasm_trap_t* wasm_trap_new(wasm_store_t* store, const wasm_message_t* message) {
  if (message == nullptr || message->data == nullptr) return newTrap(std::string());
  std::string text(message->data, message->size);
  if (!text.empty() && text.back() == '\0') text.pop_back();
  return newTrap(std::move(text));
}

void wasm_trap_message(const wasm_trap_t* trap, wasm_message_t* out) {
  if (out == nullptr) return;
  if (trap == nullptr) {
    wasm_byte_vec_new_empty(out);
    return;
  }
  const std::string& message = trap->object->trap.message;
  wasm_byte_vec_new(out, message.size() + 1, message.c_str());
}

}  // extern "C"

namespace {

wasm_frame_t* newFrame(const wisp::Frame& frame) {
  auto* out = new wasm_frame_t;
  out->func_index = frame.function_index;
  out->module_offset = frame.wasm_offset;
  out->func_offset = frame.function_offset;
  return out;
}

}  // namespace

extern "C" {

wasm_frame_t* wasm_trap_origin(const wasm_trap_t* trap) {
  if (trap == nullptr || trap->object->trap.backtrace.empty()) return nullptr;
  return newFrame(trap->object->trap.backtrace.front());
}

void wasm_trap_trace(const wasm_trap_t* trap, wasm_frame_vec_t* out) {
  if (out == nullptr) return;
  if (trap == nullptr) {
    wasm_frame_vec_new_empty(out);
    return;
  }
  const std::vector<wisp::Frame>& frames = trap->object->trap.backtrace;
  wasm_frame_vec_new_uninitialized(out, frames.size());
  for (size_t i = 0; i < out->size; ++i) out->data[i] = newFrame(frames[i]);
}

// ---- frames -------------------------------------------------------------------------------

void wasm_frame_delete(wasm_frame_t* frame) { delete frame; }

wasm_frame_t* wasm_frame_copy(const wasm_frame_t* frame) {
  return frame != nullptr ? new wasm_frame_t(*frame) : nullptr;
}

wasm_instance_t* wasm_frame_instance(const wasm_frame_t*) { return nullptr; }

uint32_t wasm_frame_func_index(const wasm_frame_t* frame) {
  return frame != nullptr ? frame->func_index : 0;
}

size_t wasm_frame_func_offset(const wasm_frame_t* frame) {
  return frame != nullptr ? frame->func_offset : 0;
}

size_t wasm_frame_module_offset(const wasm_frame_t* frame) {
  return frame != nullptr ? frame->module_offset : 0;
}

}  // extern "C"

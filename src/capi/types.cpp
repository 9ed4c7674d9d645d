// Value, function, global, table, memory, extern, import and export types, and their
// conversions to and from the C++ API's types.
#include <algorithm>

#include "capi/objects.h"

wasm_functype_t::~wasm_functype_t() {
  wasm_valtype_vec_delete(&params);
  wasm_valtype_vec_delete(&results);
}

wasm_importtype_t::~wasm_importtype_t() {
  wasm_name_delete(&module);
  wasm_name_delete(&name);
  wasm_externtype_delete(type);
}

wasm_exporttype_t::~wasm_exporttype_t() {
  wasm_name_delete(&name);
  wasm_externtype_delete(type);
}

namespace wisp::capi {

wasm_valkind_t kindOf(ValType type) {
  switch (type) {
    case ValType::I32: return WASM_I32;
    case ValType::I64: return WASM_I64;
    case ValType::F32: return WASM_F32;
    case ValType::F64: return WASM_F64;
    case ValType::V128: return kV128Kind;
    case ValType::FuncRef: return WASM_FUNCREF;
    case ValType::ExternRef: return WASM_EXTERNREF;
  }
  return kV128Kind;
}

std::optional<ValType> valTypeOf(wasm_valkind_t kind) {
  switch (kind) {
    case WASM_I32: return ValType::I32;
    case WASM_I64: return ValType::I64;
    case WASM_F32: return ValType::F32;
    case WASM_F64: return ValType::F64;
    case WASM_FUNCREF: return ValType::FuncRef;
    case WASM_EXTERNREF: return ValType::ExternRef;
    default: return std::nullopt;
  }
}

wasm_limits_t toC(const Limits& limits) {
  const auto clamp = [](uint64_t n) {
    return static_cast<uint32_t>(std::min<uint64_t>(n, wasm_limits_max_default));
  };
  return {clamp(limits.min), limits.max ? clamp(*limits.max) : wasm_limits_max_default};
}

Limits fromC(const wasm_limits_t& limits) {
  Limits out;
  out.min = limits.min;
  if (limits.max != wasm_limits_max_default) out.max = limits.max;
  return out;
}

namespace {

void setValTypes(wasm_valtype_vec_t* out, const std::vector<ValType>& types) {
  wasm_valtype_vec_new_uninitialized(out, types.size());
  for (size_t i = 0; i < out->size; ++i) out->data[i] = new wasm_valtype_t{kindOf(types[i])};
}

std::optional<std::vector<ValType>> valTypesOf(const wasm_valtype_vec_t& vec) {
  std::vector<ValType> types;
  for (size_t i = 0; i < vec.size; ++i) {
    std::optional<ValType> type = valTypeOf(vec.data[i]->kind);
    if (!type) return std::nullopt;
    types.push_back(*type);
  }
  return types;
}

}  // namespace

wasm_functype_t* toC(const FuncType& type) {
  auto* out = new wasm_functype_t;
  setValTypes(&out->params, type.params);
  setValTypes(&out->results, type.results);
  return out;
}

wasm_externtype_t* toC(const ExternType& type) {
  struct Convert {
    wasm_externtype_t* operator()(const FuncType& t) const { return toC(t); }
    wasm_externtype_t* operator()(const GlobalType& t) const {
      return new wasm_globaltype_t(kindOf(t.content), t.is_mutable ? WASM_VAR : WASM_CONST);
    }
    wasm_externtype_t* operator()(const TableType& t) const {
      return new wasm_tabletype_t(kindOf(t.element), toC(t.limits));
    }
    wasm_externtype_t* operator()(const MemoryType& t) const {
      return new wasm_memorytype_t(toC(t.limits));
    }
    // wasm.h has no tag type; wasm_module_new refuses modules with tags, so none gets here.
    wasm_externtype_t* operator()(const TagType&) const { return nullptr; }
  };
  return std::visit(Convert{}, type);
}

std::optional<FuncType> fromC(const wasm_functype_t& type) {
  std::optional<std::vector<ValType>> params = valTypesOf(type.params);
  std::optional<std::vector<ValType>> results = valTypesOf(type.results);
  if (!params || !results) return std::nullopt;
  return FuncType{std::move(*params), std::move(*results)};
}

std::optional<GlobalType> fromC(const wasm_globaltype_t& type) {
  std::optional<ValType> content = valTypeOf(type.content.kind);
  if (!content) return std::nullopt;
  return GlobalType{*content, type.mutability == WASM_VAR};
}

std::optional<TableType> fromC(const wasm_tabletype_t& type) {
  std::optional<ValType> element = valTypeOf(type.element.kind);
  if (!element) return std::nullopt;
  return TableType{*element, fromC(type.limits)};
}

void setName(wasm_name_t* out, std::string_view text) {
  wasm_byte_vec_new(out, text.size(), text.data());
}

}  // namespace wisp::capi

using namespace wisp::capi;

extern "C" {

// ---- value types --------------------------------------------------------------------------

wasm_valtype_t* wasm_valtype_new(wasm_valkind_t kind) {
  if (!valTypeOf(kind)) return nullptr;
  return new wasm_valtype_t{kind};
}

wasm_valkind_t wasm_valtype_kind(const wasm_valtype_t* type) {
  return type != nullptr ? type->kind : wasm_valkind_t{WASM_I32};
}

wasm_valtype_t* wasm_valtype_copy(const wasm_valtype_t* type) {
  return type != nullptr ? new wasm_valtype_t{type->kind} : nullptr;
}

void wasm_valtype_delete(wasm_valtype_t* type) { delete type; }

// ---- function types -----------------------------------------------------------------------

wasm_functype_t* wasm_functype_new(wasm_valtype_vec_t* params, wasm_valtype_vec_t* results) {
  const auto complete = [](const wasm_valtype_vec_t* vec) {
    return vec == nullptr || std::all_of(vec->data, vec->data + vec->size,
                                         [](const wasm_valtype_t* t) { return t != nullptr; });
  };
  if (!complete(params) || !complete(results)) {
    wasm_valtype_vec_delete(params);
    wasm_valtype_vec_delete(results);
    return nullptr;
  }
  auto* type = new wasm_functype_t;
  // Taken over whole: the vectors' arrays become the type's.
  if (params != nullptr) std::swap(type->params, *params);
  if (results != nullptr) std::swap(type->results, *results);
  return type;
}

const wasm_valtype_vec_t* wasm_functype_params(const wasm_functype_t* type) {
  return type != nullptr ? &type->params : nullptr;
}

const wasm_valtype_vec_t* wasm_functype_results(const wasm_functype_t* type) {
  return type != nullptr ? &type->results : nullptr;
}

wasm_functype_t* wasm_functype_copy(const wasm_functype_t* type) {
  if (type == nullptr) return nullptr;
  auto* copy = new wasm_functype_t;
  wasm_valtype_vec_copy(&copy->params, &type->params);
  wasm_valtype_vec_copy(&copy->results, &type->results);
  return copy;
}

void wasm_functype_delete(wasm_functype_t* type) { delete type; }

// ---- global types -------------------------------------------------------------------------

wasm_globaltype_t* wasm_globaltype_new(wasm_valtype_t* content, wasm_mutability_t mutability) {
  if (content == nullptr || (mutability != WASM_CONST && mutability != WASM_VAR)) {
    wasm_valtype_delete(content);
    return nullptr;
  }
  auto* type = new wasm_globaltype_t(content->kind, mutability);
  wasm_valtype_delete(content);
  return type;
}

const wasm_valtype_t* wasm_globaltype_content(const wasm_globaltype_t* type) {
  return type != nullptr ? &type->content : nullptr;
}

wasm_mutability_t wasm_globaltype_mutability(const wasm_globaltype_t* type) {
  return type != nullptr ? type->mutability : wasm_mutability_t{WASM_CONST};
}

wasm_globaltype_t* wasm_globaltype_copy(const wasm_globaltype_t* type) {
  return type != nullptr ? new wasm_globaltype_t(type->content.kind, type->mutability) : nullptr;
}

void wasm_globaltype_delete(wasm_globaltype_t* type) { delete type; }

// ---- table types --------------------------------------------------------------------------

wasm_tabletype_t* wasm_tabletype_new(wasm_valtype_t* element, const wasm_limits_t* limits) {
  if (element == nullptr || limits == nullptr || !wasm_valkind_is_ref(element->kind)) {
    wasm_valtype_delete(element);
    return nullptr;
  }
  auto* type = new wasm_tabletype_t(element->kind, *limits);
  wasm_valtype_delete(element);
  return type;
}

const wasm_valtype_t* wasm_tabletype_element(const wasm_tabletype_t* type) {
  return type != nullptr ? &type->element : nullptr;
}

const wasm_limits_t* wasm_tabletype_limits(const wasm_tabletype_t* type) {
  return type != nullptr ? &type->limits : nullptr;
}

wasm_tabletype_t* wasm_tabletype_copy(const wasm_tabletype_t* type) {
  return type != nullptr ? new wasm_tabletype_t(type->element.kind, type->limits) : nullptr;
}

void wasm_tabletype_delete(wasm_tabletype_t* type) { delete type; }

// ---- memory types -------------------------------------------------------------------------

wasm_memorytype_t* wasm_memorytype_new(const wasm_limits_t* limits) {
  return limits != nullptr ? new wasm_memorytype_t(*limits) : nullptr;
}

const wasm_limits_t* wasm_memorytype_limits(const wasm_memorytype_t* type) {
  return type != nullptr ? &type->limits : nullptr;
}

wasm_memorytype_t* wasm_memorytype_copy(const wasm_memorytype_t* type) {
  return type != nullptr ? new wasm_memorytype_t(type->limits) : nullptr;
}

void wasm_memorytype_delete(wasm_memorytype_t* type) { delete type; }

// ---- extern types -------------------------------------------------------------------------

wasm_externkind_t wasm_externtype_kind(const wasm_externtype_t* type) {
  return type != nullptr ? type->kind : wasm_externkind_t{WASM_EXTERN_FUNC};
}

wasm_externtype_t* wasm_externtype_copy(const wasm_externtype_t* type) {
  if (type == nullptr) return nullptr;
  switch (type->kind) {
    case WASM_EXTERN_FUNC: return wasm_functype_copy(static_cast<const wasm_functype_t*>(type));
    case WASM_EXTERN_GLOBAL: return wasm_globaltype_copy(static_cast<const wasm_globaltype_t*>(type));
    case WASM_EXTERN_TABLE: return wasm_tabletype_copy(static_cast<const wasm_tabletype_t*>(type));
    case WASM_EXTERN_MEMORY: return wasm_memorytype_copy(static_cast<const wasm_memorytype_t*>(type));
  }
  return nullptr;
}

void wasm_externtype_delete(wasm_externtype_t* type) { delete type; }

wasm_externtype_t* wasm_functype_as_externtype(wasm_functype_t* type) { return type; }
wasm_externtype_t* wasm_globaltype_as_externtype(wasm_globaltype_t* type) { return type; }
wasm_externtype_t* wasm_tabletype_as_externtype(wasm_tabletype_t* type) { return type; }
wasm_externtype_t* wasm_memorytype_as_externtype(wasm_memorytype_t* type) { return type; }
const wasm_externtype_t* wasm_functype_as_externtype_const(const wasm_functype_t* type) { return type; }
const wasm_externtype_t* wasm_globaltype_as_externtype_const(const wasm_globaltype_t* type) { return type; }
const wasm_externtype_t* wasm_tabletype_as_externtype_const(const wasm_tabletype_t* type) { return type; }
const wasm_externtype_t* wasm_memorytype_as_externtype_const(const wasm_memorytype_t* type) { return type; }

}  // extern "C"

namespace {

template <typename T>
T* externTypeAs(wasm_externtype_t* type, wasm_externkind_t kind) {
  return type != nullptr && type->kind == kind ? static_cast<T*>(type) : nullptr;
}

}  // namespace

extern "C" {

wasm_functype_t* wasm_externtype_as_functype(wasm_externtype_t* type) {
  return externTypeAs<wasm_functype_t>(type, WASM_EXTERN_FUNC);
}
wasm_globaltype_t* wasm_externtype_as_globaltype(wasm_externtype_t* type) {
  return externTypeAs<wasm_globaltype_t>(type, WASM_EXTERN_GLOBAL);
}
wasm_tabletype_t* wasm_externtype_as_tabletype(wasm_externtype_t* type) {
  return externTypeAs<wasm_tabletype_t>(type, WASM_EXTERN_TABLE);
}
wasm_memorytype_t* wasm_externtype_as_memorytype(wasm_externtype_t* type) {
  return externTypeAs<wasm_memorytype_t>(type, WASM_EXTERN_MEMORY);
}
const wasm_functype_t* wasm_externtype_as_functype_const(const wasm_externtype_t* type) {
  return wasm_externtype_as_functype(const_cast<wasm_externtype_t*>(type));
}
const wasm_globaltype_t* wasm_externtype_as_globaltype_const(const wasm_externtype_t* type) {
  return wasm_externtype_as_globaltype(const_cast<wasm_externtype_t*>(type));
}
const wasm_tabletype_t* wasm_externtype_as_tabletype_const(const wasm_externtype_t* type) {
  return wasm_externtype_as_tabletype(const_cast<wasm_externtype_t*>(type));
}
const wasm_memorytype_t* wasm_externtype_as_memorytype_const(const wasm_externtype_t* type) {
  return wasm_externtype_as_memorytype(const_cast<wasm_externtype_t*>(type));
}

// ---- import and export types --------------------------------------------------------------

wasm_importtype_t* wasm_importtype_new(wasm_name_t* module, wasm_name_t* name,
                                       wasm_externtype_t* type) {
  if (module == nullptr || name == nullptr || type == nullptr) {
    wasm_name_delete(module);
    wasm_name_delete(name);
    wasm_externtype_delete(type);
    return nullptr;
  }
  auto* import = new wasm_importtype_t;
  std::swap(import->module, *module);
  std::swap(import->name, *name);
  import->type = type;
  return import;
}

const wasm_name_t* wasm_importtype_module(const wasm_importtype_t* import) {
  return import != nullptr ? &import->module : nullptr;
}
const wasm_name_t* wasm_importtype_name(const wasm_importtype_t* import) {
  return import != nullptr ? &import->name : nullptr;
}
const wasm_externtype_t* wasm_importtype_type(const wasm_importtype_t* import) {
  return import != nullptr ? import->type : nullptr;
}

wasm_importtype_t* wasm_importtype_copy(const wasm_importtype_t* import) {
  if (import == nullptr) return nullptr;
  auto* copy = new wasm_importtype_t;
  wasm_name_copy(&copy->module, &import->module);
  wasm_name_copy(&copy->name, &import->name);
  copy->type = wasm_externtype_copy(import->type);
  return copy;
}

void wasm_importtype_delete(wasm_importtype_t* import) { delete import; }

wasm_exporttype_t* wasm_exporttype_new(wasm_name_t* name, wasm_externtype_t* type) {
  if (name == nullptr || type == nullptr) {
    wasm_name_delete(name);
    wasm_externtype_delete(type);
    return nullptr;
  }
  auto* export_type = new wasm_exporttype_t;
  std::swap(export_type->name, *name);
  export_type->type = type;
  return export_type;
}

const wasm_name_t* wasm_exporttype_name(const wasm_exporttype_t* export_type) {
  return export_type != nullptr ? &export_type->name : nullptr;
}
const wasm_externtype_t* wasm_exporttype_type(const wasm_exporttype_t* export_type) {
  return export_type != nullptr ? export_type->type : nullptr;
}

wasm_exporttype_t* wasm_exporttype_copy(const wasm_exporttype_t* export_type) {
  if (export_type == nullptr) return nullptr;
  auto* copy = new wasm_exporttype_t;
  wasm_name_copy(&copy->name, &export_type->name);
  copy->type = wasm_externtype_copy(export_type->type);
  return copy;
}

void wasm_exporttype_delete(wasm_exporttype_t* export_type) { delete export_type; }

}  // extern "C"

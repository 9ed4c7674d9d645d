#include "runtime/instance.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "runtime/const_expr.h"
#include "runtime/import_check.h"
#include "runtime/store.h"

namespace wisp::runtime {

Instance::Instance(Store& store, std::shared_ptr<const CompiledModule> compiled)
    : store_(&store), compiled_(std::move(compiled)), offsets_(*compiled_->module) {}

Instance::~Instance() {
  if (vmctx_ == nullptr) return;
  std::memset(vmctx_, 0, offsets_.functionsBegin());
  std::memset(vmctx_ + offsets_.tagsBegin(), 0, offsets_.size() - offsets_.tagsBegin());
  // The imported functions' entries, then the span of the exposed ones (in index order).
  std::memset(vmctx_ + offsets_.functionsBegin(), 0,
              sizeof(VMFuncRef) * module().imported_function_count);
  const std::vector<uint32_t>& exposed = compiled_->exposed_functions;
  if (!exposed.empty())
    std::memset(function(exposed.front()), 0,
                sizeof(VMFuncRef) * (exposed.back() - exposed.front() + 1));
  for (uint32_t f : lazy_defined_) std::memset(function(f), 0, sizeof(VMFuncRef));
  store_->allocator().releaseVmctx(vmctx_, vmctxSize());
}

VMFuncRef* Instance::lazyFunction(uint32_t index) {
  VMFuncRef* ref = function(index);
  if (ref->code != nullptr) return ref;  // exposed, imported, or defined by an earlier read
  const CompiledModule& compiled = *compiled_;
  ref->code = compiled.code->functionEntry(index - module().imported_function_count);
  ref->type_id = compiled.functionTypeId(index);
  ref->vmctx = vmctx();
  lazy_defined_.push_back(index);
  return ref;
}

uint64_t TableInstance::resolveLazy(uint32_t index) {
  if (lazy_owner_ == nullptr || index >= lazy_functions_.size() ||
      lazy_functions_[index] == CompiledModule::kNullItem) {
    std::fprintf(stderr, "wisp: table slot %u holds the lazy mark but has no function\n", index);
    std::abort();
  }
  const auto value = reinterpret_cast<uint64_t>(lazy_owner_->lazyFunction(lazy_functions_[index]));
  vm_.elements[index] = value;
  return value;
}

std::optional<Extern> Instance::findExport(std::string_view name) const {
  const wasm::Export* e = module().findExport(name);
  if (e == nullptr) return std::nullopt;
  return exportOf(*e);
}

Extern Instance::exportOf(const wasm::Export& e) const {
  switch (e.kind) {
    case wasm::ExternKind::Func: return Extern::ofFunc(*store_, function(e.index));
    case wasm::ExternKind::Table: return Extern::ofTable(table(e.index));
    case wasm::ExternKind::Memory: return Extern::ofMemory(memory(e.index));
    case wasm::ExternKind::Global: return Extern::ofGlobal(global(e.index));
    case wasm::ExternKind::Tag: return Extern::ofTag(tag(e.index));
  }
  return Extern::ofFunc(*store_, function(e.index));
}

std::span<const uint8_t> Instance::dataSegment(uint32_t index) const {
  if (data_dropped_[index]) return {};
  const wasm::DataSegment& segment = module().data[index];
  return {module().bytes.data() + segment.data_offset, segment.data_size};
}

std::span<const uint64_t> Instance::elementSegment(uint32_t index) const {
  return element_segments_[index];
}

std::optional<TrapKind> Instance::initMemory(uint32_t memory_index, uint32_t segment,
                                             uint64_t dst, uint32_t src, uint32_t n) {
  MemoryInstance& memory = *memories_[memory_index];
  const std::span<const uint8_t> data = dataSegment(segment);
  // A 64-bit memory's dst may be near 2^64: compared so that dst + n cannot wrap.
  if (uint64_t{src} + n > data.size() || dst > memory.byteLength() ||
      n > memory.byteLength() - dst)
    return TrapKind::MemoryOutOfBounds;
  if (n != 0) std::memcpy(memory.base() + dst, data.data() + src, n);
  return std::nullopt;
}

std::optional<TrapKind> Instance::initTable(uint32_t table_index, uint32_t segment, uint32_t dst,
                                            uint32_t src, uint32_t n) {
  TableInstance& table = *tables_[table_index];
  const std::span<const uint64_t> items = elementSegment(segment);
  if (uint64_t{src} + n > items.size() || uint64_t{dst} + n > table.size())
    return TrapKind::TableOutOfBounds;
  if (n != 0) std::memcpy(table.elements() + dst, items.data() + src, n * sizeof(uint64_t));
  return std::nullopt;
}

// The steps of instantiation, in the spec's order; a friend of Instance.
struct Instantiator {
  Store& store;
  const CompiledModule& compiled;
  const wasm::Module& module;
  Instance& instance;
  // The memories whose data segments their copy-on-write image already holds: instantiation
  // skips those segments.
  std::vector<uint32_t> memories_filled_by_image_;

  Result<void> linkImports(std::span<const Extern> imports) {
    for (size_t i = 0; i < imports.size(); ++i) {
      const wasm::Import& import = module.imports[i];
      const Extern& provided = imports[i];
      if (Result<void> fits = checkImport(module, compiled.type_ids, import, provided, store); !fits)
        return fits.error();
      switch (import.kind) {
        case wasm::ExternKind::Func: *instance.function(import.index) = *provided.func(); break;
        case wasm::ExternKind::Table: instance.tables_[import.index] = provided.table(); break;
        case wasm::ExternKind::Memory: instance.memories_[import.index] = provided.memory(); break;
        case wasm::ExternKind::Global: instance.globals_[import.index] = provided.global(); break;
        case wasm::ExternKind::Tag: instance.tags_[import.index] = provided.tag(); break;
      }
    }
    return {};
  }

  // Before anything is created, so a refused instantiation leaves nothing in the store.
  Result<void> checkStoreLimits() {
    const uint64_t memories = module.memories.size() - module.imported_memory_count;
    const uint64_t tables = module.tables.size() - module.imported_table_count;
    if (Result<void> room = store.checkRoomFor(1, memories, tables); !room)
      return Error{"instantiation: " + room.error().message};
    for (uint32_t i = module.imported_memory_count; i < module.memories.size(); ++i) {
      const uint64_t pages = module.memories[i].type.limits.min;
      if (store.allowsMemoryPages(pages)) continue;
      return Error{"instantiation: " +
                   store.checkMemorySize(pages, "memory " + std::to_string(i)).error().message};
    }
    for (uint32_t i = module.imported_table_count; i < module.tables.size(); ++i) {
      const uint64_t elements = module.tables[i].type.limits.min;
      if (store.allowsTableElements(elements)) continue;
      return Error{"instantiation: " +
                   store.checkTableSize(elements, "table " + std::to_string(i)).error().message};
    }
    return {};
  }

  Result<void> createMemoriesAndTables() {
    const std::vector<std::shared_ptr<const MemoryImage>>* images =
        module.data.empty() || store.boundsCheckMode() != BoundsCheckMode::GuardRegion
            ? nullptr
            : &compiled.memoryImages();
    for (uint32_t i = module.imported_memory_count; i < module.memories.size(); ++i) {
      std::shared_ptr<const MemoryImage> image = images ? (*images)[i] : nullptr;
      Result<MemoryInstance*> memory = store.createMemory(module.memories[i].type, image);
      if (!memory) return Error{"memory " + std::to_string(i) + ": " + memory.error().message};
      instance.memories_[i] = *memory;
      // The allocator maps the image only where it keeps reservations.
      if (image && (*memory)->linearMemory().image() == image.get()) memories_filled_by_image_.push_back(i);
    }
    for (uint32_t i = module.imported_table_count; i < module.tables.size(); ++i) {
      const std::vector<uint64_t>& image = compiled.lazy_table_images[i];
      Result<TableInstance*> table = image.empty()
                                         ? store.createTable(module.tables[i].type, /*null*/ 0)
                                         : store.createTable(module.tables[i].type, image);
      if (!table) return Error{"table " + std::to_string(i) + ": " + table.error().message};
      if (!image.empty()) (*table)->setLazyContents(&instance, compiled.lazy_table_contents[i]);
      instance.tables_[i] = *table;
    }
    return {};
  }

  // Everything the loop reads is loaded once: the stores into the vmctx could alias it as
  // far as the compiler knows, and reloading made this the costliest loop of instantiation.
  void defineFunctions() {
    const uintptr_t code = compiled.code->memory.begin();
    const uint32_t* const code_offsets = compiled.code->function_offsets.data();
    const uint32_t* const type_ids = compiled.type_ids.data();
    const wasm::Function* const functions = module.functions.data();
    const uint32_t imported = module.imported_function_count;
    VMFuncRef* const refs = instance.function(0);
    VMContext* const vmctx = instance.vmctx();
    for (uint32_t i : compiled.exposed_functions) {
      refs[i].code = reinterpret_cast<void*>(code + code_offsets[i - imported]);
      refs[i].type_id = type_ids[functions[i].type_index];
      refs[i].vmctx = vmctx;
    }
  }

  ConstExprContext constContext() const {
    return {&module, instance.globals_, instance.function(0)};
  }

  Result<void> defineGlobals() {
    for (uint32_t i = module.imported_global_count; i < module.globals.size(); ++i) {
      const wasm::Global& global = module.globals[i];
      Result<ValRaw> value = evaluateConstExpr(global.init, constContext());
      if (!value) return Error{"global " + std::to_string(i) + ": " + value.error().message};
      instance.globals_[i] = store.createGlobal(global.type, *value);
    }
    return {};
  }

  // Each defined tag is a new identity, even two of one type in one module.
  void defineTags() {
    for (uint32_t i = module.imported_tag_count; i < module.tags.size(); ++i) {
      TagInstance* tag = store.createTag(module.tagType(i));
      tag->setName("tag[" + std::to_string(i) + "]");
      for (const wasm::Export& e : module.exports) {
        if (e.kind != wasm::ExternKind::Tag || e.index != i) continue;
        tag->setName("`" + e.name + "`");
        break;
      }
      instance.tags_[i] = tag;
    }
  }

  void fillVmctxPointers() {
    const VMOffsets& offsets = instance.offsets_;
    for (uint32_t i = 0; i < instance.memories_.size(); ++i)
      storePointer(offsets.memory(i), instance.memories_[i]->vm());
    for (uint32_t i = 0; i < instance.tables_.size(); ++i)
      storePointer(offsets.table(i), instance.tables_[i]->vm());
    for (uint32_t i = 0; i < instance.globals_.size(); ++i)
      storePointer(offsets.global(i), instance.globals_[i]->vm());
    for (uint32_t i = 0; i < instance.tags_.size(); ++i)
      storePointer(offsets.tag(i), instance.tags_[i]);
  }

  void storePointer(uint32_t offset, const void* pointer) {
    std::memcpy(instance.vmctx_ + offset, &pointer, sizeof pointer);
  }

  // An element item's reference. Items have no effects and cannot fail once validated, so
  // active segments are evaluated straight into their table (the spec evaluates every
  // segment first, which no program can tell apart).
  Result<uint64_t> elementItem(const wasm::ConstExpr& item, const ConstExprContext& context) {
    switch (item.kind) {
      case wasm::ConstExpr::Kind::RefFunc: return reinterpret_cast<uint64_t>(instance.function(item.index));
      case wasm::ConstExpr::Kind::RefNull: return uint64_t{0};
      default: break;
    }
    Result<ValRaw> value = evaluateConstExpr(item, context);
    if (!value) return value.error();
    return reinterpret_cast<uint64_t>(value->ref);
  }

  // Passive segments' items are evaluated once, at instantiation, as the spec's element
  // instances are; active and declarative ones are dropped once instantiation is done.
  Result<void> evaluateElementSegments() {
    instance.element_segments_.resize(module.elements.size());
    const ConstExprContext context = constContext();
    for (size_t s = 0; s < module.elements.size(); ++s) {
      const wasm::ElementSegment& segment = module.elements[s];
      if (segment.mode != wasm::SegmentMode::Passive) continue;
      std::vector<uint64_t>& items = instance.element_segments_[s];
      items.reserve(segment.items.size());
      for (const wasm::ConstExpr& item : segment.items) {
        Result<uint64_t> value = elementItem(item, context);
        if (!value) return Error{"element segment " + std::to_string(s) + ": " + value.error().message};
        items.push_back(*value);
      }
    }
    instance.data_dropped_.assign(module.data.size(), false);
    return {};
  }

  // table.init of a whole active segment, then its drop (which leaves nothing to drop).
  Instantiation initializeActiveElements(uint32_t s, uint32_t offset) {
    const wasm::ElementSegment& segment = module.elements[s];
    TableInstance& table = *instance.tables_[segment.table_index];
    const uint64_t n = segment.items.size();
    if (uint64_t{offset} + n > table.size()) return trapped(TrapKind::TableOutOfBounds);
    uint64_t* const elements = table.elements() + offset;
    if (const std::vector<uint32_t>& indices = compiled.element_functions[s];
        n != 0 && indices.size() == n) {  // the common case: functions and nulls
      const VMFuncRef* const refs = instance.function(0);
      for (uint64_t i = 0; i < n; ++i) {
        const uint32_t index = indices[i];
        elements[i] = index == CompiledModule::kNullItem ? 0 : reinterpret_cast<uint64_t>(refs + index);
      }
      Instantiation done;
      done.instance = &instance;
      return done;
    }
    const ConstExprContext context = constContext();
    const wasm::ConstExpr* const items = segment.items.data();
    for (uint64_t i = 0; i < n; ++i) {
      Result<uint64_t> value = elementItem(items[i], context);
      if (!value)
        return Instantiation::failed(Instantiation::Failure::Resource,
                                     Error{"element segment " + std::to_string(s) + ": " +
                                           value.error().message});
      elements[i] = *value;
    }
    Instantiation done;
    done.instance = &instance;
    return done;
  }

  // An i32 offset zero-extended, or an i64 one (a 64-bit memory's data segment).
  Result<uint64_t> segmentOffset(const wasm::ConstExpr& offset, const char* what, size_t index) {
    Result<ValRaw> value = evaluateConstExpr(offset, constContext());
    if (!value) return Error{std::string(what) + " " + std::to_string(index) + ": " + value.error().message};
    if (offset.type == wasm::ValType::I64) return static_cast<uint64_t>(value->i64);
    return uint64_t{static_cast<uint32_t>(value->i32)};
  }

  Instantiation trapped(TrapKind kind) {
    Instantiation result;
    result.failure = Instantiation::Failure::Trap;
    result.instance = &instance;
    result.trap = makeTrap(kind);
    return result;
  }

  // Active segments run as table.init/memory.init followed by a drop; the first failure traps.
  Instantiation initializeSegments() {
    Instantiation result;
    result.instance = &instance;
    for (uint32_t s = 0; s < module.elements.size(); ++s) {
      const wasm::ElementSegment& segment = module.elements[s];
      if (segment.mode == wasm::SegmentMode::Passive) continue;
      if (segment.mode == wasm::SegmentMode::Active) {
        if (compiled.lazy_segments[s]) continue;  // its table starts with it (lazily)
        Result<uint64_t> offset = segmentOffset(segment.offset, "element segment", s);
        if (!offset) return Instantiation::failed(Instantiation::Failure::Resource, offset.error());
        const auto table_offset = static_cast<uint32_t>(*offset);  // tables have i32 indices
        if (Instantiation done = initializeActiveElements(s, table_offset); !done.ok()) return done;
        continue;
      }
      instance.dropElementSegment(s);
    }
    for (uint32_t s = 0; s < module.data.size(); ++s) {
      const wasm::DataSegment& segment = module.data[s];
      if (segment.mode != wasm::SegmentMode::Active) continue;
      if (std::find(memories_filled_by_image_.begin(), memories_filled_by_image_.end(), segment.memory_index) !=
          memories_filled_by_image_.end()) {
        instance.dropDataSegment(s);
        continue;
      }
      Result<uint64_t> offset = segmentOffset(segment.offset, "data segment", s);
      if (!offset) return Instantiation::failed(Instantiation::Failure::Resource, offset.error());
      if (auto trap = instance.initMemory(segment.memory_index, s, *offset, 0, segment.data_size))
        return trapped(*trap);
      instance.dropDataSegment(s);
    }
    return result;
  }
};

Instantiation instantiate(Store& store, std::shared_ptr<const CompiledModule> compiled,
                          std::span<const Extern> imports) {
  const wasm::Module& module = *compiled->module;
  if (imports.size() != module.imports.size()) {
    return Instantiation::failed(
        Instantiation::Failure::Link,
        Error{"the module has " + std::to_string(module.imports.size()) + " imports but " +
              std::to_string(imports.size()) + " were provided"});
  }
  std::unique_ptr<Instance> owned(new Instance(store, compiled));
  Instance& instance = *owned;
  Result<uint8_t*> vmctx = store.allocator().allocateVmctx(instance.vmctxSize());
  if (!vmctx) return Instantiation::failed(Instantiation::Failure::Resource, vmctx.error());
  instance.vmctx_ = *vmctx;
  RuntimeLimits* limits = &store.limits();
  Instance* self = &instance;
  std::memcpy(instance.vmctx_ + VMOffsets::kLimitsOffset, &limits, sizeof limits);
  std::memcpy(instance.vmctx_ + VMOffsets::kInstanceOffset, &self, sizeof self);
  const VMFuncRef* lazy = &kLazyFuncRef;
  std::memcpy(instance.vmctx_ + VMOffsets::kLazyFuncRefOffset, &lazy, sizeof lazy);
  instance.memories_.resize(module.memories.size());
  instance.tables_.resize(module.tables.size());
  instance.globals_.resize(module.globals.size());
  instance.tags_.resize(module.tags.size());

  Instantiator steps{store, *compiled, module, instance};
  if (Result<void> linked = steps.linkImports(imports); !linked)
    return Instantiation::failed(Instantiation::Failure::Link, linked.error());
  Result<void> prepared = steps.checkStoreLimits();
  if (prepared) prepared = steps.createMemoriesAndTables();
  if (prepared) {
    steps.defineFunctions();
    steps.defineTags();
    prepared = steps.defineGlobals();
  }
  if (prepared) {
    steps.fillVmctxPointers();
    prepared = steps.evaluateElementSegments();
  }
  if (!prepared) return Instantiation::failed(Instantiation::Failure::Resource, prepared.error());
  // From here on shared tables may come to point into this instance: the store keeps it.
  store.adoptInstance(std::move(owned));
  return steps.initializeSegments();
}

}  // namespace wisp::runtime

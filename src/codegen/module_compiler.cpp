#include "codegen/module_compiler.h"

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <cstring>
#include <limits>
#include <thread>

#include "codegen/function_compiler.h"
#include "wasm/function_validator.h"

namespace wisp::codegen {

// The scheme (docs/compiler.md, "Layout and linking"):
//  1. plan (serial): the functions of at least a chunk's size first, largest first, one chunk
//     each; then the others in index order, in chunks of about kMaxChunkBytes of body. A big
//     function handed out last would leave the other threads idle while it compiles; handed
//     out first, the small chunks even out the end.
//  2. compile (parallel): each thread takes the next chunk from a shared counter and compiles
//     with its own scratch state into its own buffers, appending (no allocation per function
//     once they have grown).
//  3. lay out (serial, at the barrier): the first error in index order, else each function's
//     offset in index order, where its trap sites and address map entries go in the CodeInfo
//     tables, the executable memory and the tables. Linear and cheap.
//  4. place (parallel): each thread copies the code it compiled into place, patches its call
//     sites and fills its functions' CodeInfo entries.
//  5. CodeInfo takes the tables whole: in index order, so already sorted.
// The result depends only on the module, never on the thread count or timing.

namespace {

constexpr uint32_t kFunctionAlignment = 16;
// Below this much code a second thread costs more than it saves.
constexpr size_t kMinBytesPerThread = 64 * 1024;
// A chunk is about this much body (a millisecond of compiling or less): big enough that the
// shared counter is touched rarely, small enough that the threads finish close together.
constexpr size_t kMaxChunkBytes = 16 * 1024;
// In a smaller module the chunks shrink so that each thread still gets this many.
constexpr size_t kChunksPerThread = 16;

wasm::Error resourceError(std::string message) {
  return wasm::Error{wasm::ErrorKind::Resource, std::move(message), 0, wasm::kNoFunction};
}

uint32_t threadCount(const wasm::Module& module, const CompileOptions& options) {
  uint32_t threads = options.threads ? options.threads : std::thread::hardware_concurrency();
  const size_t by_size = module.code_section_size / kMinBytesPerThread + 1;
  return static_cast<uint32_t>(std::clamp<size_t>(std::min<size_t>(threads, by_size), 1, 64));
}

// The chunks in the order they are handed out: first the large functions one by one, then
// ranges of defined function indices (the large functions inside them are skipped).
struct WorkPlan {
  size_t large_bytes = 0;        // a function this large or larger is a chunk of its own
  std::vector<uint32_t> large;   // defined indices, largest body first
  std::vector<std::pair<uint32_t, uint32_t>> ranges;  // [begin, end) of defined indices
  uint32_t chunks() const { return static_cast<uint32_t>(large.size() + ranges.size()); }
};

WorkPlan planWork(const wasm::Module& module, uint32_t threads) {
  const uint32_t first = module.imported_function_count;
  const auto count = static_cast<uint32_t>(module.functions.size()) - first;
  auto body = [&](uint32_t i) -> size_t { return module.functions[first + i].body_size; };
  size_t total = 0;
  for (uint32_t i = 0; i < count; ++i) total += body(i);
  WorkPlan plan;
  plan.large_bytes =
      std::clamp<size_t>(total / (size_t{threads} * kChunksPerThread), 1, kMaxChunkBytes);
  size_t in_chunk = 0;
  uint32_t begin = 0;
  for (uint32_t i = 0; i < count; ++i) {
    if (body(i) >= plan.large_bytes) {
      plan.large.push_back(i);
      continue;
    }
    in_chunk += body(i);
    if (in_chunk >= plan.large_bytes) {
      plan.ranges.emplace_back(begin, i + 1);
      begin = i + 1;
      in_chunk = 0;
    }
  }
  if (in_chunk > 0) plan.ranges.emplace_back(begin, count);
  // Longest processing time first; equal sizes by index, so the plan is fixed.
  std::sort(plan.large.begin(), plan.large.end(), [&](uint32_t a, uint32_t b) {
    return body(a) != body(b) ? body(a) > body(b) : a < b;
  });
  return plan;
}

// What one thread compiled: every function's results appended to the same buffers (its code
// to the scratch state's CodeBuffer, where the compiler wrote it), and one record per function
// saying where they end (each begins where the previous one ended). Aligned so that two
// threads' state never shares a cache line.
struct alignas(64) ThreadResults {
  struct Function {
    uint32_t index;  // defined index
    uint32_t code_end, calls_end, traps_end, map_end, relocations_end, handlers_end;
  };
  runtime::CodeMemory code_memory;  // where scratch.code writes (when it could be reserved)
  CompilerScratch scratch;
  CompiledFunction out;  // calls, trap sites and address map, relative to their function
  std::vector<Function> functions;  // in the order compiled
  // What its functions need in the module's tables: code bytes with their alignment padding
  // (at most), trap sites and address map entries.
  size_t code_bytes_bound = 0, trap_sites = 0, map_entries = 0;
  // The lowest-numbered function this thread failed to compile, and why.
  uint32_t error_function = std::numeric_limits<uint32_t>::max();
  std::optional<wasm::Error> error;
};

// Function names from the name section's entries (sorted by index): a thread places its
// functions mostly in index order, so the next name is usually at or just after the last.
class NameCursor {
 public:
  explicit NameCursor(const wasm::NameMap& names) : names_(names), entries_(names.entries()) {}
  std::string_view operator()(uint32_t index) {
    auto below = [](const wasm::NameMap::Entry& e, uint32_t i) { return e.index < i; };
    if (at_ >= entries_.size() || entries_[at_].index > index ||
        (at_ + 4 < entries_.size() && entries_[at_ + 4].index < index)) {
      at_ = std::lower_bound(entries_.begin(), entries_.end(), index, below) - entries_.begin();
    }
    while (at_ < entries_.size() && entries_[at_].index < index) ++at_;
    if (at_ < entries_.size() && entries_[at_].index == index) return names_.name(entries_[at_]);
    return {};
  }

 private:
  const wasm::NameMap& names_;
  const std::vector<wasm::NameMap::Entry>& entries_;
  size_t at_ = 0;
};

// How much more of a reservation a growing writer makes present at a time: 1 MiB, or a huge
// page where the reservation has them. What is made present is zeroed by the kernel, so a step
// much larger than the code still to come is paid for and never used.
size_t presentStep(const runtime::CodeMemory& reservation) {
  return reservation.size() >= runtime::CodeMemory::kHugePageWorthy
             ? runtime::CodeMemory::kHugePageBytes
             : size_t{1} << 20;
}

// Points `code` at a fresh reservation of `estimate` bytes (address space; no page present
// until written), made present a step at a time as the code grows: one MADV_POPULATE_WRITE per
// step instead of a page fault per page, and mremap past the estimate. False if the system
// refuses the reservation.
bool writeIntoReservation(size_t estimate, runtime::CodeMemory& memory, isa::CodeBuffer& code) {
  auto reserved = runtime::CodeMemory::reserve(estimate);
  if (!reserved) return false;
  memory = std::move(reserved.value());
  auto prepared = memory.prepare(presentStep(memory));
  if (!prepared) return false;
  auto grow = [](void* owner, size_t at_least, size_t* capacity) -> uint8_t* {
    auto* reservation = static_cast<runtime::CodeMemory*>(owner);
    *capacity = std::max(at_least, reservation->presentBytes() + presentStep(*reservation));
    auto made = reservation->prepare(*capacity);
    return made ? made.value() : nullptr;
  };
  code.useStorage(prepared.value(), static_cast<uint32_t>(presentStep(memory)), grow, &memory);
  return true;
}

// Room for a thread's share of the module's calls, trap sites and address map entries, so that
// the vectors are not copied as they grow (real modules have about one address map entry per
// 10 bytes of code section and fewer of the others; pages reserved and never written cost
// nothing).
void reserveOutputs(CompiledFunction& out, size_t code_bytes) {
  out.calls.reserve(code_bytes / 16);
  out.traps.reserve(code_bytes / 16);
  out.address_map.reserve(code_bytes / 8);
  out.relocations.reserve(code_bytes / 256);
}

class ModuleBuild {
 public:
  ModuleBuild(const wasm::Module& module, std::span<const uint32_t> type_ids,
              const CompileOptions& options, bool callees_may_return_from_other_instances)
      : module_(module),
        context_(module, type_ids, options, callees_may_return_from_other_instances),
        first_(module.imported_function_count),
        count_(static_cast<uint32_t>(module.functions.size()) - first_),
        requested_threads_(threadCount(module, options)),
        plan_(planWork(module, requested_threads_)),
        threads_(std::clamp<uint32_t>(plan_.chunks(), 1, requested_threads_)),
        counts_(count_),
        first_failure_(count_) {
    code_->function_offsets.resize(count_);
    if (options.function_compile_times) options.function_compile_times->assign(count_, {});
    for (uint32_t t = 0; t < threads_; ++t)
      threads_results_.push_back(std::make_unique<ThreadResults>());
  }

  bool tailCallsOutOfInstance() const { return tail_calls_out_of_instance_.load(); }

  wasm::Result<std::unique_ptr<runtime::CompiledCode>> run() {
    if (threads_ == 1) {
      compileInPlace();
    } else {
      compileInParallel();
      if (!failure_ && tables_failure_) failure_ = std::move(tables_failure_);
      if (!failure_) code_->memory.trim(total_code_bytes_);
    }
    if (failure_) return *failure_;
    if (threads_ > 1) {
      for (const std::vector<uint32_t>& named : placed_ref_functions_)
        code_->ref_functions.insert(code_->ref_functions.end(), named.begin(), named.end());
      for (const std::vector<runtime::HandlerSite>& placed : placed_handlers_)
        handlers_.insert(handlers_.end(), placed.begin(), placed.end());
      std::vector<runtime::Relocation>& all = code_->relocations;
      for (const std::vector<runtime::Relocation>& placed : placed_relocations_)
        all.insert(all.end(), placed.begin(), placed.end());
      std::sort(all.begin(), all.end(), [](const runtime::Relocation& a,
                                           const runtime::Relocation& b) {
        return a.code_offset < b.code_offset;
      });
    }

    std::vector<uint32_t>& named = code_->ref_functions;
    std::sort(named.begin(), named.end());
    named.erase(std::unique(named.begin(), named.end()), named.end());
    for (uint32_t i = 0; i < count_; ++i)
      function_codes_[i].body_offset = module_.functions[first_ + i].body_offset;
    runtime::CodeInfo& info = code_->info;
    info.assign(std::move(function_codes_), std::move(trap_sites_), std::move(address_map_),
                module_.function_names.sharedText());
    info.assignHandlers(std::move(handlers_));
    if (auto finished = info.finish(); !finished) return resourceError(finished.error().message);
    if (auto published = code_->memory.publish(); !published)
      return resourceError(published.error().message);
    return std::move(code_);
  }

 private:
  // Per defined function, written by the thread that compiled it: first its counts of trap
  // sites and address map entries, then (layOut) where they go in the tables.
  struct Counts {
    uint32_t traps, map;
  };

  // One thread: the functions in index order, each compiled straight into its place in the
  // executable memory (reserved for six times the code section, made present as the code
  // grows), its trap sites and address map entries straight into the tables. Nothing is
  // copied, and no buffer but the code's own pages is touched.
  void compileInPlace() {
    ThreadResults& mine = *threads_results_[0];
    CompilerScratch& scratch = mine.scratch;
    CompiledFunction& out = mine.out;
    runtime::CodeMemory& memory = code_->memory;
    isa::CodeBuffer& code = scratch.code;
    if (!writeIntoReservation(module_.code_section_size * 6 + 4096, memory, code)) {
      failure_ = resourceError("cannot reserve memory for the module's code");
      return;
    }
    reserveOutputs(out, module_.code_section_size);
    function_codes_.resize(count_);
    std::vector<uint32_t>& offsets = code_->function_offsets;
    NameCursor names(module_.function_names);
    for (uint32_t i = 0; i < count_; ++i) {
      code.alignFunctionStart(kFunctionAlignment);
      const size_t calls_begin = out.calls.size(), traps_begin = out.traps.size(),
                   map_begin = out.address_map.size(), relocations_begin = out.relocations.size(),
                   handlers_begin = out.handlers.size();
      if (auto error = timedCompile(i, scratch, out)) {
        code.releaseStorage();
        reportFailure(i, std::move(*error));
        return;
      }
      const uint32_t at = code.totalSize() - code.size();
      offsets[i] = at;
      for (size_t k = calls_begin; k < out.calls.size(); ++k) out.calls[k].offset += at;
      for (size_t k = traps_begin; k < out.traps.size(); ++k) out.traps[k].code_offset += at;
      for (size_t k = map_begin; k < out.address_map.size(); ++k)
        out.address_map[k].code_offset += at;
      for (size_t k = relocations_begin; k < out.relocations.size(); ++k)
        out.relocations[k].code_offset += at;
      for (size_t k = handlers_begin; k < out.handlers.size(); ++k) {
        out.handlers[k].return_offset += at;
        out.handlers[k].landing_offset += at;
      }
      function_codes_[i] = {first_ + i, at, code.totalSize(), names(first_ + i)};
    }
    uint8_t* base = code.allData();  // the mapping's start, wherever growing moved it
    const uint32_t total = code.totalSize();
    code.releaseStorage();
    for (const CallSite& call : out.calls) {
      isa::MacroAssembler::linkRelative(base, call.offset, offsets[call.callee - first_]);
    }
    memory.trim(total);
    if (out.tail_calls_out_of_instance) tail_calls_out_of_instance_ = true;
    trap_sites_ = std::move(out.traps);
    address_map_ = std::move(out.address_map);
    code_->relocations = std::move(out.relocations);
    code_->ref_functions = std::move(out.ref_functions);
    handlers_ = std::move(out.handlers);
  }

  // compileFunction of defined function i, timed when CompileOptions asks for it.
  std::optional<wasm::Error> timedCompile(uint32_t i, CompilerScratch& scratch,
                                          CompiledFunction& out) {
    std::vector<std::chrono::nanoseconds>* times = context_.options.function_compile_times;
    if (!times) return compileFunction(context_, first_ + i, scratch, out);
    const auto start = std::chrono::steady_clock::now();
    auto error = compileFunction(context_, first_ + i, scratch, out);
    (*times)[i] = std::chrono::steady_clock::now() - start;
    return error;
  }

  // The first failing function's error; an invalid body that a later look finds malformed
  // is reported as malformed (the kinds of error the spec orders).
  void reportFailure(uint32_t failed, wasm::Error error) {
    if (error.kind == wasm::ErrorKind::Invalid) {
      if (auto malformed = wasm::findMalformedBody(module_, first_ + failed)) {
        failure_ = std::move(*malformed);
        return;
      }
    }
    failure_ = std::move(error);
  }

  void compileInParallel() {
    placed_relocations_.resize(threads_);
    placed_handlers_.resize(threads_);
    placed_ref_functions_.resize(threads_);
    std::barrier sync(threads_);
    auto work = [&](uint32_t thread) {
      compileChunks(thread);
      sync.arrive_and_wait();
      // Two serial steps side by side, the tables on the calling thread, like the table of
      // functions: they come from its malloc arena, where the previous module's were likely
      // freed, so their pages are mapped already (on whichever thread arrived last, this took
      // milliseconds in page faults).
      if (thread == 0) allocateTables();
      if (thread == 1) layOut();  // a parallel build has at least two threads
      sync.arrive_and_wait();
      if (!failure_ && !tables_failure_) place(thread);
    };
    std::vector<std::thread> pool;
    for (uint32_t t = 1; t < threads_; ++t) pool.emplace_back(work, t);
    work(0);
    for (std::thread& thread : pool) thread.join();
  }

  void compileChunks(uint32_t thread) {
    ThreadResults& mine = *threads_results_[thread];
    CompilerScratch& scratch = mine.scratch;
    CompiledFunction& out = mine.out;
    // Machine code is 2 to 5 times the wasm: room for a thread's share, so that the buffer
    // is not copied as it grows (the pages reserved and not used are never touched). At most
    // 30 MiB: glibc maps a block over 32 MiB afresh every time (its dynamic mmap threshold
    // stops there), so its pages fault again in every module, 3 to 5 thousand for a 6 MB
    // module; a smaller block it recycles once one like it was freed.
    if (!writeIntoReservation(module_.code_section_size * 6 / threads_ + 4096, mine.code_memory,
                              scratch.code)) {
      scratch.code.reserveTotal(
          std::min<size_t>(module_.code_section_size * 6 / threads_, size_t{30} << 20));
    }
    reserveOutputs(out, module_.code_section_size / threads_);
    // The table of functions is as long as the module's: made here, while the other threads
    // compile, rather than at the barrier (a fresh 10 MB costs milliseconds in page faults).
    if (thread == 0) function_codes_.resize(count_);
    std::vector<uint32_t>& sizes = code_->function_offsets;  // sizes until layOut()
    auto compile = [&](uint32_t i) {
      // After a failure only lower-numbered functions matter: the lowest error is reported.
      if (i > first_failure_.load(std::memory_order_relaxed)) return;
      const size_t traps_begin = out.traps.size(), map_begin = out.address_map.size();
      if (auto error = timedCompile(i, scratch, out)) {
        if (i < mine.error_function) {
          mine.error_function = i;
          mine.error = std::move(error);
        }
        uint32_t seen = first_failure_.load(std::memory_order_relaxed);
        while (i < seen && !first_failure_.compare_exchange_weak(seen, i)) {}
        return;
      }
      sizes[i] = scratch.code.size();
      counts_[i] = {static_cast<uint32_t>(out.traps.size() - traps_begin),
                    static_cast<uint32_t>(out.address_map.size() - map_begin)};
      mine.code_bytes_bound += scratch.code.size() + kFunctionAlignment - 1;
      mine.trap_sites += counts_[i].traps;
      mine.map_entries += counts_[i].map;
      mine.functions.push_back({i, scratch.code.totalSize(),
                                static_cast<uint32_t>(out.calls.size()),
                                static_cast<uint32_t>(out.traps.size()),
                                static_cast<uint32_t>(out.address_map.size()),
                                static_cast<uint32_t>(out.relocations.size()),
                                static_cast<uint32_t>(out.handlers.size())});
    };
    const uint32_t large = static_cast<uint32_t>(plan_.large.size());
    for (uint32_t k = next_chunk_++; k < plan_.chunks(); k = next_chunk_++) {
      if (k < large) {
        compile(plan_.large[k]);
        continue;
      }
      const auto [begin, end] = plan_.ranges[k - large];
      for (uint32_t i = begin; i < end; ++i) {
        if (module_.functions[first_ + i].body_size < plan_.large_bytes) compile(i);
      }
    }
    if (out.tail_calls_out_of_instance) tail_calls_out_of_instance_ = true;
  }

  // Between the two parallel phases, beside layOut(): the executable memory (for at most the
  // code compiled, trimmed to what layOut() places in it once placed) and the tables, sized
  // from every thread's counts.
  void allocateTables() {
    if (first_failure_.load() < count_) return;  // layOut() reports it
    size_t code_bound = 0, trap_sites = 0, map_entries = 0;
    for (const std::unique_ptr<ThreadResults>& results : threads_results_) {
      code_bound += results->code_bytes_bound;
      trap_sites += results->trap_sites;
      map_entries += results->map_entries;
    }
    // Past 4 GiB layOut() fails, so no more is needed.
    code_bound = std::min<size_t>(code_bound, std::numeric_limits<uint32_t>::max());
    auto memory = runtime::CodeMemory::allocateForParallelWriters(code_bound ? code_bound : 1);
    if (!memory) {
      tables_failure_ = resourceError(memory.error().message);
      return;
    }
    code_->memory = std::move(memory.value());
    base_ = code_->memory.writableBytes().data();
    trap_sites_.resize(trap_sites);
    address_map_.resize(map_entries);
  }

  // Serial, between the two parallel phases, while the other threads wait (one of them
  // allocating the tables).
  void layOut() {
    if (const uint32_t failed = first_failure_.load(); failed < count_) {
      for (const std::unique_ptr<ThreadResults>& results : threads_results_) {
        if (results->error_function != failed) continue;
        reportFailure(failed, std::move(*results->error));
        return;
      }
    }
    // The functions one after another in index order, and their CodeInfo entries likewise.
    std::vector<uint32_t>& offsets = code_->function_offsets;
    size_t total = 0;
    uint32_t trap_sites = 0, map_entries = 0;
    for (uint32_t i = 0; i < count_; ++i) {
      total = (total + kFunctionAlignment - 1) & ~size_t{kFunctionAlignment - 1};
      const uint32_t size = offsets[i];
      offsets[i] = static_cast<uint32_t>(total);
      total += size;
      const Counts counts = counts_[i];
      counts_[i] = {trap_sites, map_entries};
      trap_sites += counts.traps;
      map_entries += counts.map;
    }
    if (total > std::numeric_limits<uint32_t>::max()) {
      failure_ = resourceError("the module's machine code exceeds 4 GiB");
      return;
    }
    total_code_bytes_ = total;
  }

  // Parallel: a thread places the functions it compiled, from its own buffers.
  void place(uint32_t thread) {
    ThreadResults& mine = *threads_results_[thread];
    const uint8_t* code = mine.scratch.code.allData();
    const CompiledFunction& out = mine.out;
    const std::vector<uint32_t>& offsets = code_->function_offsets;
    NameCursor names(module_.function_names);
    std::vector<runtime::Relocation>& relocations = placed_relocations_[thread];
    relocations.reserve(out.relocations.size());
    ThreadResults::Function from{0, 0, 0, 0, 0, 0, 0};
    std::vector<runtime::HandlerSite>& handlers = placed_handlers_[thread];  // where the next function's results begin
    for (const ThreadResults::Function& to : mine.functions) {
      const uint32_t i = to.index;
      const uint32_t at = offsets[i];
      const uint32_t size = to.code_end - from.code_end;
      std::memcpy(base_ + at, code + from.code_end, size);
      for (uint32_t k = from.calls_end; k < to.calls_end; ++k) {
        const CallSite& call = out.calls[k];
        const uint32_t site = at + call.offset;
        isa::MacroAssembler::linkRelative(base_, site, offsets[call.callee - first_]);
      }
      function_codes_[i] = {first_ + i, at, at + size, names(first_ + i)};
      runtime::TrapSite* trap = trap_sites_.data() + counts_[i].traps;  // may be the end
      for (uint32_t k = from.traps_end; k < to.traps_end; ++k, ++trap) {
        *trap = out.traps[k];
        trap->code_offset += at;
      }
      runtime::AddressMapEntry* entry = address_map_.data() + counts_[i].map;
      for (uint32_t k = from.map_end; k < to.map_end; ++k, ++entry) {
        *entry = out.address_map[k];
        entry->code_offset += at;
      }
      for (uint32_t k = from.relocations_end; k < to.relocations_end; ++k) {
        relocations.push_back(out.relocations[k]);
        relocations.back().code_offset += at;
      }
      for (uint32_t k = from.handlers_end; k < to.handlers_end; ++k) {
        handlers.push_back(out.handlers[k]);
        handlers.back().return_offset += at;
        handlers.back().landing_offset += at;
      }
      from = to;
    }
    placed_ref_functions_[thread] = std::move(mine.out.ref_functions);
    threads_results_[thread].reset();  // freed here, in parallel
  }

  const wasm::Module& module_;
  const ModuleContext context_;
  const uint32_t first_;
  const uint32_t count_;
  const uint32_t requested_threads_;
  const WorkPlan plan_;
  const uint32_t threads_;
  std::vector<std::unique_ptr<ThreadResults>> threads_results_;
  std::vector<Counts> counts_;
  std::unique_ptr<runtime::CompiledCode> code_ = std::make_unique<runtime::CompiledCode>();
  uint8_t* base_ = nullptr;
  // The CodeInfo tables, in index order: sized by thread 0 and layOut(), filled by place().
  std::vector<runtime::FunctionCode> function_codes_;
  std::vector<runtime::TrapSite> trap_sites_;
  std::vector<runtime::AddressMapEntry> address_map_;
  std::vector<runtime::HandlerSite> handlers_;
  std::vector<std::vector<runtime::HandlerSite>> placed_handlers_;  // per thread, module-relative
  // Per thread, the relocations of the functions it placed, module-relative.
  std::vector<std::vector<runtime::Relocation>> placed_relocations_;
  std::vector<std::vector<uint32_t>> placed_ref_functions_;  // per thread, by place()
  std::optional<wasm::Error> failure_;
  std::optional<wasm::Error> tables_failure_;  // allocateTables()'s, beside layOut()'s
  size_t total_code_bytes_ = 0;                // laid out by layOut()
  // Each on its own cache line: next_chunk_ is written per chunk, first_failure_ read per
  // function.
  alignas(64) std::atomic<uint32_t> next_chunk_{0};
  alignas(64) std::atomic<uint32_t> first_failure_;
  std::atomic<bool> tail_calls_out_of_instance_{false};
};

}  // namespace

wasm::Result<std::unique_ptr<runtime::CompiledCode>> compileModule(
    const wasm::Module& module, std::span<const uint32_t> type_ids,
    const CompileOptions& options) {
  // Tail calls out of the instance are rare: compiled as if there were none, a module is
  // compiled again when a function had one (rather than every body skimmed first).
  {
    ModuleBuild build(module, type_ids, options, false);
    auto compiled = build.run();
    if (!compiled || !build.tailCallsOutOfInstance()) return compiled;
  }
  return ModuleBuild(module, type_ids, options, true).run();
}

}  // namespace wisp::codegen

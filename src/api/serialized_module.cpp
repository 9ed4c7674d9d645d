// Module::serialize and Module::deserialize: Wisp's ahead-of-time format.
//
// A header of fixed size, then a payload its checksum covers:
//   header:  magic "\0wispaot" | u32 format version | u32 ISA | u64 payload size | u64 XXH3-64
//   payload: Wisp's version | the settings the code depends on (bounds-check mode, CPU
//            features, WebAssembly features) | the module's wasm binary | the machine code |
//            per defined function its code range | trap sites | address map | relocations |
//            exception handlers (return offset, landing pad) | the functions the code names
//            by ref.func (sorted, each once)
// Integers are little-endian (the only byte order of the ISAs Wisp runs on). The wasm binary is
// kept whole: decoding its sections again (not its bodies, which are not compiled again) gives
// the types, imports, exports, segments and names exactly as compiling did, through the same
// checked decoder, and module offsets in backtraces still refer to it.
//
// Loading checks the header first (so a file for another ISA or format says so, not
// "corrupted"), then the checksum, the version and settings, then every offset and count
// against the sizes it must fit; only then is code copied into executable memory, its
// relocations pointed at this process's builtins and this engine's type ids, and published.
#include <algorithm>
#include <cstring>
#include <future>
#include <optional>
#include <string>
#include <utility>

#define XXH_INLINE_ALL
#include <xxhash.h>

#include "api/conversions.h"
#include "api/state.h"
#include "runtime/compiled_module.h"
#include "runtime/relocation.h"
#include "wasm/module.h"
#include "wisp/module.h"

#ifndef WISP_VERSION_STRING
#error "WISP_VERSION_STRING must be defined (src/api/CMakeLists.txt)"
#endif

namespace wisp {
namespace {

constexpr uint8_t kMagic[8] = {0x00, 'w', 'i', 's', 'p', 'a', 'o', 't'};
// 2: the vmctx header holds the lazy table mark (code compiled for 1 reads the wrong offsets),
// call_indirect and table.get call the tableElement builtin, and the ref.func table follows.
// 3: a wasm function pops its stack parameter area as it returns (isa/abi.h), which this
// process's trampolines expect of the code.
// 4: exception handling's handler table, and the vmctx's tags after its functions.
constexpr uint32_t kFormatVersion = 4;
constexpr size_t kHeaderSize = 32;  // magic, format version, ISA, payload size, checksum
constexpr size_t kChecksumOffset = 24;

enum class Isa : uint32_t { X86_64 = 1, AArch64 = 2 };

constexpr Isa hostIsa() {
#if defined(__x86_64__)
  return Isa::X86_64;
#elif defined(__aarch64__)
  return Isa::AArch64;
#else
#error "unknown ISA"
#endif
}

const char* isaName(uint32_t isa) {
  switch (static_cast<Isa>(isa)) {
    case Isa::X86_64: return "x86-64";
    case Isa::AArch64: return "aarch64";
  }
  return nullptr;
}

// The settings compiled code depends on, as bits.
struct CpuFeatureBit {
  const char* name;
  bool isa::CpuFeatures::*field;
};
constexpr CpuFeatureBit kCpuFeatureBits[] = {
    {"popcnt", &isa::CpuFeatures::popcnt}, {"lzcnt", &isa::CpuFeatures::lzcnt},
    {"bmi1", &isa::CpuFeatures::bmi1},     {"sse4.1", &isa::CpuFeatures::sse41},
    {"avx", &isa::CpuFeatures::avx},
};

struct WasmFeatureBit {
  const char* name;
  bool Features::*field;
};
constexpr WasmFeatureBit kWasmFeatureBits[] = {
    {"simd", &Features::simd},
    {"relaxed-simd", &Features::relaxed_simd},
    {"tail-call", &Features::tail_call},
    {"extended-const", &Features::extended_const},
    {"multi-memory", &Features::multi_memory},
    {"memory64", &Features::memory64},
    {"threads", &Features::threads},
    {"exceptions", &Features::exceptions},
};

// The engine settings that change the code, which must be the same where it runs.
constexpr uint8_t kExplicitChecksBit = 1, kFuelBit = 2, kEpochsBit = 4;

uint8_t codeSettings(const Config& config) {
  return (config.bounds_checks == BoundsChecks::Explicit ? kExplicitChecksBit : 0) |
         (config.consume_fuel ? kFuelBit : 0) | (config.epoch_interruption ? kEpochsBit : 0);
}

// Why code compiled with `file` settings cannot run in an engine with `engine`'s; empty if it can.
std::string codeSettingsMismatch(uint8_t file, uint8_t engine) {
  if (file & ~(kExplicitChecksBit | kFuelBit | kEpochsBit))
    return "compiled with settings this Wisp does not know";
  auto with = [](bool on, const char* what) { return std::string(on ? "with " : "without ") + what; };
  if ((file ^ engine) & kExplicitChecksBit) {
    const auto mode = [](uint8_t bits) {
      return bits & kExplicitChecksBit ? "explicit bounds checks" : "guard-region memories";
    };
    return std::string("compiled for ") + mode(file) + ", this engine uses " + mode(engine);
  }
  if ((file ^ engine) & kFuelBit)
    return "compiled " + with(file & kFuelBit, "fuel metering") + ", this engine is " +
           with(engine & kFuelBit, "it") + " (Config::consume_fuel)";
  if ((file ^ engine) & kEpochsBit)
    return "compiled " + with(file & kEpochsBit, "epoch interruption") + ", this engine is " +
           with(engine & kEpochsBit, "it") + " (Config::epoch_interruption)";
  return {};
}

template <typename Bits, typename Set>
uint32_t toBits(const Bits& bits, const Set& set) {
  uint32_t out = 0;
  for (size_t i = 0; i < std::size(bits); ++i)
    if (set.*(bits[i].field)) out |= uint32_t{1} << i;
  return out;
}

// The names of the bits in `needed` that `have` lacks, "a, b"; empty when none.
template <typename Bits>
std::string missingBits(const Bits& bits, uint32_t needed, uint32_t have) {
  std::string out;
  const uint32_t known = (uint32_t{1} << std::size(bits)) - 1;
  for (size_t i = 0; i < std::size(bits); ++i) {
    if ((needed & ~have) >> i & 1) out += (out.empty() ? "" : ", ") + std::string(bits[i].name);
  }
  if (needed & ~known) out += (out.empty() ? "" : ", ") + std::string("features unknown to it");
  return out;
}

class Writer {
 public:
  void u8(uint8_t v) { out_.push_back(v); }
  void u32(uint32_t v) { raw(&v, 4); }
  void u64(uint64_t v) { raw(&v, 8); }
  void bytes(std::span<const uint8_t> b) {
    u64(b.size());
    raw(b.data(), b.size());
  }
  void raw(const void* p, size_t n) {
    const auto* b = static_cast<const uint8_t*>(p);
    out_.insert(out_.end(), b, b + n);
  }
  std::vector<uint8_t>& out() { return out_; }

 private:
  std::vector<uint8_t> out_;
};

Error deserializeError(std::string message, size_t offset = Error::kNoOffset) {
  Error error;
  error.kind = ErrorKind::Deserialize;
  error.message = std::move(message);
  error.offset = offset;
  return error;
}

// Reads the payload; the first failure is kept, with the file offset where it happened, and
// every later read fails too (so a caller checks once per table, not per field).
class Reader {
 public:
  explicit Reader(std::span<const uint8_t> file) : file_(file), at_(kHeaderSize) {}

  bool ok() const { return !error_; }
  Error takeError() { return std::move(*error_); }
  size_t remaining() const { return file_.size() - at_; }

  bool fail(std::string message) {
    if (!error_) error_ = deserializeError(std::move(message), at_);
    return false;
  }
  bool raw(void* p, size_t n, const char* what) {
    if (error_) return false;
    if (remaining() < n) return fail(std::string("truncated in ") + what);
    std::memcpy(p, file_.data() + at_, n);
    at_ += n;
    return true;
  }
  uint8_t u8(const char* what) {
    uint8_t v = 0;
    raw(&v, 1, what);
    return v;
  }
  uint32_t u32(const char* what) {
    uint32_t v = 0;
    raw(&v, 4, what);
    return v;
  }
  uint64_t u64(const char* what) {
    uint64_t v = 0;
    raw(&v, 8, what);
    return v;
  }
  std::span<const uint8_t> bytes(const char* what) {
    const uint64_t size = u64(what);
    if (error_) return {};
    if (size > remaining()) {
      fail(std::string("truncated in ") + what + " (" + std::to_string(size) + " bytes said, " +
           std::to_string(remaining()) + " left)");
      return {};
    }
    std::span<const uint8_t> out = file_.subspan(at_, size);
    at_ += size;
    return out;
  }
  // A table: its entry count, then the entries, as bytes; refused when the rest of the file
  // cannot hold that many entries (so a corrupted count never allocates). Entries are then read
  // with load() without a check per field: millions of address map entries in a large module.
  std::span<const uint8_t> table(size_t entry_size, const char* what) {
    const uint32_t n = u32(what);
    if (error_) return {};
    if (n > remaining() / entry_size) {
      fail(std::string("truncated in ") + what + " (" + std::to_string(n) + " entries said)");
      return {};
    }
    std::span<const uint8_t> out = file_.subspan(at_, n * entry_size);
    at_ += out.size();
    return out;
  }

 private:
  std::span<const uint8_t> file_;
  size_t at_;
  std::optional<Error> error_;
};

constexpr size_t kFunctionEntrySize = 8;
constexpr size_t kTrapSiteEntrySize = 9;
constexpr size_t kAddressMapEntrySize = 8;
constexpr size_t kRelocationEntrySize = 9;
constexpr size_t kHandlerEntrySize = 8;
constexpr size_t kRefFunctionEntrySize = 4;

template <typename T>
T load(const uint8_t* at) {
  T v;
  std::memcpy(&v, at, sizeof v);
  return v;
}

// From this size on, loading uses more threads (one costs tens of microseconds): the checksum
// beside the reading, the decoding of the sections beside the copy of the code.
constexpr size_t kParallelLoadBytes = size_t{1} << 20;

Result<Module> loadPayload(const std::shared_ptr<detail::EngineState>& state,
                           std::span<const uint8_t> file);

uint64_t checksum(std::span<const uint8_t> payload) {
  return XXH3_64bits(payload.data(), payload.size());
}

}  // namespace

bool Module::isSerialized(std::span<const uint8_t> bytes) {
  return bytes.size() >= sizeof kMagic && std::memcmp(bytes.data(), kMagic, sizeof kMagic) == 0;
}

Result<std::vector<uint8_t>> Module::serialize() const {
  const runtime::CompiledModule& compiled = *compiled_;
  const runtime::CompiledCode& code = *compiled.code;
  const Config& config = engine_->config();
  const runtime::CodeInfo& info = code.info;
  const uint32_t first = compiled.module->imported_function_count;

  Writer w;
  w.raw(kMagic, sizeof kMagic);
  w.u32(kFormatVersion);
  w.u32(static_cast<uint32_t>(hostIsa()));
  w.u64(0);  // payload size and checksum, once known
  w.u64(0);

  const std::string_view version = WISP_VERSION_STRING;
  w.bytes({reinterpret_cast<const uint8_t*>(version.data()), version.size()});
  w.u8(codeSettings(config));
  w.u32(toBits(kCpuFeatureBits, engine_->cpuFeatures()));
  w.u32(toBits(kWasmFeatureBits, config.features));
  w.bytes(compiled.module->bytes);

  // The code up to the end of the last function: the rest of the mapping is page padding.
  uint32_t code_size = 0;
  for (const runtime::FunctionCode& f : info.functions()) code_size = std::max(code_size, f.code_end);
  // With the relocated values zeroed: they belong to this process (addresses) and this engine
  // (type ids), and without them the same module compiles to the same file every time.
  w.bytes({reinterpret_cast<const uint8_t*>(code.memory.begin()), code_size});
  uint8_t* const written_code = w.out().data() + w.out().size() - code_size;
  for (const runtime::Relocation& r : code.relocations)
    std::memset(written_code + r.code_offset, 0, runtime::relocationSize(r.kind));

  // Defined functions in index order (the CodeInfo's are sorted by address, which the
  // compiler makes the same order; by index regardless).
  std::vector<std::pair<uint32_t, uint32_t>> ranges(code.function_offsets.size());
  for (const runtime::FunctionCode& f : info.functions())
    ranges[f.function_index - first] = {f.code_begin, f.code_end};
  w.u32(static_cast<uint32_t>(ranges.size()));
  for (const auto& [begin, end] : ranges) {
    w.u32(begin);
    w.u32(end);
  }
  w.u32(static_cast<uint32_t>(info.trapSites().size()));
  for (const runtime::TrapSite& t : info.trapSites()) {
    w.u32(t.code_offset);
    w.u8(static_cast<uint8_t>(t.kind));
    w.u32(t.wasm_offset);
  }
  w.u32(static_cast<uint32_t>(info.addressMap().size()));
  for (const runtime::AddressMapEntry& e : info.addressMap()) {
    w.u32(e.code_offset);
    w.u32(e.wasm_offset);
  }
  w.u32(static_cast<uint32_t>(code.relocations.size()));
  for (const runtime::Relocation& r : code.relocations) {
    w.u32(r.code_offset);
    w.u8(static_cast<uint8_t>(r.kind));
    w.u32(r.target);
  }
  w.u32(static_cast<uint32_t>(info.handlers().size()));
  for (const runtime::HandlerSite& h : info.handlers()) {
    w.u32(h.return_offset);
    w.u32(h.landing_offset);
  }
  w.u32(static_cast<uint32_t>(code.ref_functions.size()));
  for (uint32_t f : code.ref_functions) w.u32(f);

  std::vector<uint8_t>& out = w.out();
  const uint64_t payload_size = out.size() - kHeaderSize;
  const uint64_t sum = checksum(std::span<const uint8_t>(out).subspan(kHeaderSize));
  std::memcpy(out.data() + 16, &payload_size, 8);
  std::memcpy(out.data() + kChecksumOffset, &sum, 8);
  return std::move(out);
}

Result<Module> Module::deserialize(const Engine& engine, std::span<const uint8_t> file) {
  const std::shared_ptr<detail::EngineState>& state = detail::Access::engine(engine);
  if (!isSerialized(file))
    return deserializeError("not a serialized Wisp module (no \"\\0wispaot\" magic at its start)", 0);
  if (file.size() < kHeaderSize)
    return deserializeError("truncated in the header (" + std::to_string(file.size()) +
                            " bytes, the header alone is " + std::to_string(kHeaderSize) + ")");
  uint32_t format = 0, isa = 0;
  uint64_t payload_size = 0, sum = 0;
  std::memcpy(&format, file.data() + 8, 4);
  std::memcpy(&isa, file.data() + 12, 4);
  std::memcpy(&payload_size, file.data() + 16, 8);
  std::memcpy(&sum, file.data() + kChecksumOffset, 8);
  if (format != kFormatVersion)
    return deserializeError("format version " + std::to_string(format) + ", this Wisp reads " +
                            std::to_string(kFormatVersion) + " only (compile the module again)", 8);
  if (isa != static_cast<uint32_t>(hostIsa())) {
    const char* name = isaName(isa);
    return deserializeError(std::string("compiled for ") +
                                (name ? name : "unknown ISA " + std::to_string(isa)) +
                                ", this is " + isaName(static_cast<uint32_t>(hostIsa())), 12);
  }
  if (payload_size != file.size() - kHeaderSize)
    return deserializeError("the header says " + std::to_string(payload_size) +
                            " bytes follow it, the file has " +
                            std::to_string(file.size() - kHeaderSize) +
                            (payload_size > file.size() - kHeaderSize ? " (truncated)" : ""), 16);
  const std::span<const uint8_t> payload = file.subspan(kHeaderSize);
  auto corrupted = [] {
    return deserializeError("corrupted: the checksum of its contents does not match", kChecksumOffset);
  };
  Result<Module> loaded = deserializeError("");
  if (payload.size() < kParallelLoadBytes) {
    if (checksum(payload) != sum) return corrupted();
    loaded = loadPayload(state, file);
  } else {
    // Megabytes of code: the checksum is taken on another thread while the payload is read,
    // whose reading checks every count, offset and range by itself. A mismatch is reported
    // whatever the reading found, and nothing loaded from such a file is kept.
    std::future<uint64_t> computed =
        std::async(std::launch::async, [payload] { return checksum(payload); });
    loaded = loadPayload(state, file);
    if (computed.get() != sum) return corrupted();
  }
  if (!loaded) return loaded;
  if (runtime::ProfilingAgent* profiler = state->profiler()) {
    const runtime::CompiledModule& compiled = *detail::Access::compiled(*loaded);
    profiler->codeLoaded(runtime::moduleSymbols(*compiled.module, *compiled.code));
  }
  return loaded;
}

namespace {

// Everything after the header: the version and settings, then the tables, each checked.
Result<Module> loadPayload(const std::shared_ptr<detail::EngineState>& state,
                           std::span<const uint8_t> file) {
  Reader r(file);
  const std::span<const uint8_t> version = r.bytes("the Wisp version");
  if (!r.ok()) return r.takeError();
  const std::string_view this_version = WISP_VERSION_STRING;
  if (std::string_view(reinterpret_cast<const char*>(version.data()), version.size()) != this_version)
    return deserializeError("made by Wisp " +
                            std::string(reinterpret_cast<const char*>(version.data()), version.size()) +
                            ", this is Wisp " + std::string(this_version) +
                            " (compile the module again)");
  const uint8_t settings = r.u8("the settings");
  const uint32_t cpu_bits = r.u32("the settings");
  const uint32_t wasm_bits = r.u32("the settings");
  if (!r.ok()) return r.takeError();
  const Config& config = state->config();
  if (std::string mismatch = codeSettingsMismatch(settings, codeSettings(config)); !mismatch.empty())
    return deserializeError(mismatch);
  if (std::string missing = missingBits(kCpuFeatureBits, cpu_bits,
                                        toBits(kCpuFeatureBits, state->cpuFeatures()));
      !missing.empty())
    return deserializeError("the code uses CPU features this engine does not: " + missing);
  if (std::string missing = missingBits(kWasmFeatureBits, wasm_bits,
                                        toBits(kWasmFeatureBits, config.features));
      !missing.empty())
    return deserializeError("compiled with WebAssembly features this engine does not enable: " +
                            missing);

  const std::span<const uint8_t> wasm_bytes = r.bytes("the wasm binary");
  const std::span<const uint8_t> code_bytes = r.bytes("the machine code");
  if (!r.ok()) return r.takeError();
  if (code_bytes.size() > UINT32_MAX) return deserializeError("the machine code exceeds 4 GiB");
  const auto code_size = static_cast<uint32_t>(code_bytes.size());

  // The sections are decoded (on another thread, for megabytes of code) while the code is
  // copied into executable memory: neither needs the other.
  const wasm::DecodeOptions sections{.features = detail::toWasm(config.features),
                                     .validate_functions = false};
  const bool in_parallel = code_size >= kParallelLoadBytes;
  auto decoding = std::async(in_parallel ? std::launch::async : std::launch::deferred,
                             [wasm_bytes, sections] { return wasm::decodeModule(wasm_bytes, sections); });
  std::optional<runtime::CodeMemory> code_memory;
  if (code_size > 0) {
    auto memory = runtime::CodeMemory::allocate(code_size);
    if (!memory) {
      decoding.wait();
      Error error;
      error.kind = ErrorKind::Resource;
      error.message = memory.error().message;
      return error;
    }
    std::memcpy(memory->writableBytes().data(), code_bytes.data(), code_size);
    code_memory = std::move(*memory);
  }
  auto decoded = decoding.get();
  if (!decoded)
    return deserializeError("its wasm binary does not decode: " + decoded.error().message);
  std::unique_ptr<wasm::Module> module = std::move(*decoded);
  const uint32_t first = module->imported_function_count;
  const auto defined = static_cast<uint32_t>(module->functions.size()) - first;

  auto code = std::make_unique<runtime::CompiledCode>();
  std::vector<runtime::FunctionCode> functions;
  const std::span<const uint8_t> function_table = r.table(kFunctionEntrySize, "the function table");
  const std::span<const uint8_t> trap_table = r.table(kTrapSiteEntrySize, "the trap table");
  const std::span<const uint8_t> map_table = r.table(kAddressMapEntrySize, "the address map");
  const std::span<const uint8_t> relocation_table = r.table(kRelocationEntrySize, "the relocations");
  const std::span<const uint8_t> handler_table = r.table(kHandlerEntrySize, "the exception handlers");
  const std::span<const uint8_t> ref_function_table =
      r.table(kRefFunctionEntrySize, "the functions named by ref.func");
  if (!r.ok()) return r.takeError();
  if (r.remaining() != 0)
    return deserializeError(std::to_string(r.remaining()) + " bytes follow the last table");

  const size_t function_count = function_table.size() / kFunctionEntrySize;
  if (function_count != defined)
    return deserializeError("the function table has " + std::to_string(function_count) +
                            " entries, the module defines " + std::to_string(defined) +
                            " functions");
  functions.reserve(function_count);
  code->function_offsets.reserve(function_count);
  for (uint32_t i = 0; i < function_count; ++i) {
    const uint8_t* entry = function_table.data() + i * kFunctionEntrySize;
    const auto begin = load<uint32_t>(entry), end = load<uint32_t>(entry + 4);
    if (begin >= end || end > code_size) {
      return deserializeError("function " + std::to_string(first + i) + "'s code [" +
                              std::to_string(begin) + ", " + std::to_string(end) +
                              ") is not within the " + std::to_string(code_size) +
                              " bytes of code");
    }
    functions.push_back({first + i, begin, end, module->functionName(first + i),
                         module->functions[first + i].body_offset});
    code->function_offsets.push_back(begin);
  }

  // serialize() writes the code up to the last function's end, no further: a file with more
  // (or less) would not come out of serialize() again as it went in.
  uint32_t last_end = 0;
  for (const runtime::FunctionCode& f : functions) last_end = std::max(last_end, f.code_end);
  if (last_end != code_size)
    return deserializeError("the functions' code ends at byte " + std::to_string(last_end) +
                            " of the " + std::to_string(code_size) + " bytes of code");

  std::vector<runtime::TrapSite> traps(trap_table.size() / kTrapSiteEntrySize);
  for (size_t i = 0; i < traps.size(); ++i) {
    const uint8_t* entry = trap_table.data() + i * kTrapSiteEntrySize;
    runtime::TrapSite& t = traps[i];
    t.code_offset = load<uint32_t>(entry);
    const uint8_t kind = entry[4];
    t.wasm_offset = load<uint32_t>(entry + 5);
    if (kind >= runtime::kTrapKindCount)
      return deserializeError("a trap site has unknown kind " + std::to_string(kind));
    if (t.code_offset >= code_size)
      return deserializeError("a trap site is past the end of the code");
    t.kind = static_cast<runtime::TrapKind>(kind);
  }
  std::vector<runtime::AddressMapEntry> map(map_table.size() / kAddressMapEntrySize);
  for (size_t i = 0; i < map.size(); ++i) {
    const uint8_t* entry = map_table.data() + i * kAddressMapEntrySize;
    map[i].code_offset = load<uint32_t>(entry);
    map[i].wasm_offset = load<uint32_t>(entry + 4);
    if (map[i].code_offset > code_size)
      return deserializeError("an address map entry is past the end of the code");
  }
  std::vector<runtime::Relocation> relocations(relocation_table.size() / kRelocationEntrySize);
  for (size_t i = 0; i < relocations.size(); ++i) {
    const uint8_t* entry = relocation_table.data() + i * kRelocationEntrySize;
    relocations[i].code_offset = load<uint32_t>(entry);
    relocations[i].kind = static_cast<runtime::RelocationKind>(entry[4]);
    relocations[i].target = load<uint32_t>(entry + 5);
  }
  std::vector<runtime::HandlerSite> handlers(handler_table.size() / kHandlerEntrySize);
  for (size_t i = 0; i < handlers.size(); ++i) {
    const uint8_t* entry = handler_table.data() + i * kHandlerEntrySize;
    handlers[i].return_offset = load<uint32_t>(entry);
    handlers[i].landing_offset = load<uint32_t>(entry + 4);
    if (handlers[i].return_offset > code_size || handlers[i].landing_offset >= code_size)
      return deserializeError("an exception handler is past the end of the code");
  }
  // Sorted and each once, as serialize() writes them, naming functions of the module.
  std::vector<uint32_t> ref_functions(ref_function_table.size() / kRefFunctionEntrySize);
  for (size_t i = 0; i < ref_functions.size(); ++i) {
    ref_functions[i] = load<uint32_t>(ref_function_table.data() + i * kRefFunctionEntrySize);
    if (ref_functions[i] >= module->functions.size())
      return deserializeError("ref.func names function " + std::to_string(ref_functions[i]) +
                              ", the module has " + std::to_string(module->functions.size()));
    if (i > 0 && ref_functions[i] <= ref_functions[i - 1])
      return deserializeError("the functions named by ref.func are not sorted");
  }
  code->ref_functions = std::move(ref_functions);
  std::vector<uint32_t> type_ids;
  type_ids.reserve(module->types.size());
  for (const wasm::FuncType& type : module->types) type_ids.push_back(state->types().intern(type));

  if (defined > 0) {
    // code_size > 0: a function's range is not empty and lies within the code.
    code->memory = std::move(*code_memory);
    std::span<uint8_t> writable = code->memory.writableBytes();
    if (auto applied = runtime::applyRelocations(writable.first(code_size), relocations, type_ids);
        !applied)
      return deserializeError(applied.error().message);
    code->relocations = std::move(relocations);
    code->info.assign(std::move(functions), std::move(traps), std::move(map),
                      module->function_names.sharedText());
    code->info.assignHandlers(std::move(handlers));
    if (auto finished = code->info.finish(); !finished)
      return deserializeError(finished.error().message);
    if (auto published = code->memory.publish(); !published) {
      Error error;
      error.kind = ErrorKind::Resource;
      error.message = published.error().message;
      return error;
    }
  } else if (code_size != 0 || !traps.empty() || !map.empty() || !relocations.empty() ||
             !handlers.empty()) {
    return deserializeError("a module without functions comes with code");
  }

  auto compiled =
      runtime::CompiledModule::create(std::move(module), std::move(code), std::move(type_ids));
  if (!compiled) return deserializeError(compiled.error().message);
  return detail::Access::makeModule(state, std::move(*compiled));
}

}  // namespace

}  // namespace wisp

#include "runtime/profiling.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace wisp::runtime {
namespace {

// The jitdump layout (tools/perf/util/jitdump.h), all fields in the host's byte order.
constexpr uint32_t kJitDumpMagic = 0x4A695444;  // "JiTD"
constexpr uint32_t kJitDumpVersion = 1;
constexpr uint32_t kJitCodeLoad = 0;

struct JitDumpHeader {
  uint32_t magic;
  uint32_t version;
  uint32_t total_size;  // of this header
  uint32_t elf_mach;
  uint32_t pad1;
  uint32_t pid;
  uint64_t timestamp;
  uint64_t flags;  // 0: timestamps are CLOCK_MONOTONIC, not the CPU's cycle counter
};
static_assert(sizeof(JitDumpHeader) == 40);

struct JitCodeLoad {
  uint32_t id;
  uint32_t total_size;  // of the record: this, the name with its NUL, and the code
  uint64_t timestamp;
  uint32_t pid;
  uint32_t tid;
  uint64_t vma;
  uint64_t code_addr;
  uint64_t code_size;
  uint64_t code_index;
  // Followed by the NUL-terminated name and code_size bytes of code.
};
static_assert(sizeof(JitCodeLoad) == 56);

// perf record -k mono stamps its samples with CLOCK_MONOTONIC; perf inject matches the
// records' stamps against them.
uint64_t monotonicNanoseconds() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return uint64_t(now.tv_sec) * 1'000'000'000 + uint64_t(now.tv_nsec);
}

// Writes all of `bytes`, through short writes and signals.
bool writeAll(int fd, const void* bytes, size_t size) {
  const auto* at = static_cast<const uint8_t*>(bytes);
  while (size > 0) {
    const ssize_t n = ::write(fd, at, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    at += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

void reportWriteFailure(const std::string& path, int errno_value) {
  std::fprintf(stderr, "wisp: profiling: %s; later code is not recorded there\n",
               systemError("writing " + path, errno_value).message.c_str());
}

template <typename Agent>
ProfilingAgent* openProcessAgent(const std::string& path, const char* format) {
  Result<std::unique_ptr<Agent>> agent = Agent::open(path);
  if (!agent) {
    std::fprintf(stderr, "wisp: profiling: %s; no %s profile is written\n",
                 agent.error().message.c_str(), format);
    return nullptr;
  }
  // Never destroyed: engines in static storage may still report code during exit.
  return agent->release();
}

}  // namespace

// ---- perf map ----

Result<std::unique_ptr<PerfMapAgent>> PerfMapAgent::open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return systemError("opening the perf map " + path, errno);
  return std::unique_ptr<PerfMapAgent>(new PerfMapAgent(path, fd));
}

PerfMapAgent::~PerfMapAgent() { ::close(fd_); }

void PerfMapAgent::codeLoaded(std::span<const CodeSymbol> symbols) {
  std::string lines;
  for (const CodeSymbol& symbol : symbols) {
    if (symbol.size == 0) continue;
    char numbers[48];
    std::snprintf(numbers, sizeof numbers, "%" PRIxPTR " %zx ",
                  reinterpret_cast<uintptr_t>(symbol.code), symbol.size);
    lines += numbers;
    lines += symbol.name;
    lines += '\n';
  }
  if (lines.empty()) return;
  std::lock_guard<std::mutex> lock(mutex_);
  if (write_failed_) return;
  // One write per batch: with O_APPEND, whole lines land together even next to another writer.
  if (!writeAll(fd_, lines.data(), lines.size())) {
    write_failed_ = true;
    reportWriteFailure(path_, errno);
  }
}

// ---- jitdump ----

Result<std::unique_ptr<JitDumpAgent>> JitDumpAgent::open(const std::string& path) {
  // Read access too: mapping the file needs it.
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return systemError("creating the jitdump file " + path, errno);
  std::unique_ptr<JitDumpAgent> agent(new JitDumpAgent(path, fd));

  const JitDumpHeader header{.magic = kJitDumpMagic,
                             .version = kJitDumpVersion,
                             .total_size = sizeof(JitDumpHeader),
                             .elf_mach = EM_X86_64,
                             .pad1 = 0,
                             .pid = static_cast<uint32_t>(getpid()),
                             .timestamp = monotonicNanoseconds(),
                             .flags = 0};
  if (!writeAll(fd, &header, sizeof header))
    return systemError("writing the jitdump header to " + path, errno);

  // The marker: perf record sees this mapping of jit-PID.dump and perf inject --jit opens the
  // file by that name. It must stay mapped while perf records, so it lives as long as the agent.
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  void* marker = mmap(nullptr, page, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
  if (marker == MAP_FAILED) {
    std::fprintf(stderr,
                 "wisp: profiling: %s (is the directory on a noexec mount? set "
                 "WISP_JITDUMP_DIR); the file is still written, but perf inject --jit will not "
                 "find it by itself\n",
                 systemError("mapping " + path + " PROT_READ|PROT_EXEC", errno).message.c_str());
  } else {
    agent->marker_ = marker;
    agent->marker_size_ = page;
  }
  return agent;
}

JitDumpAgent::~JitDumpAgent() {
  if (marker_ != nullptr) munmap(marker_, marker_size_);
  ::close(fd_);
}

void JitDumpAgent::codeLoaded(std::span<const CodeSymbol> symbols) {
  const auto pid = static_cast<uint32_t>(getpid());
  const auto tid = static_cast<uint32_t>(gettid());
  std::lock_guard<std::mutex> lock(mutex_);
  if (write_failed_) return;
  // One buffer per batch, stamped under the lock so records stay in time order in the file.
  std::vector<uint8_t> buffer;
  const uint64_t timestamp = monotonicNanoseconds();
  for (const CodeSymbol& symbol : symbols) {
    const uint64_t total = sizeof(JitCodeLoad) + symbol.name.size() + 1 + symbol.size;
    if (symbol.size == 0 || total > UINT32_MAX) continue;
    const auto address = reinterpret_cast<uintptr_t>(symbol.code);
    const JitCodeLoad record{.id = kJitCodeLoad,
                             .total_size = static_cast<uint32_t>(total),
                             .timestamp = timestamp,
                             .pid = pid,
                             .tid = tid,
                             .vma = address,
                             .code_addr = address,
                             .code_size = symbol.size,
                             .code_index = next_code_index_++};
    const size_t at = buffer.size();
    buffer.resize(at + total);
    uint8_t* out = buffer.data() + at;
    std::memcpy(out, &record, sizeof record);
    out += sizeof record;
    std::memcpy(out, symbol.name.c_str(), symbol.name.size() + 1);
    out += symbol.name.size() + 1;
    std::memcpy(out, symbol.code, symbol.size);
  }
  if (buffer.empty()) return;
  if (!writeAll(fd_, buffer.data(), buffer.size())) {
    write_failed_ = true;
    reportWriteFailure(path_, errno);
  }
}

// ---- the process's agents ----

std::string jitDumpPath() {
  const char* dir = std::getenv("WISP_JITDUMP_DIR");
  std::string path = dir != nullptr && *dir != '\0' ? std::string(dir) + "/" : std::string();
  return path + "jit-" + std::to_string(getpid()) + ".dump";
}

ProfilingAgent* processPerfMapAgent() {
  static ProfilingAgent* const agent = openProcessAgent<PerfMapAgent>(
      "/tmp/perf-" + std::to_string(getpid()) + ".map", "perf map");
  return agent;
}

ProfilingAgent* processJitDumpAgent() {
  static ProfilingAgent* const agent = openProcessAgent<JitDumpAgent>(jitDumpPath(), "jitdump");
  return agent;
}

// ---- names ----

std::string symbolName(const wasm::Module& module, uint32_t function_index) {
  std::string name;
  if (!module.module_name.empty()) name = module.module_name + "::";
  const std::string_view function_name = module.functionName(function_index);
  if (function_name.empty()) name += "wasm[" + std::to_string(function_index) + "]";
  else name += function_name;
  for (char& c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  }
  return name;
}

std::vector<CodeSymbol> moduleSymbols(const wasm::Module& module, const CompiledCode& code) {
  std::vector<CodeSymbol> symbols;
  if (code.memory.size() == 0) return symbols;
  symbols.reserve(code.info.functions().size());
  for (const FunctionCode& f : code.info.functions()) {
    symbols.push_back({reinterpret_cast<const void*>(code.memory.begin() + f.code_begin),
                       f.code_end - f.code_begin, symbolName(module, f.function_index)});
  }
  return symbols;
}

}  // namespace wisp::runtime

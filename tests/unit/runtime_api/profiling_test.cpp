// Config::profiler: with PerfMap, every compiled function and trampoline appears in
// /tmp/perf-PID.map at its address, with its size and name; with JitDump, jit-PID.dump parses
// back (header, then JIT_CODE_LOAD records) to the same functions with their exact bytes. Also
// the names, writing from several engines at once, and the errors (a file that cannot be
// opened or written). perf itself is not needed.
//
// The agents are per process, like the files perf reads, so every test of this binary that
// profiles shares them: the checks look for their own functions by address and never assume a
// file holds nothing else.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "api/state.h"
#include "runtime/profiling.h"
#include "test_modules.h"
#include "wisp/wisp.h"

namespace wisp {
namespace {

std::string perfMapPath() { return "/tmp/perf-" + std::to_string(getpid()) + ".map"; }

// The directory the process's jitdump goes to: set (through WISP_JITDUMP_DIR) before the first
// JitDump engine of the process opens the file, and the same for every test.
const std::string& jitDumpDir() {
  static const std::string dir = [] {
    char dir_template[] = "/tmp/prof-jitdump-test-XXXXXX";
    const char* made = mkdtemp(dir_template);
    std::string path = made != nullptr ? made : "/tmp";
    setenv("WISP_JITDUMP_DIR", path.c_str(), 1);
    return path;
  }();
  return dir;
}

// Removes what the tests made, once the whole binary has run.
class ProfileFiles : public ::testing::Environment {
 public:
  void TearDown() override {
    std::remove(perfMapPath().c_str());
    const char* dir = std::getenv("WISP_JITDUMP_DIR");
    if (dir != nullptr && std::string(dir).rfind("/tmp/prof-jitdump-test-", 0) == 0) {
      std::remove(runtime::jitDumpPath().c_str());
      rmdir(dir);
    }
  }
};
[[maybe_unused]] ::testing::Environment* const kProfileFiles =
    ::testing::AddGlobalTestEnvironment(new ProfileFiles);

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The mappings of this process, from /proc/self/maps.
struct Mapping {
  uintptr_t begin = 0, end = 0;
  std::string permissions;
  std::string path;
};
std::vector<Mapping> processMappings() {
  std::vector<Mapping> mappings;
  std::istringstream lines(readFile("/proc/self/maps"));
  for (std::string line; std::getline(lines, line);) {
    Mapping m;
    char permissions[8] = {};
    unsigned long begin = 0, end = 0;
    int path_at = 0;
    if (std::sscanf(line.c_str(), "%lx-%lx %7s %*s %*s %*s %n", &begin, &end, permissions,
                    &path_at) < 3)
      continue;
    m.begin = begin;
    m.end = end;
    m.permissions = permissions;
    if (path_at > 0 && static_cast<size_t>(path_at) <= line.size()) m.path = line.substr(path_at);
    mappings.push_back(m);
  }
  return mappings;
}
bool isExecutable(uintptr_t begin, size_t size) {
  for (const Mapping& m : processMappings()) {
    if (begin >= m.begin && begin + size <= m.end)
      return m.permissions.find('x') != std::string::npos;
  }
  return false;
}

// What the engine knows about a module's code: the expected symbols.
struct ExpectedSymbol {
  uintptr_t address;
  size_t size;
  std::string name;
};
std::vector<ExpectedSymbol> expectedSymbols(const Module& module) {
  const runtime::CompiledModule& compiled = *detail::Access::compiled(module);
  std::vector<ExpectedSymbol> symbols;
  for (const runtime::FunctionCode& f : compiled.code->info.functions()) {
    symbols.push_back({compiled.code->memory.begin() + f.code_begin, f.code_end - f.code_begin,
                       runtime::symbolName(*compiled.module, f.function_index)});
  }
  return symbols;
}

// ---- perf map ----

struct PerfMapLine {
  uintptr_t start;
  size_t size;
  std::string name;
};

// Every line of the process's perf map, checked against perf's format: "START SIZE name",
// hex without 0x, the name the rest of the line.
std::vector<PerfMapLine> readPerfMap() {
  std::vector<PerfMapLine> lines;
  const std::string text = readFile(perfMapPath());
  EXPECT_TRUE(text.empty() || text.back() == '\n') << "the last line is cut short";
  static const std::regex kLine("([0-9a-f]+) ([0-9a-f]+) (.+)");
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::smatch match;
    if (!std::regex_match(line, match, kLine)) {
      ADD_FAILURE() << "not a perf map line: `" << line << "`";
      continue;
    }
    lines.push_back({static_cast<uintptr_t>(std::stoull(match[1], nullptr, 16)),
                     static_cast<size_t>(std::stoull(match[2], nullptr, 16)), match[3]});
  }
  return lines;
}

const PerfMapLine* findLine(const std::vector<PerfMapLine>& lines, const std::string& name) {
  // The last one: an address may have been used by code freed since.
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    if (it->name == name) return &*it;
  }
  return nullptr;
}

constexpr std::string_view kNamedModule = R"(
  (module $calc
    (import "env" "log" (func $log (param i32)))
    (func $add (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
    (func $square (export "square") (param i64) (result i64) (i64.mul (local.get 0) (local.get 0)))
    (func (export "unnamed") (param i32) (call $log (local.get 0))))
)";

Engine profilingEngine(ProfilingStrategy strategy) {
  if (strategy == ProfilingStrategy::JitDump) jitDumpDir();
  Config config;
  config.profiler = strategy;
  return Engine(config);
}

TEST(PerfMap, ListsEveryFunctionAtItsAddressWithItsSizeAndName) {
  Engine engine = profilingEngine(ProfilingStrategy::PerfMap);
  Result<Module> module = Module::compile(engine, test::watToWasm(kNamedModule));
  ASSERT_TRUE(module.ok()) << module.error().describe();
  const std::vector<ExpectedSymbol> expected = expectedSymbols(*module);
  ASSERT_EQ(expected.size(), 3u);
  // Named ones by their name section names with the module's name in front; the unnamed one
  // by its index in the function space, which counts the import.
  std::set<std::string> names;
  for (const ExpectedSymbol& e : expected) names.insert(e.name);
  EXPECT_EQ(names, (std::set<std::string>{"calc::add", "calc::square", "calc::wasm[3]"}));

  const runtime::CompiledModule& compiled = *detail::Access::compiled(*module);
  const std::vector<PerfMapLine> lines = readPerfMap();
  for (const ExpectedSymbol& e : expected) {
    const PerfMapLine* line = findLine(lines, e.name);
    ASSERT_NE(line, nullptr) << e.name << " is not in " << perfMapPath();
    EXPECT_EQ(line->start, e.address) << e.name;
    EXPECT_EQ(line->size, e.size) << e.name;
    EXPECT_GT(line->size, 0u);
    EXPECT_TRUE(compiled.code->memory.contains(line->start) &&
                line->start + line->size <= compiled.code->memory.end())
        << e.name << " is outside the module's code";
    EXPECT_TRUE(isExecutable(line->start, line->size)) << e.name << " is not executable";
  }
}

TEST(PerfMap, ListsTrampolinesByKindAndSignature) {
  Engine engine = profilingEngine(ProfilingStrategy::PerfMap);
  Store store(engine);
  Linker linker(engine);
  int32_t logged = 0;
  ASSERT_TRUE(linker.define("env", "log", *Func::wrap(store, [&logged](int32_t x) { logged = x; }))
                  .ok());
  Result<Module> module = Module::compile(engine, test::watToWasm(kNamedModule));
  ASSERT_TRUE(module.ok()) << module.error().describe();
  Result<Instance> instance = linker.instantiate(store, *module);
  ASSERT_TRUE(instance.ok()) << instance.error().describe();
  // A dynamic call (array-to-wasm), a typed call (native-to-wasm), and wasm calling a typed
  // host function (wasm-to-native-direct, made when the host function was; AArch64 has no
  // direct kind, whose exit needs the return address in memory: its wasm-to-native).
  ASSERT_TRUE(instance->getFunc("add")->call({Val(int32_t{1}), Val(int32_t{2})}).ok());
  auto square = instance->getFunc("square")->typed<int64_t(int64_t)>(store);
  ASSERT_TRUE(square.ok()) << square.error().describe();
  ASSERT_EQ(*square->call(12), 144);
  ASSERT_TRUE(instance->getFunc("unnamed")->call({Val(int32_t{7})}).ok());
  EXPECT_EQ(logged, 7);

  const std::vector<PerfMapLine> lines = readPerfMap();
  for (const char* name : {"trampoline[array-to-wasm (i32 i32) -> (i32)]",
                           "trampoline[native-to-wasm (i64) -> (i64)]",
#if defined(__aarch64__)
                           "trampoline[wasm-to-native (i32) -> ()]"}) {
#else
                           "trampoline[wasm-to-native-direct (i32) -> ()]"}) {
#endif
    const PerfMapLine* line = findLine(lines, name);
    ASSERT_NE(line, nullptr) << name << " is not in " << perfMapPath();
    EXPECT_GT(line->size, 0u) << name;
    EXPECT_TRUE(isExecutable(line->start, line->size)) << name << " is not executable";
    // The cache knows the code it made: the same entry and size.
    std::span<const uint8_t> code =
        detail::Access::engine(engine)->trampolines().codeOf(reinterpret_cast<void*>(line->start));
    EXPECT_EQ(code.size(), line->size) << name;
  }
}

TEST(PerfMap, UnnamedModuleHasNoPrefix) {
  Engine engine = profilingEngine(ProfilingStrategy::PerfMap);
  Result<Module> module = Module::compile(
      engine, test::watToWasm(R"((module (func $only_one (export "f") (result i32) (i32.const 1))
                                          (func (export "g"))))"));
  ASSERT_TRUE(module.ok()) << module.error().describe();
  const std::vector<ExpectedSymbol> expected = expectedSymbols(*module);
  ASSERT_EQ(expected.size(), 2u);
  const std::vector<PerfMapLine> lines = readPerfMap();
  for (const ExpectedSymbol& e : expected) {
    EXPECT_TRUE(e.name == "only_one" || e.name == "wasm[1]") << e.name;
    bool found = false;
    for (const PerfMapLine& line : lines)
      found = found || (line.start == e.address && line.size == e.size && line.name == e.name);
    EXPECT_TRUE(found) << e.name << " at " << std::hex << e.address << " is not in the map";
  }
}

// A module of `count` functions named $PREFIX_0 ... whose bodies differ in size.
std::string manyFunctions(const std::string& prefix, int count) {
  std::string wat = "(module\n";
  for (int i = 0; i < count; ++i) {
    wat += "  (func $" + prefix + "_" + std::to_string(i);
    wat += " (param i32) (result i32) (local.get 0)";
    for (int k = 0; k < i % 7; ++k) wat += " (i32.const " + std::to_string(k + 1) + ") i32.add";
    wat += ")\n";
  }
  return wat + ")";
}

// Several engines compiling at once (each module on several threads too) write whole lines,
// and every function of every module is there once, at its address.
TEST(PerfMap, EnginesCompilingAtOnceWriteWholeLines) {
  constexpr int kThreads = 4, kFunctions = 60;
  std::vector<std::vector<uint8_t>> binaries;
  for (int t = 0; t < kThreads; ++t)
    binaries.push_back(test::watToWasm(manyFunctions("t" + std::to_string(t), kFunctions)));
  std::vector<std::vector<ExpectedSymbol>> expected(kThreads);
  std::vector<std::optional<Module>> modules(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Engine engine = profilingEngine(ProfilingStrategy::PerfMap);
      Result<Module> module = Module::compile(engine, binaries[t]);
      if (!module.ok()) return;
      expected[t] = expectedSymbols(*module);
      modules[t] = *module;  // keeps the code (and its addresses) alive until the check
    });
  }
  for (std::thread& thread : threads) thread.join();

  const std::vector<PerfMapLine> lines = readPerfMap();  // fails on any mangled line
  std::map<std::string, std::vector<const PerfMapLine*>> by_name;
  for (const PerfMapLine& line : lines) by_name[line.name].push_back(&line);
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_TRUE(modules[t].has_value()) << "thread " << t << " did not compile its module";
    ASSERT_EQ(expected[t].size(), size_t{kFunctions});
    for (const ExpectedSymbol& e : expected[t]) {
      const auto same = std::count_if(by_name[e.name].begin(), by_name[e.name].end(),
                                      [&](const PerfMapLine* line) {
                                        return line->start == e.address && line->size == e.size;
                                      });
      EXPECT_EQ(same, 1) << e.name << " at " << std::hex << e.address;
    }
  }
}

// ---- jitdump ----

struct JitDumpHeader {
  uint32_t magic, version, total_size, elf_mach, pad1, pid;
  uint64_t timestamp, flags;
};
struct CodeLoad {
  uint64_t timestamp;
  uint32_t pid, tid;
  uint64_t vma, code_addr, code_size, code_index;
  std::string name;
  std::vector<uint8_t> code;
};

template <typename T>
T readAt(const std::string& bytes, size_t at) {
  T value;
  std::memcpy(&value, bytes.data() + at, sizeof value);
  return value;
}

// Parses the whole file, failing the test on anything perf's reader would reject.
std::vector<CodeLoad> readJitDump(JitDumpHeader* header_out = nullptr) {
  const std::string bytes = readFile(runtime::jitDumpPath());
  std::vector<CodeLoad> loads;
  if (bytes.size() < sizeof(JitDumpHeader)) {
    ADD_FAILURE() << runtime::jitDumpPath() << " is " << bytes.size() << " bytes: no header";
    return loads;
  }
  const auto header = readAt<JitDumpHeader>(bytes, 0);
  EXPECT_EQ(header.magic, 0x4A695444u);
  EXPECT_EQ(header.version, 1u);
  EXPECT_EQ(header.total_size, 40u);
  EXPECT_EQ(header.elf_mach, 62u);  // EM_X86_64
  EXPECT_EQ(header.pad1, 0u);
  EXPECT_EQ(header.pid, static_cast<uint32_t>(getpid()));
  EXPECT_EQ(header.flags, 0u);  // CLOCK_MONOTONIC timestamps, not the TSC
  EXPECT_GT(header.timestamp, 0u);
  if (header_out != nullptr) *header_out = header;

  uint64_t last_timestamp = header.timestamp;
  size_t at = header.total_size;
  while (at < bytes.size()) {
    if (bytes.size() - at < 16) {
      ADD_FAILURE() << "a record prefix cut short at " << at;
      break;
    }
    const auto id = readAt<uint32_t>(bytes, at);
    const auto total = readAt<uint32_t>(bytes, at + 4);
    if (total < 16 || total > bytes.size() - at) {
      ADD_FAILURE() << "record at " << at << " claims " << total << " bytes";
      break;
    }
    EXPECT_EQ(id, 0u) << "only JIT_CODE_LOAD records are written";
    if (id == 0) {
      CodeLoad load;
      load.timestamp = readAt<uint64_t>(bytes, at + 8);
      load.pid = readAt<uint32_t>(bytes, at + 16);
      load.tid = readAt<uint32_t>(bytes, at + 20);
      load.vma = readAt<uint64_t>(bytes, at + 24);
      load.code_addr = readAt<uint64_t>(bytes, at + 32);
      load.code_size = readAt<uint64_t>(bytes, at + 40);
      load.code_index = readAt<uint64_t>(bytes, at + 48);
      const size_t name_at = at + 56;
      const size_t nul = bytes.find('\0', name_at);
      EXPECT_TRUE(nul != std::string::npos && nul < at + total) << "name without its NUL";
      if (nul == std::string::npos || nul >= at + total) break;
      load.name = bytes.substr(name_at, nul - name_at);
      EXPECT_EQ(56 + load.name.size() + 1 + load.code_size, total) << load.name;
      load.code.assign(bytes.begin() + nul + 1, bytes.begin() + at + total);
      EXPECT_GE(load.timestamp, last_timestamp) << "records out of time order: " << load.name;
      last_timestamp = load.timestamp;
      loads.push_back(std::move(load));
    }
    at += total;
  }
  // Every record a code index of its own, counting up.
  for (size_t i = 1; i < loads.size(); ++i)
    EXPECT_GT(loads[i].code_index, loads[i - 1].code_index);
  return loads;
}

const CodeLoad* findLoad(const std::vector<CodeLoad>& loads, const std::string& name) {
  for (auto it = loads.rbegin(); it != loads.rend(); ++it) {
    if (it->name == name) return &*it;
  }
  return nullptr;
}

TEST(JitDump, RecordsEveryFunctionWithItsBytes) {
  Engine engine = profilingEngine(ProfilingStrategy::JitDump);
  Store store(engine);
  Result<Module> module = Module::compile(engine, test::watToWasm(kNamedModule));
  ASSERT_TRUE(module.ok()) << module.error().describe();
  Result<Func> log = Func::wrap(store, [](int32_t) {});
  const Extern imports[] = {*log};
  Result<Instance> instance = Instance::create(store, *module, imports);
  ASSERT_TRUE(instance.ok()) << instance.error().describe();
  ASSERT_TRUE(instance->getFunc("add")->call({Val(int32_t{1}), Val(int32_t{2})}).ok());

  JitDumpHeader header{};
  const std::vector<CodeLoad> loads = readJitDump(&header);
  const std::vector<ExpectedSymbol> expected = expectedSymbols(*module);
  ASSERT_EQ(expected.size(), 3u);
  for (const ExpectedSymbol& e : expected) {
    const CodeLoad* load = findLoad(loads, e.name);
    ASSERT_NE(load, nullptr) << e.name << " is not in " << runtime::jitDumpPath();
    EXPECT_EQ(load->code_addr, e.address) << e.name;
    EXPECT_EQ(load->vma, e.address) << e.name;
    EXPECT_EQ(load->code_size, e.size) << e.name;
    EXPECT_EQ(load->pid, header.pid);
    EXPECT_NE(load->tid, 0u);
    ASSERT_EQ(load->code.size(), e.size);
    EXPECT_EQ(std::memcmp(load->code.data(), reinterpret_cast<const void*>(e.address), e.size), 0)
        << "the recorded bytes of " << e.name << " differ from the code in memory";
  }
  const CodeLoad* trampoline = findLoad(loads, "trampoline[array-to-wasm (i32 i32) -> (i32)]");
  ASSERT_NE(trampoline, nullptr);
  EXPECT_EQ(std::memcmp(trampoline->code.data(),
                        reinterpret_cast<const void*>(trampoline->code_addr), trampoline->code_size),
            0);
  EXPECT_TRUE(isExecutable(trampoline->code_addr, trampoline->code_size));
}

// perf record learns of the file from a PROT_EXEC mapping of it; perf inject --jit goes by it.
TEST(JitDump, FileIsMappedExecutable) {
  Engine engine = profilingEngine(ProfilingStrategy::JitDump);
  char resolved[PATH_MAX];
  ASSERT_NE(realpath(runtime::jitDumpPath().c_str(), resolved), nullptr) << runtime::jitDumpPath();
  bool mapped = false;
  for (const Mapping& m : processMappings()) {
    if (m.path == resolved) {
      mapped = true;
      EXPECT_EQ(m.permissions, "r-xp") << m.path;
    }
  }
  EXPECT_TRUE(mapped) << resolved << " is not mapped";
}

TEST(JitDump, EnginesCompilingAtOnceWriteWholeRecords) {
  constexpr int kThreads = 4, kFunctions = 40;
  std::vector<std::vector<uint8_t>> binaries;
  for (int t = 0; t < kThreads; ++t)
    binaries.push_back(test::watToWasm(manyFunctions("jd" + std::to_string(t), kFunctions)));
  std::vector<std::vector<ExpectedSymbol>> expected(kThreads);
  std::vector<std::optional<Module>> modules(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Engine engine = profilingEngine(ProfilingStrategy::JitDump);
      Result<Module> module = Module::compile(engine, binaries[t]);
      if (!module.ok()) return;
      expected[t] = expectedSymbols(*module);
      modules[t] = *module;
    });
  }
  for (std::thread& thread : threads) thread.join();

  const std::vector<CodeLoad> loads = readJitDump();
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_TRUE(modules[t].has_value()) << "thread " << t << " did not compile its module";
    for (const ExpectedSymbol& e : expected[t]) {
      const CodeLoad* load = findLoad(loads, e.name);
      ASSERT_NE(load, nullptr) << e.name;
      EXPECT_EQ(load->code_addr, e.address) << e.name;
      ASSERT_EQ(load->code.size(), e.size) << e.name;
      EXPECT_EQ(std::memcmp(load->code.data(), reinterpret_cast<const void*>(e.address), e.size), 0)
          << e.name;
    }
  }
}

// ---- names ----

TEST(ProfilingNames, NameSectionNameOrIndexWithTheModuleName) {
  wasm::Module module;
  module.function_names.add(0, "first");
  module.function_names.add(2, "line\nbreak\ttab\x7f");
  EXPECT_EQ(runtime::symbolName(module, 0), "first");
  EXPECT_EQ(runtime::symbolName(module, 1), "wasm[1]");
  // A name section may hold any text; a newline would split a perf map line.
  EXPECT_EQ(runtime::symbolName(module, 2), "line?break?tab?");
  module.module_name = "mod";
  EXPECT_EQ(runtime::symbolName(module, 0), "mod::first");
  EXPECT_EQ(runtime::symbolName(module, 1), "mod::wasm[1]");
  module.module_name = "bad\nmodule";
  EXPECT_EQ(runtime::symbolName(module, 1), "bad?module::wasm[1]");
}

// ---- errors ----

TEST(ProfilingErrors, FilesThatCannotBeOpenedAreErrorsThatSayWhich) {
  auto perf_map = runtime::PerfMapAgent::open("/nonexistent-prof-dir/perf-1.map");
  ASSERT_FALSE(perf_map.ok());
  EXPECT_NE(perf_map.error().message.find("/nonexistent-prof-dir/perf-1.map"), std::string::npos)
      << perf_map.error().message;
  EXPECT_NE(perf_map.error().message.find("No such file or directory"), std::string::npos)
      << perf_map.error().message;

  auto jit_dump = runtime::JitDumpAgent::open("/nonexistent-prof-dir/jit-1.dump");
  ASSERT_FALSE(jit_dump.ok());
  EXPECT_NE(jit_dump.error().message.find("/nonexistent-prof-dir/jit-1.dump"), std::string::npos)
      << jit_dump.error().message;
}

// /dev/full takes the open and refuses every write (ENOSPC).
TEST(ProfilingErrors, AJitDumpWhoseHeaderCannotBeWrittenIsAnError) {
  auto jit_dump = runtime::JitDumpAgent::open("/dev/full");
  ASSERT_FALSE(jit_dump.ok());
  EXPECT_NE(jit_dump.error().message.find("No space left on device"), std::string::npos)
      << jit_dump.error().message;
}

TEST(ProfilingErrors, AFailedWriteIsReportedOnceAndNothingElseHappens) {
  auto perf_map = runtime::PerfMapAgent::open("/dev/full");
  ASSERT_TRUE(perf_map.ok()) << perf_map.error().message;
  const uint8_t code[4] = {0xc3, 0, 0, 0};
  const runtime::CodeSymbol symbol{code, sizeof code, "f"};
  ::testing::internal::CaptureStderr();
  (*perf_map)->codeLoaded({&symbol, 1});
  (*perf_map)->codeLoaded({&symbol, 1});
  const std::string stderr_text = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(stderr_text.find("wisp: profiling: writing /dev/full failed: No space left on device"),
            std::string::npos)
      << stderr_text;
  EXPECT_EQ(stderr_text.find("wisp: profiling:"), stderr_text.rfind("wisp: profiling:"))
      << "reported more than once:\n" << stderr_text;
}

}  // namespace
}  // namespace wisp

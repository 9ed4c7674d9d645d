// The Engine: configuration plus what all stores and modules of it share (canonical signature
// ids, trampolines). Cheap to copy: copies share the same engine.
#pragma once

#include <memory>

#include "wisp/forward.h"
#include "wisp/result.h"

namespace wisp {

enum class BoundsChecks : uint8_t {
  // Reserve address space for the largest memory plus a guard region; out-of-bounds accesses
  // fault on a guard page, so compiled code checks nothing. The default.
  GuardRegion,
  // Map only the accessible bytes and check every access: for hosts that cannot reserve
  // address space.
  Explicit,
};

// Which WebAssembly features modules may use. The default is what Wisp compiles of
// WebAssembly 3.0: 2.0 (SIMD included) with relaxed SIMD (deterministic: each relaxed
// instruction as its strict counterpart), tail calls, extended constants, multiple memories and
// 64-bit memories (each access checked) and exception handling (the legacy try/catch and 3.0's
// try_table; zero cost until something throws). Threads stay off until Wisp compiles them.
struct Features {
  bool simd = true;
  bool relaxed_simd = true;
  bool tail_call = true;
  bool extended_const = true;
  bool multi_memory = true;
  bool memory64 = true;
  bool threads = false;
  bool exceptions = true;
};

// Optional x86-64 instructions compiled code may use. The engine uses those that are both
// allowed here and reported by the CPU, asked once when the engine is created; without one,
// code takes a slower path that every x86-64 CPU runs and that computes the same results.
// Turning them off tests those paths on a CPU that has everything (CpuFeatures::baseline()).
struct CpuFeatures {
  bool popcnt = true;  // POPCNT: popcnt
  bool lzcnt = true;   // LZCNT: clz
  bool bmi1 = true;    // BMI1 (TZCNT): ctz
  bool sse41 = true;   // SSE4.1 (ROUNDSS/ROUNDSD): ceil, floor, trunc, nearest
  bool avx = true;     // AVX: three-operand float arithmetic

  // Only what every x86-64 CPU has (SSE2).
  static constexpr CpuFeatures baseline() { return {false, false, false, false, false}; }
  // SSE4.1 and POPCNT, no AVX: the least that compiles SIMD (the SSE forms of its code).
  static constexpr CpuFeatures sse41Level() { return {true, false, false, true, false}; }
  bool operator==(const CpuFeatures&) const = default;
};

// How compiled code is made known to a profiler (Linux perf), as Wasmtime's
// Config::profiler. Every function of every module the engine compiles, and every trampoline
// it makes, is reported once it is in its final executable memory; names come from the name
// section (`MODULE::NAME`, or `wasm[N]` for a function without a name). The files are per
// process, shared by all engines that ask for the same strategy. A file that cannot be
// written is reported once on stderr and profiling goes on without it; compilation never
// fails because of it. See docs/profiling.md.
enum class ProfilingStrategy : uint8_t {
  None,     // the default
  // Appends "START SIZE NAME" lines to /tmp/perf-PID.map, which perf report reads.
  PerfMap,
  // Writes jit-PID.dump (in $WISP_JITDUMP_DIR, else the current directory) in perf's jitdump
  // format, code bytes included, for `perf record -k mono` then `perf inject --jit`.
  JitDump,
};

// How instances get their linear memories and instance blocks, as Wasmtime's
// InstanceAllocationStrategy. Either way, freed memories are reset (their pages dropped, so
// they read as zero or as the module's data again) and their address space is reused.
enum class InstanceAllocation : uint8_t {
  // Mapped when needed; a few freed ones are kept for the next instance. The default.
  OnDemand,
  // Address space for `PoolingLimits::total_memories` memories reserved once (at the first
  // memory), and at most `total_instances` instances alive at once in all the engine's
  // stores; past a limit, instantiation fails with a Resource error. For hosts that
  // instantiate per request: with an InstancePre, about a microsecond an instance.
  Pooling,
};

struct PoolingLimits {
  uint32_t total_instances = 1000;
  uint32_t total_memories = 1000;     // each reserves 8 GiB of address space (none of memory)
  uint32_t max_memory_pages = 16384;  // per memory, 1 GiB; memory.grow past it returns -1
  // Tables' elements come from `total_tables` slots of `max_table_elements` each (160 KB of
  // address space a slot at the default); a bigger table fails to instantiate, table.grow past
  // it returns -1.
  uint32_t total_tables = 1000;
  uint32_t max_table_elements = 20000;
};

struct Config {
  BoundsChecks bounds_checks = BoundsChecks::GuardRegion;
  CpuFeatures cpu_features;  // allowed; Engine::cpuFeatures() says which are in use
  Features features;
  // Threads that compile a module's functions; 0: one per hardware thread.
  uint32_t compile_threads = 0;
  ProfilingStrategy profiler = ProfilingStrategy::None;
  // Fuel metering, as Wasmtime's Config::consume_fuel: each instruction costs one unit of the
  // store's fuel (Store::setFuel), except nop, block, loop, else and end, which cost nothing.
  // Compiled code charges a straight-line run of instructions as it begins and checks at
  // function entries and loop headers: a call that has used more than it was given traps
  // there with TrapKind::OutOfFuel ("all fuel consumed"). Changes the code (a few percent).
  bool consume_fuel = false;
  // Epoch interruption, as Wasmtime's Config::epoch_interruption: compiled code compares the
  // engine's epoch (Engine::incrementEpoch, from any thread) with the store's deadline
  // (Store::setEpochDeadline) at function entries and loop headers; once reached, the store's
  // callback may set a later deadline, else the call traps with TrapKind::Interrupted
  // ("interrupt"). The cheaper way to bound time. Changes the code.
  bool epoch_interruption = false;
  InstanceAllocation allocation = InstanceAllocation::OnDemand;
  PoolingLimits pooling;  // for InstanceAllocation::Pooling
};

class Engine {
 public:
  // An engine for `config`, or why this machine cannot run one: the CPU lacks what an enabled
  // feature needs (WebAssembly SIMD, on by default, needs SSE4.1 with the SSSE3 below it, which
  // every x86-64 CPU since 2008 has: turn Features::simd off to run scalar modules on an older
  // one), or the signal handlers that catch traps could not be installed. A lower
  // Config::cpu_features level asked for on purpose (to test the fallback paths) is no error:
  // SIMD modules then fail to compile, naming why.
  static Result<Engine> create(Config config = {});
  // The same engine without those checks: on such a CPU a module that uses SIMD fails to
  // compile instead, and a trap handler failure shows at the first call into wasm.
  explicit Engine(Config config = {});

  const Config& config() const;
  // The CPU features compiled code uses: the configuration's, less those the CPU lacks.
  CpuFeatures cpuFeatures() const;

  // Advances the epoch by one, from any thread (a timer's, typically): code running in any of
  // the engine's stores whose deadline this reaches stops at its next check.
  void incrementEpoch();
  uint64_t epoch() const;

 private:
  friend struct detail::Access;
  explicit Engine(std::shared_ptr<detail::EngineState> state) : state_(std::move(state)) {}
  std::shared_ptr<detail::EngineState> state_;
};

}  // namespace wisp

// Times V8 compiling a module, for bench/run's compile-throughput comparison:
//
//   node --liftoff --no-wasm-tier-up --no-wasm-dynamic-tiering --single-threaded \
//        --no-wasm-lazy-compilation bench/node_compile.mjs FILE.wasm
//
// Prints one JSON line: the wall-clock seconds of `new WebAssembly.Module(bytes)` (synchronous;
// eager with --no-wasm-lazy-compilation; on the main thread only with --single-threaded) and the
// process CPU seconds over the same span. One compilation per process: V8 keeps a cache of
// native modules keyed by their bytes, so a second compile of the same bytes in one process
// could be a cache hit; bench/run starts a fresh node for each run instead.
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node [flags] node_compile.mjs FILE.wasm\n');
  process.exit(2);
}
const bytes = readFileSync(file);
const cpuStart = process.cpuUsage();
const start = process.hrtime.bigint();
const module = new WebAssembly.Module(bytes);
const end = process.hrtime.bigint();
const cpu = process.cpuUsage(cpuStart);
if (!(module instanceof WebAssembly.Module)) process.exit(1);
process.stdout.write(JSON.stringify({
  seconds: Number(end - start) / 1e9,
  cpu_seconds: (cpu.user + cpu.system) / 1e6,
}) + '\n');

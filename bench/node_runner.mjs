// Runs a WASI command (wasm32-wasi, preview1) under node, for bench/run:
//
//   node [V8 flags] bench/node_runner.mjs FILE.wasm [ARGS...]
//
// The V8 flags choose the tier (bench/run passes them: Liftoff only or TurboFan only). Node 20
// ships node:wasi without --experimental-wasi-unstable-preview1; it still prints an
// ExperimentalWarning, which bench/run silences with --no-warnings.
//
// Besides the program's own output, writes one line to stderr:
//   node_runner: compile_seconds: S instantiate_seconds: S
// (compile is `new WebAssembly.Module`, synchronous; with --no-wasm-lazy-compilation it
// compiles every function before the program starts). Exits with the program's exit code.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { WASI } from 'node:wasi';

const [file, ...args] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node [flags] node_runner.mjs FILE.wasm [ARGS...]\n');
  process.exit(2);
}

const bytes = readFileSync(file);
const wasi = new WASI({ version: 'preview1', args: [basename(file), ...args], env: {}, preopens: {},
                        returnOnExit: true });
const compileStart = process.hrtime.bigint();
const module = new WebAssembly.Module(bytes);
const compileEnd = process.hrtime.bigint();
const instance = new WebAssembly.Instance(module, wasi.getImportObject());
const instantiateEnd = process.hrtime.bigint();
const seconds = (nanoseconds) => (Number(nanoseconds) / 1e9).toFixed(6);
process.stderr.write(`node_runner: compile_seconds: ${seconds(compileEnd - compileStart)} ` +
                     `instantiate_seconds: ${seconds(instantiateEnd - compileEnd)}\n`);
process.exitCode = wasi.start(instance);

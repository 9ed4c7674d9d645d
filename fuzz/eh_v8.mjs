// The V8 side of fuzz/eh_diff.py (differential fuzzing of Wisp's exception handling):
//
//   node fuzz/eh_v8.mjs CALLS.json
//
// CALLS.json is {"wasm": PATH, "calls": [{"name", "params": [TYPE...], "results": [TYPE...],
// "args": [TEXT...]}...]}. Every call gets a fresh instance of the module (as `wisp run` does, one
// process per call), so memory starts zeroed each time. One line is printed per call, in the
// canonical form eh_diff.py also makes of Wisp's output:
//
//   i32:0x0000002a i64:0xfffffffffffffffe f32:0x3fc00000 f64:nan    the results, by type and bits
//   (empty line)                                                      no results
//   uncaught exception                                                a WebAssembly.Exception
//   trap                                                              a WebAssembly.RuntimeError
//                                                                     (or a stack overflow)
//   error: MESSAGE                                                    anything else
//
// NaN bits may legally differ between engines, so every NaN prints as "nan".
import fs from 'node:fs';

const out = (text) => fs.writeSync(1, text);

const f32 = new Float32Array(1), f32u = new Uint32Array(f32.buffer);
const f64 = new Float64Array(1), f64u = new BigUint64Array(f64.buffer);
const hex = (value, digits) => '0x' + value.toString(16).padStart(digits, '0');

function canonical(type, value) {
  switch (type) {
    case 'i32': return 'i32:' + hex(value >>> 0, 8);
    case 'i64': return 'i64:' + hex(BigInt.asUintN(64, value), 16);
    case 'f32':
      if (Number.isNaN(value)) return 'f32:nan';
      f32[0] = value;
      return 'f32:' + hex(f32u[0], 8);
    case 'f64':
      if (Number.isNaN(value)) return 'f64:nan';
      f64[0] = value;
      return 'f64:' + hex(f64u[0], 16);
    default: return type + ':?';
  }
}

function argument(type, text) {
  switch (type) {
    case 'i32': return Number(BigInt.asIntN(32, BigInt(text)));
    case 'i64': return BigInt.asIntN(64, BigInt(text));
    default: return Number(text);
  }
}

const spec = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
let module;
try {
  module = new WebAssembly.Module(fs.readFileSync(spec.wasm));
} catch (error) {
  for (const _ of spec.calls) out(`error: compile: ${error.message}\n`);
  process.exit(0);
}
for (const call of spec.calls) {
  let line;
  try {
    const instance = new WebAssembly.Instance(module, {});
    const args = call.params.map((type, index) => argument(type, call.args[index]));
    let result = instance.exports[call.name](...args);
    if (call.results.length === 0) result = [];
    else if (call.results.length === 1) result = [result];
    line = call.results.map((type, index) => canonical(type, result[index])).join(' ');
  } catch (error) {
    if (error instanceof WebAssembly.Exception) line = 'uncaught exception';
    else if (error instanceof WebAssembly.RuntimeError) line = 'trap';
    else if (error instanceof RangeError && /call stack/.test(error.message)) line = 'trap';
    else line = `error: ${error?.constructor?.name}: ${error?.message}`;
  }
  out(line + '\n');
}

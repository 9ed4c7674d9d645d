// The V8 oracle of fuzz/diff.sh: runs modules made by `wasm-opt -ttf` in node's WebAssembly
// the way wisp-fuzz-exec and `wasm-opt --fuzz-exec-before` do, and prints the same events:
//
//   node fuzz/v8_exec.mjs [--batch] FILE.wasm...
//
// Exported functions are called in export order with zero arguments, `hangLimitInitializer`
// before each; an i64 is logged as its low and high halves. JS cannot see a NaN's payload, so
// every NaN prints as "nan". The exports' signatures come from the module's own type, import,
// function and export sections (JS has no reflection for them), so that i64 parameters get
// BigInt zeros and float results print as floats.
import fs from 'node:fs';

const out = (text) => fs.writeSync(1, text);  // synchronous: a hang or crash loses nothing

// --- a minimal reader of the sections that give the exported functions' types -------------
function readModuleSignatures(bytes) {
  let pos = 8;
  const u32 = () => {
    let result = 0, shift = 0, byte;
    do {
      byte = bytes[pos++];
      result += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return result;
  };
  const name = () => {
    const length = u32();
    const text = new TextDecoder().decode(bytes.subarray(pos, pos + length));
    pos += length;
    return text;
  };
  const limits = () => { const flags = bytes[pos++]; u32(); if (flags & 1) u32(); };
  const valTypeNames = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128',
                         0x70: 'funcref', 0x6f: 'externref' };
  const valType = () => valTypeNames[bytes[pos++]] ?? 'unknown';
  const types = [];
  const funcTypeIndices = [];  // imported functions first, as in the index space
  const exports = [];
  while (pos < bytes.length) {
    const id = bytes[pos++];
    const size = u32();
    const end = pos + size;
    if (id === 1) {
      for (let count = u32(); count > 0; --count) {
        pos++;  // 0x60
        const params = []; for (let n = u32(); n > 0; --n) params.push(valType());
        const results = []; for (let n = u32(); n > 0; --n) results.push(valType());
        types.push({ params, results });
      }
    } else if (id === 2) {
      for (let count = u32(); count > 0; --count) {
        name(); name();
        const kind = bytes[pos++];
        if (kind === 0) funcTypeIndices.push(u32());
        else if (kind === 1) { pos++; limits(); }
        else if (kind === 2) limits();
        else if (kind === 3) pos += 2;
      }
    } else if (id === 3) {
      for (let count = u32(); count > 0; --count) funcTypeIndices.push(u32());
    } else if (id === 7) {
      for (let count = u32(); count > 0; --count) {
        const exportName = name();
        const kind = bytes[pos++];
        const index = u32();
        if (kind === 0) exports.push({ name: exportName, funcIndex: index });
      }
    }
    pos = end;
  }
  return exports.map((e) => ({ name: e.name, type: types[funcTypeIndices[e.funcIndex]] }));
}

// --- values in binaryen's format ----------------------------------------------------------
function formatFloat(x) {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  if (Object.is(x, -0)) return '-0';
  // Integers print exactly; anything else in the shortest form that reads back the same.
  if (Number.isInteger(x) && Math.abs(x) < 2 ** 53) return String(x);
  return x.toExponential();
}

function formatValue(x, type) {
  switch (type) {
    case 'i32': return String(x | 0);
    case 'i64': return BigInt.asIntN(64, x).toString();
    case 'f32': case 'f64': return formatFloat(x);
    default: return type;  // references: binaryen prints only the type
  }
}

function formatLogged(x, type) {
  if (type !== 'i64') return formatValue(x, type);
  return `${BigInt.asIntN(32, x)} ${BigInt.asIntN(32, x >> 32n)}`;
}

function zeroOf(type) {
  if (type === 'i64') return 0n;
  if (type === 'funcref' || type === 'externref') return null;
  return 0;
}

function isTrap(error) {
  // RangeError: V8's stack overflow ("Maximum call stack size exceeded").
  return error instanceof WebAssembly.RuntimeError || error instanceof RangeError;
}

function makeImports(module) {
  const imports = {};
  for (const item of WebAssembly.Module.imports(module)) {
    if (item.module !== 'fuzzing-support' || !item.name.startsWith('log-') || item.kind !== 'function')
      throw new Error(`v8_exec.mjs provides no import ${item.module}.${item.name} (${item.kind})`);
    const type = item.name.slice(4);  // log-i32, log-i64, log-f32, log-f64
    (imports[item.module] ??= {})[item.name] = (...args) => {
      out(`[LoggingExternalInterface logging ${args.map((a) => formatLogged(a, type)).join(' ')}]\n`);
    };
  }
  return imports;
}

function runModule(path) {
  const bytes = fs.readFileSync(path);
  let module, imports, instance;
  try {
    module = new WebAssembly.Module(bytes);
    imports = makeImports(module);
  } catch (error) {
    out(`[v8 error] compile: ${error.message}\n`);
    return;
  }
  try {
    instance = new WebAssembly.Instance(module, imports);
  } catch (error) {
    out(isTrap(error) ? `[trap ${error.message}]\n` : `[v8 error] instantiate: ${error.message}\n`);
    return;
  }
  const hangLimitInitializer = instance.exports.hangLimitInitializer;
  for (const { name, type } of readModuleSignatures(bytes)) {
    out(`[fuzz-exec] calling ${name}\n`);
    try {
      if (hangLimitInitializer) hangLimitInitializer();
      let results = instance.exports[name](...type.params.map(zeroOf));
      if (type.results.length === 0) continue;
      if (type.results.length === 1) results = [results];
      const text = results.map((value, i) => formatValue(value, type.results[i]));
      out(`[fuzz-exec] note result: ${name} => ${text.length === 1 ? text[0] : `(${text.join(', ')})`}\n`);
    } catch (error) {
      out(isTrap(error) ? `[trap ${error.message}]\n` : `[v8 error] call ${name}: ${error.message}\n`);
    }
  }
}

const args = process.argv.slice(2);
const batch = args.includes('--batch');
const files = args.filter((a) => a !== '--batch');
if (files.length === 0 || files.some((f) => f.startsWith('-'))) {
  process.stderr.write('usage: node v8_exec.mjs [--batch] FILE.wasm...\n');
  process.exit(2);
}
for (const path of files) {
  if (batch) out(`### module ${path}\n`);
  try {
    runModule(path);
  } catch (error) {
    out(`[v8 error] ${error.message}\n`);
  }
  if (batch) out(`### end ${path}\n`);
}

#!/usr/bin/env python3
"""Differential fuzzing of Wisp against binaryen's interpreter and V8 (docs/fuzzing.md).

Each module is made from random bytes by binaryen (`wasm-opt -ttf`, WebAssembly 2.0 features
less SIMD and reference types), which also runs it in its interpreter (`--fuzz-exec-before`)
in the same process; then wisp-fuzz-exec (guard regions and explicit bounds checks) and
v8_exec.mjs run it, many modules per process. The events they print (calls, logged values,
results, traps) must agree. Every divergence is saved under the findings folder with its
module and all outputs, and classified:

  wisp          Wisp differs from binaryen and V8, which agree (or from both of them), or
                Wisp's two bounds-check modes differ, or the harness crashed or hung
  nan           goes away when binaryen's --denan pass makes the module NaN-free: NaN bits,
                which the spec leaves nondeterministic, reached an integer or memory
  oracle        Wisp agrees with one oracle and the oracles disagree with each other

Only `wisp` divergences are unexplained: they fail the run (exit 1) and count as failed in the
closing `N passed, M failed`; `nan` and `oracle` ones are saved and counted, and pass.

Usage: fuzz/diff.sh [--count N] [--seed S] [--jobs J] [--keep-going] [options]
"""

import argparse
import os
import random
import re
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SKIP_EXIT_CODE = 77  # CTest's SKIP_RETURN_CODE for fuzz/diff-smoke

# What Wisp compiles: WebAssembly 2.0 without SIMD. Reference types are off by default: binaryen
# 108 models them before the final proposal (externref as a supertype of funcref, non-nullable
# locals), and most modules it makes with them do not validate in a spec engine.
FEATURES = ["--mvp-features", "--enable-sign-ext", "--enable-mutable-globals",
            "--enable-nontrapping-float-to-int", "--enable-bulk-memory", "--enable-multivalue"]

ENGINES = ("wisp-guard", "wisp-explicit", "v8")


# --- running programs with a wall-clock limit per module -----------------------------------

def run_with_timeout(cmd, timeout):
    """Runs cmd; returns (exit code or None on timeout, stdout text)."""
    try:
        done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=timeout, start_new_session=True)
        return done.returncode, done.stdout.decode("utf-8", "replace")
    except subprocess.TimeoutExpired as expired:
        return None, (expired.stdout or b"").decode("utf-8", "replace")


def run_batch(cmd, files, timeout):
    """Runs `cmd FILES...` (a program with --batch framing) so that every module gets at most
    `timeout` seconds; a crash or a hang is pinned on the module whose frame is open, and the
    rest of the batch is run again in a new process. Returns {file: (status, output)} with
    status "ok", "timeout" or "crash: ...". """
    results = {}
    pending = list(files)
    while pending:
        process = subprocess.Popen(cmd + pending, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, start_new_session=True)
        selector = selectors.DefaultSelector()
        selector.register(process.stdout, selectors.EVENT_READ)
        buffer = b""
        current, lines = None, []
        deadline = time.monotonic() + timeout
        timed_out = False
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                timed_out = True
                break
            if not selector.select(remaining):
                continue
            chunk = os.read(process.stdout.fileno(), 1 << 16)
            if not chunk:
                break
            buffer += chunk
            *complete, buffer = buffer.split(b"\n")
            for raw in complete:
                line = raw.decode("utf-8", "replace")
                if line.startswith("### module "):
                    current, lines = line[len("### module "):], []
                    deadline = time.monotonic() + timeout
                elif line.startswith("### end ") and current is not None:
                    results[current] = ("ok", "\n".join(lines) + ("\n" if lines else ""))
                    current = None
                else:
                    lines.append(line)
        if timed_out:
            os.killpg(process.pid, signal.SIGKILL)
        process.stdout.close()
        stderr = process.stderr.read().decode("utf-8", "replace")
        process.stderr.close()
        code = process.wait()
        selector.close()
        done_count = sum(1 for f in pending if f in results)
        if current is None and done_count < len(pending):
            # Died before it opened the next module's frame (e.g. at start-up).
            current = next(f for f in pending if f not in results)
        if current is not None:
            if timed_out:
                status = "timeout"
            elif code < 0:
                status = f"crash: signal {signal.Signals(-code).name}"
            else:
                status = f"crash: exit status {code}"
            text = "\n".join(lines) + ("\n" if lines else "")
            if stderr.strip():
                text += "[stderr] " + stderr.strip().replace("\n", "\n[stderr] ") + "\n"
            results[current] = (status, text)
        pending = [f for f in pending if f not in results]
    return results


# --- parsing and comparing the events ------------------------------------------------------

EVENT_PREFIXES = ("[fuzz-exec] calling ", "[fuzz-exec] note result: ",
                  "[LoggingExternalInterface logging", "[trap ", "[wisp error]", "[v8 error]")


def events_of(output):
    """The observable events of one module's output, as (kind, text) pairs; binaryen's
    warnings and anything else that no engine prints as an event are left out."""
    events = []
    for line in output.splitlines():
        if line.startswith("[fuzz-exec] calling "):
            events.append(("call", line[len("[fuzz-exec] calling "):]))
        elif line.startswith("[fuzz-exec] note result: "):
            name, _, values = line[len("[fuzz-exec] note result: "):].partition(" => ")
            events.append(("result", name + " => " + values))
        elif line.startswith("[LoggingExternalInterface logging"):
            events.append(("log", line[len("[LoggingExternalInterface logging"):-1].strip()))
        elif line.startswith("[trap "):
            events.append(("trap", line[len("[trap "):-1]))
        elif line.startswith(("[wisp error]", "[v8 error]")):
            events.append(("error", line))
    return events


def value_tokens(text):
    text = text.strip()
    if text.startswith("(") and text.endswith(")"):
        text = text[1:-1]
    return [t for t in re.split(r"[ ,]+", text) if t]


INTEGER = re.compile(r"^-?\d+$")


def parse_float(token):
    lowered = token.lower()
    if lowered in ("inf", "infinity", "+inf"):
        return float("inf")
    if lowered in ("-inf", "-infinity"):
        return float("-inf")
    return float(token)


def same_value(a, b):
    """Tokens as the engines print them. Integers compare exactly; a float printed one way
    by one engine and another way by another (binaryen prints some doubles as integers,
    others in JS style) compares as the same double, signed zeros apart; any two NaNs are
    equal (the spec leaves their bits nondeterministic in most places); references compare
    by kind only, as binaryen prints them."""
    if a == b:
        return True
    a_nan, b_nan = "nan" in a.lower(), "nan" in b.lower()
    if a_nan or b_nan:
        return a_nan and b_nan
    refs = ("funcref", "externref", "anyref", "function", "object", "null")
    if a.startswith(refs) or b.startswith(refs):
        return a.startswith(refs) and b.startswith(refs)
    if INTEGER.match(a) and INTEGER.match(b) and "-0" not in (a, b):  # only a float is -0
        return int(a) == int(b)
    try:
        x, y = parse_float(a), parse_float(b)
    except ValueError:
        return False
    return x == y and (x != 0 or str(x) == str(y))


def same_event(e, f):
    if e[0] != f[0]:
        return False
    kind = e[0]
    if kind == "trap":
        return True  # engines word traps differently
    if kind == "call":
        return e[1] == f[1]
    if kind == "error":
        return False  # a harness that could not run the module never agrees
    if kind == "result":
        name_e, _, values_e = e[1].partition(" => ")
        name_f, _, values_f = f[1].partition(" => ")
        if name_e != name_f:
            return False
        e_tokens, f_tokens = value_tokens(values_e), value_tokens(values_f)
    else:
        e_tokens, f_tokens = value_tokens(e[1]), value_tokens(f[1])
    return len(e_tokens) == len(f_tokens) and all(map(same_value, e_tokens, f_tokens))


def first_difference(events_a, events_b):
    """None if they agree, else (index, event of a or None, event of b or None)."""
    for i, (e, f) in enumerate(zip(events_a, events_b)):
        if not same_event(e, f):
            return i, e, f
    if len(events_a) != len(events_b):
        i = min(len(events_a), len(events_b))
        return (i, events_a[i] if i < len(events_a) else None,
                events_b[i] if i < len(events_b) else None)
    return None


def describe_event(event):
    return "(nothing)" if event is None else f"{event[0]} {event[1]}"


# --- one module's outcome ------------------------------------------------------------------

class Outcome:
    """The three engines' outputs of one module compared with binaryen's."""

    def __init__(self, reference, outputs):
        self.reference = reference            # binaryen's output text
        self.outputs = outputs                # engine -> (status, output text)
        ref_events = events_of(reference)
        self.events = {"binaryen": ref_events}
        for engine, (status, text) in outputs.items():
            self.events[engine] = events_of(text) + ([("error", status)] if status != "ok" else [])
        self.diffs = {}                       # "a vs b" -> first difference
        pairs = [("wisp-guard", "binaryen"), ("wisp-explicit", "binaryen"), ("v8", "binaryen"),
                 ("wisp-guard", "v8"), ("wisp-explicit", "v8")]
        for a, b in pairs:
            if a in self.events and b in self.events:
                d = first_difference(self.events[a], self.events[b])
                if d:
                    self.diffs[f"{a} vs {b}"] = d
        # The same engine in two modes must agree bit for bit, NaN payloads included.
        guard, explicit = outputs.get("wisp-guard"), outputs.get("wisp-explicit")
        if guard and explicit and guard != explicit:
            lines_g, lines_e = guard[1].splitlines(), explicit[1].splitlines()
            for i in range(max(len(lines_g), len(lines_e))):
                g = lines_g[i] if i < len(lines_g) else "(nothing)"
                e = lines_e[i] if i < len(lines_e) else "(nothing)"
                if g != e or i >= min(len(lines_g), len(lines_e)):
                    self.diffs["wisp-guard vs wisp-explicit (exact)"] = (i, ("line", g), ("line", e))
                    break
            else:
                self.diffs["wisp-guard vs wisp-explicit (exact)"] = (0, ("status", guard[0]),
                                                                      ("status", explicit[0]))

    def diverged(self):
        return bool(self.diffs)

    def crashed(self):
        return any(s.startswith("crash") for s, _ in (self.outputs.get(e, ("ok", "")) for e in
                                                      ("wisp-guard", "wisp-explicit")))

    def hung(self):
        return any(self.outputs.get(e, ("ok", ""))[0] == "timeout"
                   for e in ("wisp-guard", "wisp-explicit"))

    def wisp_modes_diverged(self):
        return [m for m in ("wisp-guard", "wisp-explicit")
                if f"{m} vs binaryen" in self.diffs or f"{m} vs v8" in self.diffs]

    def oracles_agree(self):
        return "v8 vs binaryen" not in self.diffs

    def report(self):
        lines = []
        for pair, (index, a, b) in self.diffs.items():
            left, right = pair.split(" vs ")
            lines.append(f"{pair}: event {index}: {left}: {describe_event(a)} | "
                         f"{right.split(' ')[0]}: {describe_event(b)}")
        for engine, (status, _) in self.outputs.items():
            if status != "ok":
                lines.append(f"{engine}: {status}")
        return "\n".join(lines)


# --- the fuzzer ----------------------------------------------------------------------------

class Fuzzer:
    def __init__(self, args):
        self.args = args
        self.work = Path(args.work)
        self.findings = Path(args.findings)
        self.lock = threading.Lock()
        self.counts = {"modules": 0, "passed": 0, "failed": 0, "generator failures": 0,
                       "invalid generated": 0, "host crashes": 0, "hangs": 0}
        self.categories = {c: 0 for c in ("wisp", "nan", "oracle")}
        self.stop = threading.Event()
        self.features = FEATURES + (["--enable-reference-types"] if args.reference_types else [])
        if args.simd:
            self.features.append("--enable-simd")
        self.harness = [args.harness, "--batch"]
        self.node = [args.node, str(Path(__file__).resolve().parent / "v8_exec.mjs"), "--batch"]

    def input_bytes(self, index):
        rng = random.Random(f"{self.args.seed}:{index}")
        return rng.randbytes(rng.randint(self.args.min_size, self.args.max_size))

    def generate(self, index, folder):
        """Writes in.dat and m.wasm; returns binaryen's output, or None when binaryen failed."""
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "in.dat").write_bytes(self.input_bytes(index))
        code, output = run_with_timeout(
            [self.args.wasm_opt, str(folder / "in.dat"), "-ttf", *self.features,
             "--fuzz-exec-before", "-o", str(folder / "m.wasm")], self.args.timeout)
        if code != 0 or not (folder / "m.wasm").exists():
            return None
        return output

    def run_engines(self, wasm_files):
        """{engine: {file: (status, output)}} for a batch of modules."""
        timeout = self.args.timeout
        results = {
            "wisp-guard": run_batch(self.harness + ["--bounds-checks=guard"], wasm_files, timeout),
            "wisp-explicit": run_batch(self.harness + ["--bounds-checks=explicit"], wasm_files,
                                       timeout),
        }
        if not self.args.no_v8:
            results["v8"] = run_batch(self.node, wasm_files, timeout)
        return results

    def outcome_of(self, wasm, reference):
        results = self.run_engines([str(wasm)])
        return Outcome(reference, {e: r[str(wasm)] for e, r in results.items()})

    # Classifying a divergence by changing the module and checking whether it goes away.
    def variant(self, folder, name, wat_edit=None, passes=None):
        """m.wasm changed by a text edit or by wasm-opt passes, and binaryen's output of it;
        None when nothing changed or the tools failed."""
        target = folder / f"{name}.wasm"
        if wat_edit:
            code, wat = run_with_timeout(["wasm2wat", str(folder / "m.wasm")], self.args.timeout)
            if code != 0:
                return None
            edited = wat_edit(wat)
            if edited == wat:
                return None
            (folder / f"{name}.wat").write_text(edited)
            code, _ = run_with_timeout(["wat2wasm", str(folder / f"{name}.wat"), "-o",
                                        str(target)], self.args.timeout)
            if code != 0:
                return None
            source = target
        else:
            # Passes first: --fuzz-exec-before runs the module as it was before them.
            code, _ = run_with_timeout([self.args.wasm_opt, str(folder / "m.wasm"),
                                        *self.features, *passes, "-o", str(target)],
                                       self.args.timeout)
            if code != 0:
                return None
        code, output = run_with_timeout(
            [self.args.wasm_opt, str(target), *self.features, "--fuzz-exec-before"],
            self.args.timeout)
        return (target, output) if code == 0 else None

    def classify(self, folder, outcome):
        wisp_diverged = outcome.wisp_modes_diverged()
        modes_agree = not any("wisp-guard vs wisp-explicit" in p for p in outcome.diffs)
        if not wisp_diverged and modes_agree:
            # Only binaryen and V8 disagree: NaN bits, or a bug of theirs.
            denan = self.variant(folder, "denan", passes=["--denan"])
            if denan and not self.outcome_of(*denan).diverged():
                return "nan"
            return "oracle"
        if outcome.crashed() or outcome.hung():
            return "wisp"
        denan = self.variant(folder, "denan", passes=["--denan"])
        if denan and not self.outcome_of(*denan).diverged():
            return "nan"
        if modes_agree and not outcome.oracles_agree():
            # Wisp agrees with one oracle: the two oracles disagree with each other.
            agrees_binaryen = all(f"{m} vs binaryen" not in outcome.diffs
                                  for m in ("wisp-guard", "wisp-explicit"))
            agrees_v8 = all(f"{m} vs v8" not in outcome.diffs for m in ("wisp-guard", "wisp-explicit"))
            if agrees_binaryen or agrees_v8:
                return "oracle"
        return "wisp"

    def save_finding(self, index, folder, outcome, category):
        target = self.findings / category / f"seed{self.args.seed}-{index}"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(folder, target)
        (target / "binaryen.txt").write_text(outcome.reference)
        for engine, (status, text) in outcome.outputs.items():
            (target / f"{engine}.txt").write_text(text + ("" if status == "ok" else f"[{status}]\n"))
        harness = self.args.harness
        (target / "divergence.txt").write_text(
            f"category: {category}\n{outcome.report()}\n\nreproduce:\n"
            f"  {harness} --bounds-checks=guard {target}/m.wasm\n"
            f"  {harness} --bounds-checks=explicit {target}/m.wasm\n"
            f"  node {Path(__file__).resolve().parent / 'v8_exec.mjs'} {target}/m.wasm\n"
            f"  {self.args.wasm_opt} {target}/m.wasm {' '.join(self.features)} --fuzz-exec-before\n")
        return target

    def run_chunk(self, indices):
        if self.stop.is_set():
            return
        folders, references = {}, {}
        generator_failures = 0
        for index in indices:
            folder = self.work / f"m{index}"
            reference = self.generate(index, folder)
            if reference is None:
                generator_failures += 1
                shutil.rmtree(folder, ignore_errors=True)
                continue
            folders[index], references[index] = folder, reference
        files = [str(folders[i] / "m.wasm") for i in folders]
        results = self.run_engines(files) if files else {}
        for index, folder in folders.items():
            wasm = str(folder / "m.wasm")
            outcome = Outcome(references[index], {e: r[wasm] for e, r in results.items()})
            category = None
            invalid = False
            if outcome.diverged():
                v8_text = outcome.outputs.get("v8", ("ok", ""))[1]
                wisp_text = outcome.outputs["wisp-guard"][1]
                # With reference types on, binaryen 108 makes modules that spec engines reject;
                # when both reject, the generator is at fault.
                invalid = (self.args.reference_types and "[v8 error] compile" in v8_text and
                           "[wisp error] compile" in wisp_text)
                if not invalid:
                    category = self.classify(folder, outcome)
            with self.lock:
                self.counts["modules"] += 1
                if invalid:
                    self.counts["invalid generated"] += 1
                elif category is None or category != "wisp":
                    self.counts["passed"] += 1
                else:
                    self.counts["failed"] += 1
                if category is not None:
                    self.categories[category] += 1
                    self.counts["host crashes"] += outcome.crashed()
                    self.counts["hangs"] += outcome.hung()
                    saved = self.save_finding(index, folder, outcome, category)
                    print(f"diff: module {index}: divergence ({category}), saved in {saved}\n"
                          + "".join(f"  {line}\n" for line in outcome.report().splitlines()),
                          end="", flush=True)
                    if category == "wisp" and not self.args.keep_going:
                        self.stop.set()
            shutil.rmtree(folder, ignore_errors=True)
        with self.lock:
            self.counts["generator failures"] += generator_failures

    def run(self):
        self.work.mkdir(parents=True, exist_ok=True)
        self.findings.mkdir(parents=True, exist_ok=True)
        start = time.monotonic()
        chunks = [range(i, min(i + self.args.batch, self.args.count))
                  for i in range(0, self.args.count, self.args.batch)]
        last_report = start
        with ThreadPoolExecutor(max_workers=self.args.jobs) as pool:
            futures = [pool.submit(self.run_chunk, chunk) for chunk in chunks]
            for future in futures:
                future.result()
                now = time.monotonic()
                if now - last_report > self.args.progress:
                    last_report = now
                    with self.lock:
                        done = self.counts["modules"]
                    print(f"diff: {done} modules, {done / (now - start):.1f}/s, "
                          f"{self.counts['failed']} divergent", flush=True)
        elapsed = time.monotonic() - start
        c = self.counts
        divergences = sum(self.categories.values())
        print(f"diff: seed {self.args.seed}: {c['modules']} modules in {elapsed:.1f} s "
              f"({c['modules'] / elapsed if elapsed else 0:.1f} modules/s), jobs {self.args.jobs}")
        print("diff: divergences: " + str(divergences) + " (" +
              ", ".join(f"{k} {v}" for k, v in self.categories.items()) + "); host crashes: "
              f"{c['host crashes']}; hangs: {c['hangs']}; generator failures: "
              f"{c['generator failures']}; invalid generated: {c['invalid generated']}")
        if divergences:
            print(f"diff: findings in {self.findings}")
        print(f"{c['passed']} passed, {c['failed']} failed")
        shutil.rmtree(self.work, ignore_errors=True)
        return 1 if self.categories["wisp"] else 0


def check_module(args):
    """--check FILE: prints whether Wisp diverges on FILE while binaryen and V8 agree; the
    interestingness test of fuzz/reduce.sh (wasm-reduce keeps the output unchanged)."""
    args.work = args.work or tempfile.gettempdir()  # nothing is written there
    fuzzer = Fuzzer(args)
    code, reference = run_with_timeout([args.wasm_opt, args.check, *fuzzer.features,
                                        "--fuzz-exec-before"], args.timeout)
    if code != 0:
        print("binaryen cannot run it")
        return 0
    outcome = fuzzer.outcome_of(Path(args.check), reference)
    oracle = args.check_oracle
    diverged = [m for m in ("wisp-guard", "wisp-explicit")
                if f"{m} vs {'binaryen' if oracle == 'both' else oracle}" in outcome.diffs]
    if args.check_mode != "any":
        diverged = [m for m in diverged if m == f"wisp-{args.check_mode}"]
    if diverged and (oracle != "both" or args.no_v8 or outcome.oracles_agree()):
        print(f"wisp diverges from {'the oracles, which agree' if oracle == 'both' else oracle}")
    else:
        print("no wisp divergence")
    return 0


def default_harness():
    for build in ("build-fuzzdiff", "build"):
        candidate = REPO / build / "wisp-fuzz-exec"
        if candidate.exists():
            return str(candidate)
    return str(REPO / "build" / "wisp-fuzz-exec")


def main():
    parser = argparse.ArgumentParser(
        description="Differential fuzzing of Wisp against binaryen's interpreter and V8.")
    parser.add_argument("--count", type=int, default=1000, help="modules to run (default 1000)")
    parser.add_argument("--seed", type=int, default=None,
                        help="makes the modules reproducible (default: random, printed)")
    parser.add_argument("--jobs", type=int, default=1, help="modules run in parallel (default 1)")
    parser.add_argument("--keep-going", action="store_true",
                        help="go on after a divergence that is Wisp's (default: stop)")
    parser.add_argument("--batch", type=int, default=50, help="modules per engine process")
    parser.add_argument("--timeout", type=float, default=20,
                        help="seconds each tool may spend on one module (default 20)")
    parser.add_argument("--min-size", type=int, default=1000, help="random input bytes, least")
    parser.add_argument("--max-size", type=int, default=8000, help="random input bytes, most")
    parser.add_argument("--findings", default=str(REPO / "build-fuzzdiff" / "findings"),
                        help="where divergences are saved (default build-fuzzdiff/findings)")
    parser.add_argument("--work", default=None, help="scratch folder (default: a temporary one)")
    parser.add_argument("--harness", default=default_harness(), help="the wisp-fuzz-exec binary")
    parser.add_argument("--wasm-opt", default="wasm-opt")
    parser.add_argument("--node", default="node")
    parser.add_argument("--no-v8", action="store_true", help="compare with binaryen only")
    parser.add_argument("--simd", action="store_true",
                        help="let binaryen's modules use 128-bit SIMD (compared with binaryen only)")
    parser.add_argument("--reference-types", action="store_true",
                        help="let binaryen use reference types (most such modules are invalid)")
    parser.add_argument("--progress", type=float, default=60,
                        help="seconds between progress lines (default 60)")
    parser.add_argument("--skip-if-missing", action="store_true",
                        help=f"exit {SKIP_EXIT_CODE} (skipped) when wasm-opt or node is missing")
    parser.add_argument("--check", metavar="FILE.wasm",
                        help="only say whether Wisp diverges on FILE (for fuzz/reduce.sh)")
    parser.add_argument("--check-mode", choices=("any", "guard", "explicit"), default="any",
                        help="with --check: the bounds-check mode that must diverge")
    parser.add_argument("--check-oracle", choices=("both", "binaryen", "v8"), default="both",
                        help="with --check: diverge from binaryen and V8 while they agree "
                             "(default), or from just one of them")
    args = parser.parse_args()
    if args.simd:
        args.no_v8 = True  # V8 cannot pass a v128 across the JS boundary its harness calls through
    for name, value in (("--count", args.count), ("--jobs", args.jobs), ("--batch", args.batch)):
        if value < 1:
            parser.error(f"{name} must be at least 1, not {value}")
    if not 0 < args.min_size <= args.max_size:
        parser.error("sizes must satisfy 0 < --min-size <= --max-size")
    if args.timeout <= 0:
        parser.error("--timeout must be positive")

    tools = [("wasm-opt", args.wasm_opt), ("wasm2wat", "wasm2wat"), ("wat2wasm", "wat2wasm")]
    if not args.no_v8:
        tools.append(("node", args.node))
    missing = [name for name, tool in tools if shutil.which(tool) is None]
    if missing:
        message = f"diff: missing {', '.join(missing)} (binaryen, wabt, nodejs)"
        if args.skip_if_missing:
            print(message + ": skipped")
            return SKIP_EXIT_CODE
        print(message, file=sys.stderr)
        return 2
    if not os.access(args.harness, os.X_OK):
        print(f"diff: no harness at {args.harness} (build the wisp_fuzz_exec target, or pass "
              "--harness)", file=sys.stderr)
        return 2
    if args.check:
        return check_module(args)
    if args.seed is None:
        args.seed = random.SystemRandom().randrange(2**31)
    scratch = None
    if args.work is None:
        scratch = tempfile.mkdtemp(prefix="wisp-diff-")
        args.work = scratch
    print(f"diff: seed {args.seed}, {args.count} modules, jobs {args.jobs}", flush=True)
    try:
        return Fuzzer(args).run()
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

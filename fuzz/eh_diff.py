#!/usr/bin/env python3
"""Differential fuzzing of Wisp's exception handling against V8 (node).

Binaryen's fuzzer (version 108) makes no exception-handling code, so this script writes its own
modules: random, valid WebAssembly text using the legacy proposal (tags, throw, try/catch/
catch_all, delegate, rethrow), aimed at what a single-pass compiler can get wrong at a landing
pad: several functions calling each other (direct, call_indirect, recursion bounded by a depth
parameter), 2-4 tags with i32/i64/f32/f64 payloads (or none), nested try/catch/catch_all,
`delegate N` at every depth up to the caller, `rethrow N` from nested blocks inside catches,
throws in loops and ifs, br/br_if out of try and catch bodies, try blocks with params and
results, values left on the operand stack below a try, locals changed in loops just before a
throw and read after the catch, memory stored before a throw and loaded after, and conditions on
the parameters so that different arguments take different paths; also br_table, return_call
out of tries, and traps (which no catch_all may catch). Every loop is bounded by a counter;
every result is a checksum of the parameters, locals and memory, so what a wrong landing pad
clobbers shows. Floats reach the checksum only through trunc_sat (NaN -> 0), never by their
bits, and each type has its own memory region, so NaN payloads (which engines may pick
differently) cannot make a false divergence.

Each module is converted with `wat2wasm --enable-exceptions --enable-tail-call` (rejections are
counted: there should be next to none), then every exported function is called with several
argument tuples by `wisp run --invoke` (one process per call; each module under one of
WISP_MODES in turn: guard pages, explicit bounds checks, fuel, epoch interruption) and by
fuzz/eh_v8.mjs (one node process per module, a fresh instance per call). Both outputs are put
in one canonical form (results by type and bits, every NaN as "nan"; or "trap"; or "uncaught
exception") and compared. A divergence is saved under the findings folder (module.wat,
module.wasm, calls.txt with the command lines and both outputs).

The try_table/throw_ref form is not generated: wabt 1.0.32 cannot write it, and node 20's V8
does not run it.

Usage (from the repository root; it builds nothing, it uses build/wisp as it is):

  nice -n 19 python3 fuzz/eh_diff.py --count 300 --seed 1 [--keep-going] [--findings DIR]
      [--wisp build/wisp] [--node node] [--wat2wasm wat2wasm]

Exit status: 0 when no call diverged, 1 otherwise. Without --keep-going it stops at the first
module with a divergence.
"""

import argparse
import json
import random
import shutil
import struct
import subprocess
import sys
import tempfile
from fractions import Fraction
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

INT = ("i32", "i64")
FLOAT = ("f32", "f64")
TYPES = INT + FLOAT

# Memory is split by type so that a float load never reads an integer's bits (a NaN made that
# way would reach arithmetic, whose NaN bits may legally differ): each region holds 8 slots.
REGION = {"i32": 0, "i64": 64, "f32": 128, "f64": 192}
SIZE = {"i32": 4, "i64": 8, "f32": 4, "f64": 8}


# --- the generator ----------------------------------------------------------------------------

class Label:
    def __init__(self, kind, types):
        self.kind = kind    # func, block, loop, if, try (its do body), catch (a catch body)
        self.types = types  # what a branch to it carries


class Func:
    def __init__(self, index, params, results):
        self.index = index
        self.name = f"$f{index}"
        self.params = params  # always (i32 $a, i32|i64 $b, i32 $d): $d bounds the recursion
        self.results = results


class FuncGen:
    """Writes one function's body; every instruction list is a list of text lines."""

    def __init__(self, mod, func):
        self.mod = mod
        self.rng = mod.rng
        self.func = func
        self.labels = [Label("func", func.results)]
        self.locals = {t: [] for t in TYPES}     # checked at the end (the checksum)
        self.scratch = {t: [] for t in TYPES}    # free scratch locals, reused
        self.extra = []                          # (name, type) declared after the params
        self.counters = 0
        self.budget = self.rng.randint(12, 36)
        self.loop_depth = 0
        self._counters_stack = []
        for t, n in (("i32", 3), ("i64", 2), ("f32", 1), ("f64", 1)):
            for _ in range(n):
                self.locals[t].append(self.declare(t, "l"))

    def declare(self, t, prefix):
        name = f"${prefix}{len(self.extra)}"
        self.extra.append((name, t))
        return name

    def counter(self):
        self.counters += 1
        return self.declare("i32", "c")

    def take_scratch(self, t):
        return self.scratch[t].pop() if self.scratch[t] else self.declare(t, "s")

    def give_scratch(self, t, name):
        self.scratch[t].append(name)

    def chance(self, p):
        return self.rng.random() < p

    # --- expressions: push one value ----------------------------------------------------------

    def const(self, t):
        r = self.rng
        if t == "i32":
            return [f"i32.const {r.choice([0, 1, 2, 3, 7, -1, 100, r.randint(-2**31, 2**31 - 1)])}"]
        if t == "i64":
            return [f"i64.const {r.choice([0, 1, 5, -1, 1 << 40, r.randint(-2**63, 2**63 - 1)])}"]
        return [f"{t}.const {r.choice(['0', '1.5', '-2.25', '1e10', '-0', '0.1', str(r.randint(-1000, 1000))])}"]

    def param_get(self, t):
        if t == "i32":
            return ["local.get $a"] if self.chance(0.7) or self.func.params[1] != "i32" else ["local.get $b"]
        if t == "i64" and self.func.params[1] == "i64":
            return ["local.get $b"]
        return None

    def address(self, t):
        slot = self.rng.randrange(8)
        return REGION[t] + slot * SIZE[t]

    def load(self, t):
        if self.chance(0.7):
            return [f"i32.const {self.address(t)} {t}.load"]
        # an address from the parameters, masked into the region
        return [f"local.get $a i32.const {7 * SIZE[t]} i32.and i32.const {-SIZE[t] & 0xffffffff} "
                f"i32.and {t}.load offset={REGION[t]}"]

    def expr(self, t, depth):
        r = self.rng
        self.budget -= 1
        leaf = depth <= 0 or self.budget <= 0
        choices = ["const", "local", "local", "param", "load"]
        if not leaf:
            choices += ["binop", "binop", "binop", "convert", "try", "try", "if", "block", "call"]
        kind = r.choice(choices)
        if kind == "const":
            return self.const(t)
        if kind == "local":
            return [f"local.get {r.choice(self.locals[t])}"]
        if kind == "param":
            return self.param_get(t) or [f"local.get {r.choice(self.locals[t])}"]
        if kind == "load":
            return self.load(t)
        if kind == "binop":
            if t in INT:
                op = r.choice(["add", "sub", "mul", "xor", "or", "and", "shl", "shr_u", "rotl"])
            else:
                op = r.choice(["add", "sub", "min", "max"])  # nothing that makes a NaN from numbers
            return self.expr(t, depth - 1) + self.expr(t, depth - 1) + [f"{t}.{op}"]
        if kind == "convert":
            return self.convert(t, depth - 1)
        if kind == "try":
            return self.try_block([], [t], depth - 1)
        if kind == "if":
            return self.cond(depth - 1) + [f"if (result {t})"] + self.indent(
                self.body([], [t], depth - 1, Label("if", [t]))) + ["else"] + self.indent(
                self.body([], [t], depth - 1, Label("if", [t]))) + ["end"]
        if kind == "block":
            # a value carried out of the block by br_if, else another one
            lab = Label("block", [t])
            self.labels.append(lab)
            inner = self.stmts(depth - 1, r.randint(0, 2)) + self.expr(t, depth - 1) + \
                self.cond(depth - 1) + ["br_if 0", "drop"] + self.expr(t, depth - 1)
            self.labels.pop()
            return [f"block (result {t})"] + self.indent(inner) + ["end"]
        if kind == "call":
            callee = r.choice(self.mod.funcs)
            if t not in callee.results:
                return [f"local.get {r.choice(self.locals[t])}"]
            self.labels.append(Label("if", [t]))  # the guard's (see guarded_value)
            code = self.call(callee, depth - 1)
            # keep the first result of type t, pop the rest into locals
            keep = callee.results.index(t)
            tail = []
            for i in reversed(range(len(callee.results))):
                rt = callee.results[i]
                if i > keep:
                    tail.append(f"local.set {r.choice(self.locals[rt])}")
            # values below `keep` stay under it: pop it into a scratch local, drop/set the rest
            s = self.take_scratch(t)
            tail.append(f"local.set {s}")
            for i in reversed(range(keep)):
                tail.append(f"local.set {r.choice(self.locals[callee.results[i]])}")
            tail.append(f"local.get {s}")
            self.give_scratch(t, s)
            self.labels.pop()
            return self.guarded_value(t, code + tail, depth)
        raise AssertionError(kind)

    def guarded_value(self, t, code, depth):
        """code (which pushes a t) runs only while the depth parameter is positive."""
        return ["local.get $d i32.const 0 i32.gt_s", f"if (result {t})"] + self.indent(code) + \
            ["else"] + self.indent(self.const(t)) + ["end"]

    def convert(self, t, depth):
        r = self.rng
        src = r.choice([x for x in TYPES if x != t])
        e = self.expr(src, depth)
        table = {
            ("i32", "i64"): "i32.wrap_i64", ("i64", "i32"): r.choice(["i64.extend_i32_s", "i64.extend_i32_u"]),
            ("i32", "f32"): "i32.trunc_sat_f32_s", ("i32", "f64"): "i32.trunc_sat_f64_u",
            ("i64", "f32"): "i64.trunc_sat_f32_u", ("i64", "f64"): "i64.trunc_sat_f64_s",
            ("f32", "i32"): "f32.convert_i32_s", ("f32", "i64"): "f32.convert_i64_u",
            ("f32", "f64"): "f32.demote_f64", ("f64", "i32"): "f64.convert_i32_u",
            ("f64", "i64"): "f64.convert_i64_s", ("f64", "f32"): "f64.promote_f32",
        }
        return e + [table[(t, src)]]

    def cond(self, depth):
        """An i32 condition, mostly from the parameters and the loop counters."""
        c = self.cond_parts(depth)
        return [" ".join(c)] if len(c) <= 5 else c

    def cond_parts(self, depth):
        r = self.rng
        k = r.randrange(10)
        if k < 3:
            return ["local.get $a", f"i32.const {1 << r.randrange(8)}", "i32.and"]
        if k == 3 and self.func.params[1] == "i64":
            return ["local.get $b", f"i64.const {r.randint(-100, 100)}", r.choice(["i64.lt_s", "i64.gt_u", "i64.ne"])]
        if k == 3:
            return ["local.get $b", f"i32.const {r.randint(-100, 100)}", r.choice(["i32.lt_s", "i32.gt_u", "i32.ne"])]
        if k == 4:
            return ["local.get $d", f"i32.const {r.randint(0, 3)}", r.choice(["i32.eq", "i32.gt_s", "i32.lt_u"])]
        if k == 5 and self.active_counters:
            return [f"local.get {r.choice(self.active_counters)}", f"i32.const {r.randint(1, 3)}",
                    r.choice(["i32.eq", "i32.ge_s"])]
        if k == 6 and depth > 0:
            return self.expr("i32", depth) + ["i32.const 1", "i32.and"]
        if k == 7:
            return [f"local.get {r.choice(self.locals['i32'])}", f"i32.const {1 << r.randrange(4)}", "i32.and"]
        return ["local.get $a", f"i32.const {r.randrange(32)}", "i32.shr_u", "i32.const 1", "i32.and"]

    # --- blocks ---------------------------------------------------------------------------------

    @staticmethod
    def indent(lines):
        return ["  " + line for line in lines]

    @staticmethod
    def blocktype(params, results):
        s = ""
        if params:
            s += " (param " + " ".join(params) + ")"
        if results:
            s += " (result " + " ".join(results) + ")"
        return s

    def pop_into(self, types):
        """Pops values of these types (the last on top) into locals."""
        out = []
        for t in reversed(types):
            if self.chance(0.2):
                out.append("drop")
            else:
                out.append(f"local.set {self.rng.choice(self.locals[t])}")
        return out

    def body(self, params, results, depth, label, throws=None):
        """A block's body: its params (on the stack) stay below some statements, then go into
        locals; then the results."""
        self.labels.append(label)
        out = self.stmts(depth, self.rng.randint(0, 3))
        if throws and self.chance(0.7):
            # most try bodies throw (the tags of its clauses mostly), directly or from a callee
            # that may throw from a deeper frame
            if self.chance(0.3) and depth > 0:
                out += self.stmt(depth, "call")
            if self.chance(0.6):
                out += self.conditional(depth, lambda: self.throw(depth, throws))
            else:
                out += self.throw(depth, throws)
        out += self.pop_into(params)
        if self.chance(0.3):
            out += self.stmts(depth, 1)
        for t in results:
            out += self.expr(t, depth)
        self.labels.pop()
        return out

    def try_block(self, params, results, depth):
        """try ... catch $tag ... catch_all ... end, or try ... delegate N."""
        r = self.rng
        bt = self.blocktype(params, results)
        if self.chance(0.25):
            # delegate N counts the labels outside the try: 0 is the innermost, the last the
            # function's (to the caller)
            n = len(self.labels) - 1 if self.chance(0.25) else r.randrange(len(self.labels))
            out = [f"try{bt}"] + self.indent(self.body(params, results, depth, Label("try", results),
                                                       self.mod.tags))
            return out + [f"delegate {n}"]
        tags = r.sample(self.mod.tags, r.randint(0, len(self.mod.tags)))
        catch_all = not tags or self.chance(0.4)
        throws = self.mod.tags if catch_all or self.chance(0.2) else tags
        out = [f"try{bt}"] + self.indent(self.body(params, results, depth, Label("try", results), throws))
        for tag, payload in tags:
            out.append(f"catch {tag}")
            out += self.indent(self.body(payload, results, depth, Label("catch", results)))
        if catch_all:
            out.append("catch_all")
            out += self.indent(self.body([], results, depth, Label("catch", results)))
        return out + ["end"]

    # --- statements: leave the stack as it was ----------------------------------------------------

    @property
    def active_counters(self):
        return self._counters_stack

    def stmts(self, depth, n):
        out = []
        for _ in range(n):
            if self.budget <= 0:
                break
            out += self.stmt(depth)
        return out

    def throw(self, depth, tags=None):
        tag, payload = self.rng.choice(tags or self.mod.tags)
        out = []
        for t in payload:
            out += self.expr(t, min(depth, 1))
        return out + [f"throw {tag}"]

    def conditional(self, depth, make):
        """cond; if; make(); end: make runs with the if's label pushed."""
        c = self.cond(depth)
        self.labels.append(Label("if", []))
        inner = make()
        self.labels.pop()
        return c + ["if"] + self.indent(inner) + ["end"]

    def branch_values(self, lab, depth):
        out = []
        for t in lab.types:
            out += self.expr(t, min(depth, 1))
        return out

    def call(self, callee, depth, tail=False):
        """Arguments and the call (depth - 1 passed on)."""
        out = self.expr("i32", min(depth, 1)) + (self.expr(callee.params[1], min(depth, 1)))
        out += ["local.get $d i32.const 1 i32.sub"]
        if self.chance(0.3):
            # call_indirect through the table, at this callee's slot or one of the same type
            same = [f for f in self.mod.funcs if f.results == callee.results and f.params == callee.params]
            other = self.rng.choice(same)
            if other is callee or self.chance(0.5):
                out += [f"i32.const {callee.index}"]
            else:
                out += [f"i32.const {callee.index}", f"i32.const {other.index}", "local.get $a",
                        "i32.const 4", "i32.and", "select"]
            out += [f"{'return_' if tail else ''}call_indirect (type {self.mod.type_name(callee)})"]
        else:
            out += [f"{'return_' if tail else ''}call {callee.name}"]
        return out

    def stmt(self, depth, kind=None):
        r = self.rng
        self.budget -= 1
        kinds = ["set", "set", "store", "store", "throw", "throw"]
        if depth > 0:
            kinds += ["if", "loop", "loop", "block", "try", "try", "try", "try", "call", "call",
                      "under", "under", "br", "br", "br_table", "tryvalue", "tryvalue", "tryloop"]
            if any(l.kind == "catch" for l in self.labels):
                kinds += ["rethrow", "rethrow", "rethrow"]
            kinds += ["return", "trap", "return_call"] if self.chance(0.2) else []
        kind = kind or r.choice(kinds)
        if kind == "set":
            t = r.choice(TYPES)
            target = r.choice(self.locals[t])
            if t == "i32" and self.chance(0.1):
                target = "$a"
            return self.expr(t, min(depth, 2)) + [f"local.set {target}"]
        if kind == "store":
            t = r.choice(TYPES)
            return [f"i32.const {self.address(t)}"] + self.expr(t, min(depth, 2)) + [f"{t}.store"]
        if kind == "throw":
            if self.chance(0.15) and depth > 0:
                return self.throw(depth)  # unconditional: the rest of the block is unreachable
            return self.conditional(depth, lambda: self.throw(depth))
        if kind == "trap":
            return self.conditional(depth, lambda: ["unreachable"])
        if kind == "if":
            c = self.cond(depth - 1)
            self.labels.append(Label("if", []))
            a = self.stmts(depth - 1, r.randint(1, 3))
            b = self.stmts(depth - 1, r.randint(0, 2))
            self.labels.pop()
            return c + ["if"] + self.indent(a) + (["else"] + self.indent(b) if b else []) + ["end"]
        if kind == "loop":
            return self.loop(depth)
        if kind == "block":
            self.labels.append(Label("block", []))
            inner = self.stmts(depth - 1, r.randint(1, 3))
            if self.chance(0.5):
                inner += self.cond(depth - 1) + ["br_if 0"] + self.stmts(depth - 1, 1)
            self.labels.pop()
            return ["block"] + self.indent(inner) + ["end"]
        if kind == "try":
            return self.try_block([], [], depth - 1)
        if kind == "tryvalue":
            params = [r.choice(TYPES) for _ in range(r.choice([0, 0, 1, 1, 2]))]
            results = [r.choice(TYPES) for _ in range(r.choice([1, 1, 2, 3]))]
            out = []
            for t in params:
                out += self.expr(t, 1)
            return out + self.try_block(params, results, depth - 1) + self.pop_into(results)
        if kind == "call":
            callee = r.choice(self.mod.funcs)
            self.labels.append(Label("if", []))
            code = self.call(callee, depth - 1) + self.pop_into(callee.results)
            self.labels.pop()
            # only while the depth parameter is positive (recursion included)
            return ["local.get $d i32.const 0 i32.gt_s", "if"] + self.indent(code) + ["end"]
        if kind == "under":
            # values below statements that may throw and catch inside (a try, a call)
            below = [r.choice(TYPES) for _ in range(r.choice([1, 1, 2, 3, 5, 8]))]
            v = []
            for t in below:
                v += self.expr(t, 1)
            s = []
            for _ in range(r.randint(1, 2)):
                if self.chance(0.6):
                    s += self.try_block([], [], depth - 1)
                else:
                    s += self.stmt(depth - 1)
            t = below[-1]
            w = self.expr(t, 1)
            op = "add" if self.chance(0.5) else ("xor" if t in INT else "sub")
            return v + s + w + [f"{t}.{op}"] + self.pop_into(below)
        if kind == "tryloop":
            # a loop whose locals change just before a call or throw that a try inside it catches
            c = self.counter()
            self.labels.append(Label("block", []))
            self.labels.append(Label("loop", []))
            self._counters_stack.append(c)
            inner = [f"local.get {c} i32.const 1 i32.add local.tee {c} i32.const {r.randint(1, 4)} i32.gt_s br_if 1"]
            for _ in range(r.randint(1, 3)):
                t = r.choice(TYPES)
                inner += self.expr(t, 1) + [f"local.set {r.choice(self.locals[t])}"]
            inner += self.try_block([], [], depth - 1)
            inner += self.stmts(depth - 1, r.randint(0, 1)) + ["br 0"]
            self._counters_stack.pop()
            self.labels.pop()
            self.labels.pop()
            return [f"i32.const 0 local.set {c}", "block"] + self.indent(
                ["loop"] + self.indent(inner) + ["end"]) + ["end"]
        if kind == "br":
            n = r.randrange(len(self.labels))
            lab = self.labels[-1 - n]
            if self.chance(0.5):
                vals = self.branch_values(lab, depth)
                return vals + self.cond(depth) + [f"br_if {n}"] + ["drop"] * len(lab.types)
            return self.conditional(depth, lambda: self.branch_values(lab, depth) + [f"br {n + 1}"])
        if kind == "br_table":
            # to labels that carry nothing (blocks, loops, tries, catches, ifs) by a parameter
            empty = [n for n, l in enumerate(reversed(self.labels)) if not l.types]
            if not empty:
                return []
            targets = [r.choice(empty) for _ in range(r.randint(1, 4))]
            return self.conditional(depth, lambda: [
                f"local.get $a i32.const {r.randrange(8)} i32.shr_u i32.const 3 i32.and",
                "br_table " + " ".join(str(n + 1) for n in targets)])
        if kind == "rethrow":
            n = r.choice([i for i, l in enumerate(reversed(self.labels)) if l.kind == "catch"])
            if self.chance(0.1):
                return [f"rethrow {n}"]
            return self.conditional(depth, lambda: [f"rethrow {n + 1}"])
        if kind == "return_call":
            # a tail call out of whatever tries enclose it: their handlers are left behind
            same = [f for f in self.mod.funcs if f.results == self.func.results]
            callee = r.choice(same)
            self.labels.append(Label("if", []))
            code = self.call(callee, depth - 1, tail=True)
            self.labels.pop()
            return ["local.get $d i32.const 0 i32.gt_s", "if"] + self.indent(code) + ["end"]
        if kind == "return":
            return self.conditional(depth, lambda: self.checksums(self.func.results) + ["return"])
        raise AssertionError(kind)

    def loop(self, depth):
        r = self.rng
        c = self.counter()
        bound = r.randint(1, 4)
        self.labels.append(Label("block", []))
        self.labels.append(Label("loop", []))
        self._counters_stack.append(c)
        self.loop_depth += 1
        inner = [f"local.get {c} i32.const 1 i32.add local.tee {c} i32.const {bound} i32.gt_s br_if 1"]
        inner += self.stmts(depth - 1, r.randint(1, 4))
        inner += ["br 0"]
        self.loop_depth -= 1
        self._counters_stack.pop()
        self.labels.pop()
        self.labels.pop()
        return [f"i32.const 0 local.set {c}", "block"] + self.indent(
            ["loop"] + self.indent(inner) + ["end"]) + ["end"]

    def checksums(self, types):
        out = []
        for t in types:
            out += self.checksum(t)
        return out

    def checksum(self, t):
        """A t that depends on every local and a few memory slots (floats through trunc_sat,
        which makes 0 of any NaN)."""
        parts = [["local.get $a"], ["local.get $d"],
                 ["local.get $b"] if self.func.params[1] == "i32" else ["local.get $b", "i32.wrap_i64"]]
        for name in self.locals["i32"]:
            parts.append([f"local.get {name}"])
        for name in self.locals["i64"]:
            parts.append([f"local.get {name}", "i32.wrap_i64"])
            parts.append([f"local.get {name}", "i64.const 32", "i64.shr_u", "i32.wrap_i64"])
        for ft in FLOAT:
            for name in self.locals[ft]:
                parts.append([f"local.get {name}", f"{ft}.const 16", f"{ft}.mul", f"i32.trunc_sat_{ft}_s"])
        for st in TYPES:
            a = self.address(st)
            if st == "i32":
                parts.append([f"i32.const {a}", "i32.load"])
            elif st == "i64":
                parts.append([f"i32.const {a}", "i64.load", "i32.wrap_i64"])
            else:
                parts.append([f"i32.const {a}", f"{st}.load", f"i32.trunc_sat_{st}_s"])
        out = ["i32.const 17"]
        for p in parts:
            out.append(" ".join(["i32.const 31", "i32.mul"] + p + ["i32.add"]))
        if t == "i64":
            out += ["i64.extend_i32_u", f"local.get {self.locals['i64'][0]}", "i64.add"]
        elif t == "f32":
            out += ["f32.convert_i32_s", f"local.get {self.locals['f32'][0]}", "f32.add"]
        elif t == "f64":
            out += ["f64.convert_i32_s", f"local.get {self.locals['f64'][0]}", "f64.add"]
        return out

    def generate(self):
        body = self.stmts(4, self.rng.randint(3, 8)) + self.checksums(self.func.results)
        f = self.func
        head = f"(func {f.name} (export \"f{f.index}\") (param $a i32) (param $b {f.params[1]}) (param $d i32)"
        if f.results:
            head += " (result " + " ".join(f.results) + ")"
        lines = [head]
        lines += ["  " + " ".join(f"(local {n} {t})" for n, t in self.extra)] if self.extra else []
        lines += self.indent(body) + [")"]
        return lines


class ModuleGen:
    def __init__(self, rng):
        self.rng = rng
        r = rng
        payloads = [[], ["i32"], ["i64"], ["f32"], ["f64"], ["i32", "i64"], ["f64", "i32"],
                    ["i32", "f32", "i64"], ["i64", "i64"], ["i32"],
                    ["i32", "i64", "f32", "f64", "i32", "i64", "f64", "i32"]]
        self.tags = [(f"$t{i}", r.choice(payloads)) for i in range(r.randint(2, 4))]
        result_pool = [[], ["i32"], ["i64"], ["f64"], ["i32", "i64"], ["f32", "i32"],
                       ["i32", "f64", "i64"], ["i32", "i32"]]
        sigs = [(r.choice(["i32", "i32", "i64"]), r.choice(result_pool)) for _ in range(r.randint(1, 3))]
        self.funcs = []
        for i in range(r.randint(3, 5)):
            b, res = r.choice(sigs)
            self.funcs.append(Func(i, ["i32", b, "i32"], res))
        self.types = []
        for f in self.funcs:
            key = (tuple(f.params), tuple(f.results))
            if key not in self.types:
                self.types.append(key)

    def type_name(self, f):
        return f"$ty{self.types.index((tuple(f.params), tuple(f.results)))}"

    def generate(self):
        lines = ["(module"]
        for i, (params, results) in enumerate(self.types):
            s = f"  (type $ty{i} (func (param {' '.join(params)})"
            if results:
                s += f" (result {' '.join(results)})"
            lines.append(s + "))")
        for tag, payload in self.tags:
            lines.append(f"  (tag {tag}" + (f" (param {' '.join(payload)})" if payload else "") + ")")
        lines.append("  (memory 1)")
        lines.append("  (table funcref (elem " + " ".join(f.name for f in self.funcs) + "))")
        for f in self.funcs:
            lines += ["  " + line for line in FuncGen(self, f).generate()]
        lines.append(")")
        return "\n".join(lines) + "\n"

    def arg_tuples(self, f, n):
        r = self.rng
        out = []
        for k in range(n):
            a = r.choice([0, 1, -1, 0x55555555, 0x2aaaaaaa, r.randint(-2**31, 2**31 - 1), r.randint(0, 255)])
            if f.params[1] == "i64":
                b = r.choice([0, -1, 5, 100, -100, r.randint(-2**63, 2**63 - 1)])
            else:
                b = r.choice([0, -1, 5, 100, -100, r.randint(-2**31, 2**31 - 1)])
            d = [3, 2, 1, 0][k % 4] if k < 4 else r.randint(0, 5)
            out.append([str(a), str(b), str(d)])
        return out


# --- running and canonical outputs --------------------------------------------------------------

def float_bits(text, t):
    """Bits of the float `wisp run` printed (shortest form that reads back to the same value)."""
    text = text.strip()
    if text.startswith("nan") or text.startswith("-nan"):
        return "nan"
    if text in ("inf", "-inf"):
        v = float(text)
        return "0x" + (struct.pack(">f", v).hex() if t == "f32" else struct.pack(">d", v).hex())
    if t == "f64":
        return "0x" + struct.pack(">d", float(text)).hex()
    # exact: the f32 nearest to the decimal (decimal -> double -> f32 may round twice)
    exact = Fraction(text)
    guess = struct.unpack(">I", struct.pack(">f", float(text)))[0]
    best = None
    for cand in (guess - 1, guess, guess + 1):
        if not 0 <= cand < 2**32:
            continue
        v = struct.unpack(">f", struct.pack(">I", cand))[0]
        if v != v or v in (float("inf"), float("-inf")):
            continue
        err = abs(Fraction(v) - exact)
        if best is None or err < best[0]:
            best = (err, cand)
    bits = best[1] if best else guess
    if float(text) == 0 and text.startswith("-"):
        bits = 0x80000000
    return f"0x{bits:08x}"


def canonical_wisp(results, rc, stdout, stderr):
    if rc == 134:
        return "uncaught exception" if "uncaught exception" in stderr else "trap"
    if rc != 0:
        return f"error: rc={rc}: {stderr.strip()[:200]}"
    values = stdout.split()
    if len(values) != len(results):
        return f"error: {len(values)} values for {len(results)} results: {stdout.strip()[:200]}"
    out = []
    for t, v in zip(results, values):
        try:
            if t == "i32":
                out.append(f"i32:0x{int(v, 0) & 0xffffffff:08x}")
            elif t == "i64":
                out.append(f"i64:0x{int(v, 0) & 0xffffffffffffffff:016x}")
            else:
                fb = float_bits(v, t)
                out.append(f"{t}:{fb}")
        except ValueError:
            out.append(f"{t}:?{v}")
    return " ".join(out)


# Wisp's code differs with these options (what a landing pad must put back: the memory base that
# explicit bounds checks reload, the fuel counter, the epoch check's state): each module runs
# under one of them, in turn.
WISP_MODES = ([], ["--bounds-checks", "explicit"], ["--fuel", "1000000000"], ["--timeout", "5m"])


def run_wisp(wisp, wasm, name, args, results, mode=(), timeout=20):
    try:
        done = subprocess.run([wisp, "run", *mode, "--invoke", name, str(wasm)] + args,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return "error: timeout"
    rc = done.returncode
    if rc < 0:
        return f"error: signal {-rc}"
    return canonical_wisp(results, rc, done.stdout.decode("utf-8", "replace"),
                          done.stderr.decode("utf-8", "replace"))


def run_v8(node, script, workdir, wasm, calls, timeout=120):
    spec = {"wasm": str(wasm), "calls": calls}
    path = workdir / "calls.json"
    path.write_text(json.dumps(spec))
    try:
        done = subprocess.run([node, str(script), str(path)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return ["error: node timeout"] * len(calls)
    lines = done.stdout.decode("utf-8", "replace").split("\n")
    if done.returncode != 0 or len(lines) < len(calls):
        err = done.stderr.decode("utf-8", "replace").strip().splitlines()
        msg = f"error: node rc={done.returncode}: {err[-1] if err else ''}"
        lines = lines[:len(calls)] + [msg] * (len(calls) - len(lines))
    return lines[:len(calls)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--keep-going", action="store_true")
    ap.add_argument("--findings", default="/tmp/eh-findings")
    ap.add_argument("--wisp", default=str(REPO / "build" / "wisp"))
    ap.add_argument("--node", default="node")
    ap.add_argument("--wat2wasm", default="wat2wasm")
    ap.add_argument("--args-per-func", type=int, default=4)
    ap.add_argument("--verbose", action="store_true")
    opts = ap.parse_args()

    seed = opts.seed if opts.seed is not None else random.randrange(2**31)
    findings = Path(opts.findings)
    findings.mkdir(parents=True, exist_ok=True)
    script = REPO / "fuzz" / "eh_v8.mjs"
    work = Path(tempfile.mkdtemp(prefix="eh-diff-"))
    stats = {"generated": 0, "rejected": 0, "run": 0, "calls": 0, "divergences": 0,
             "divergent_modules": 0}
    outcomes = {"value": 0, "trap": 0, "uncaught exception": 0, "error": 0}
    print(f"eh_diff: seed {seed}, {opts.count} modules, findings in {findings}", flush=True)
    try:
        for index in range(opts.count):
            rng = random.Random(f"{seed}:{index}")
            mod = ModuleGen(rng)
            wat = mod.generate()
            stats["generated"] += 1
            wat_path = work / "module.wat"
            wasm_path = work / "module.wasm"
            wat_path.write_text(wat)
            conv = subprocess.run([opts.wat2wasm, "--enable-exceptions", "--enable-tail-call", str(wat_path), "-o",
                                   str(wasm_path)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            if conv.returncode != 0:
                stats["rejected"] += 1
                rej = findings / "rejected"
                rej.mkdir(exist_ok=True)
                if len(list(rej.iterdir())) < 40:
                    (rej / f"{seed}-{index}.wat").write_text(wat)
                    (rej / f"{seed}-{index}.err").write_bytes(conv.stdout)
                if opts.verbose:
                    print(conv.stdout.decode()[:500])
                continue
            stats["run"] += 1
            calls = []
            for f in mod.funcs:
                for args in mod.arg_tuples(f, opts.args_per_func):
                    calls.append({"name": f"f{f.index}", "params": f.params, "results": f.results,
                                  "args": args})
            v8 = run_v8(opts.node, script, work, wasm_path, calls)
            diverged = []
            for call, v8_out in zip(calls, v8):
                wisp_out = run_wisp(opts.wisp, wasm_path, call["name"], call["args"], call["results"],
                                    WISP_MODES[index % len(WISP_MODES)])
                stats["calls"] += 1
                key = wisp_out if wisp_out in ("trap", "uncaught exception") else (
                    "error" if wisp_out.startswith("error") else "value")
                outcomes[key] += 1
                if wisp_out != v8_out:
                    diverged.append((call, wisp_out, v8_out))
            if diverged:
                stats["divergences"] += len(diverged)
                stats["divergent_modules"] += 1
                dest = findings / f"{seed}-{index}"
                dest.mkdir(parents=True, exist_ok=True)
                shutil.copy(wat_path, dest / "module.wat")
                shutil.copy(wasm_path, dest / "module.wasm")
                with open(dest / "calls.txt", "w") as out:
                    for call, w, v in diverged:
                        out.write(f"wisp run {' '.join(WISP_MODES[index % len(WISP_MODES)])} --invoke "
                                  f"{call['name']} module.wasm {' '.join(call['args'])}\n"
                                  f"  wisp: {w}\n  v8:   {v}\n")
                print(f"module {index}: {len(diverged)} divergent calls, saved in {dest}", flush=True)
                for call, w, v in diverged[:3]:
                    print(f"  {call['name']} {' '.join(call['args'])}: wisp {w!r} v8 {v!r}")
                if not opts.keep_going:
                    break
            if (index + 1) % 50 == 0:
                print(f"... {index + 1} modules, {stats}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"modules generated {stats['generated']}, rejected by wat2wasm {stats['rejected']}, "
          f"run {stats['run']}, calls compared {stats['calls']}, divergent calls "
          f"{stats['divergences']} (in {stats['divergent_modules']} modules)")
    print(f"outcomes (Wisp): {outcomes}")
    return 1 if stats["divergences"] else 0


if __name__ == "__main__":
    sys.exit(main())

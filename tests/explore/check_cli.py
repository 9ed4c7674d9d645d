#!/usr/bin/env python3
"""What `wisp explore` says about bad input: each case's exit status and the message naming
what is wrong and where, and that no page is left behind.

  check_cli.py --wisp WISP --work DIR --wat2wasm WAT2WASM --wat SAMPLE.wat

Exits 77 (skipped) without wat2wasm.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys

failures = []


def expect(name, command, status, stderr_pattern, stdout_pattern=None):
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    problems = []
    if result.returncode != status:
        problems.append(f"exit status {result.returncode}, expected {status}")
    if stderr_pattern and not re.search(stderr_pattern, result.stderr):
        problems.append(f"stderr does not match {stderr_pattern!r}")
    if stdout_pattern and not re.search(stdout_pattern, result.stdout, re.DOTALL):
        problems.append(f"stdout does not match {stdout_pattern!r}")
    if "internal error" in result.stderr or result.returncode < 0:
        problems.append("it crashed")
    verdict = "ok" if not problems else "FAILED: " + "; ".join(problems)
    print(f"{name}: {verdict}")
    if problems:
        print(f"  command: {' '.join(command)}\n  stdout: {result.stdout!r}\n  stderr: {result.stderr!r}")
        failures.append(name)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--wisp", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--wat2wasm", required=True)
    parser.add_argument("--wat", required=True)
    args = parser.parse_args()
    if not shutil.which(args.wat2wasm):
        print("SKIPPED: wat2wasm not found (install wabt: bash scripts/setup.sh)", file=sys.stderr)
        sys.exit(77)
    os.makedirs(args.work, exist_ok=True)
    wisp, work = args.wisp, args.work

    good = os.path.join(work, "good.wasm")
    subprocess.run([args.wat2wasm, "--debug-names", args.wat, "-o", good], check=True)
    malformed = os.path.join(work, "malformed.wasm")
    with open(malformed, "wb") as file:
        file.write(b"\0asm\x01\0\0\0\x01\x05\x01")  # a type section cut short
    not_wasm = os.path.join(work, "not-wasm.wasm")
    with open(not_wasm, "wb") as file:
        file.write(b"<html>not a module</html>")
    invalid = os.path.join(work, "invalid.wasm")
    # (module (func (result i32) (i64.const 0))): an i64 where an i32 is due.
    with open(invalid, "wb") as file:
        file.write(bytes.fromhex("0061736d01000000010501600001 7f03020100 0a0601040042000b".replace(" ", "")))
    page = os.path.join(work, "page.html")
    if os.path.exists(page):
        os.remove(page)  # from an earlier run

    expect("missing file", [wisp, "explore", os.path.join(work, "absent.wasm"), "-o", page], 1,
           r"wisp explore: cannot read '.*absent\.wasm': No such file or directory")
    expect("directory as module", [wisp, "explore", work, "-o", page], 1,
           r"wisp explore: cannot read '.*': Is a directory")
    expect("not wasm", [wisp, "explore", not_wasm, "-o", page], 1,
           r"wisp explore: .*not-wasm\.wasm: malformed module at byte 0x0: magic header not detected")
    expect("malformed", [wisp, "explore", malformed, "-o", page], 1,
           r"wisp explore: .*malformed\.wasm: malformed module at byte 0x[0-9a-f]+: ")
    expect("invalid", [wisp, "explore", invalid, "-o", page], 1,
           r"wisp explore: .*invalid\.wasm: invalid module at byte 0x[0-9a-f]+ \(function 0\): type mismatch")
    if os.path.exists(page):
        print("FAILED: a page was written for a module that cannot be explored")
        failures.append("no page for bad modules")
    expect("missing -o", [wisp, "explore", good], 2, r"--output is required")
    expect("missing FILE", [wisp, "explore", "-o", page], 2, r"FILE is required")
    expect("unwritable output", [wisp, "explore", good, "-o", os.path.join(work, "absent", "page.html")],
           3, r"wisp explore: cannot write '.*absent/page\.html': No such file or directory")
    expect("directory as output", [wisp, "explore", good, "-o", work], 3,
           r"wisp explore: cannot write '.*': Is a directory")
    expect("written", [wisp, "explore", good, "-o", page], 0, None,
           r"page\.html: 7 functions \(.*\); .* KiB written")
    expect("help", [wisp, "explore", "--help"], 0, None, r"-o,--output.*Exit status:.*3  the page cannot be written")
    expect("listed in wisp --help", [wisp, "--help"], 0, None, r"explore\s+Write an HTML page")

    if failures:
        print(f"{len(failures)} failed: {', '.join(failures)}")
        sys.exit(1)
    print("all passed")


if __name__ == "__main__":
    main()

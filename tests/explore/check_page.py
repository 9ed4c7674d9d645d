#!/usr/bin/env python3
"""The page of `wisp explore`, checked as it is written and as headless Chromium renders it.

  check_page.py --wisp WISP --work DIR (--wat FILE --wat2wasm WAT2WASM | --c FILE --cc CLANG)
                [--chromium CHROMIUM]

1. The module (a .wat through wat2wasm, or a C program through clang for wasm32-wasi) goes
   through `wisp explore`; the page must be self-contained (no external script, style, image
   or link) and its data must list every defined function of the module (counted here from the
   binary's function section), each with wasm and machine code rows whose links are in range.
2. Chromium opens it with #selftest: the page selects the first function with code, clicks a
   wasm instruction and then one of its machine instructions, and writes what it shows into
   #selftest-result; the function list must hold every function, a click must highlight at
   least one row on the other side, and the wasm row highlighted back must be the one clicked.
3. A 1280x800 screenshot must not be of one colour (PNG decoded here, no imaging library).

Exits 77 (skipped) when Chromium, wat2wasm or clang for wasm32-wasi is missing.
"""
import argparse
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

SKIP = 77


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def skip(message):
    print(f"SKIPPED: {message}", file=sys.stderr)
    sys.exit(SKIP)


def run(command, timeout=300, **kwargs):
    print("+ " + " ".join(command), flush=True)
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, **kwargs)


def leb_u32(data, at):
    value, shift = 0, 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, at


def defined_function_count(wasm):
    """The count of the function section (0 when there is none)."""
    if wasm[:4] != b"\0asm":
        fail("the module is not a wasm binary")
    at = 8
    while at < len(wasm):
        section_id = wasm[at]
        size, at = leb_u32(wasm, at + 1)
        if section_id == 3:
            return leb_u32(wasm, at)[0]
        at += size
    return 0


def build_module(args):
    wasm = os.path.join(args.work, "module.wasm")
    if args.wat:
        if not args.wat2wasm or not shutil.which(args.wat2wasm):
            skip("wat2wasm not found (install wabt: bash scripts/setup.sh)")
        result = run([args.wat2wasm, "--debug-names", args.wat, "-o", wasm])
    else:
        if not args.cc or not shutil.which(args.cc) or not os.path.exists("/usr/lib/wasm32-wasi/libc.a"):
            skip("clang for wasm32-wasi not found (bash scripts/setup.sh installs it)")
        result = run([args.cc, "--target=wasm32-wasi", "-O2", args.c, "-o", wasm])
    if result.returncode != 0:
        fail(f"building the module failed:\n{result.stderr}")
    return wasm


def check_data(page, expected_functions):
    for pattern in (r"<script[^>]*\bsrc=", r"<link\b", r"<img\b", r"<iframe\b", r"@import",
                    r"url\(", r"\bhref=\"[a-z]+:"):
        if re.search(pattern, page, re.IGNORECASE):
            fail(f"the page is not self-contained: it has {pattern}")
    match = re.search(r'<script id="explore-data" type="application/json">(.*?)</script>',
                      page, re.DOTALL)
    if not match:
        fail("no explore-data script in the page")
    data = json.loads(match.group(1))
    functions = data["functions"]
    if len(functions) != expected_functions:
        fail(f"the data lists {len(functions)} functions, the module defines {expected_functions}")
    linked = 0
    for f in functions:
        if not f["w"] or not f["a"]:
            fail(f"function {f['i']} has no wasm or no machine code rows")
        if f["w"][0][2].split()[0] != "entry" or f["w"][-1][2] != "end":
            fail(f"function {f['i']}: wasm rows do not run from the entry to the final end")
        for row in f["a"]:
            if not -1 <= row[3] < len(f["w"]):
                fail(f"function {f['i']}: machine code row {row} links outside the wasm rows")
            linked += row[3] > 0
    if linked == 0:
        fail("no machine instruction links to a wasm instruction of a body")
    print(f"data: {len(functions)} functions, {linked} machine instructions linked to the body")


def chromium_command(args, profile):
    return [args.chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
            "--no-first-run", f"--user-data-dir={profile}"]


def check_selftest(args, page_path, expected_functions, profile):
    result = run(chromium_command(args, profile) +
                 ["--dump-dom", f"file://{page_path}#selftest"], timeout=180)
    if result.returncode != 0:
        fail(f"chromium --dump-dom failed ({result.returncode}):\n{result.stderr[-2000:]}")
    match = re.search(r'<pre id="selftest-result">(.*?)</pre>', result.stdout, re.DOTALL)
    if not match or not match.group(1).strip():
        fail("the page wrote no #selftest-result:\n" + result.stdout[-2000:])
    report = json.loads(match.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    print("selftest: " + json.dumps(report))
    if "error" in report:
        fail(f"the page's script failed: {report['error']}")
    expect = {
        "functions_listed": expected_functions,
        "functions_in_data": expected_functions,
    }
    for key, value in expect.items():
        if report.get(key) != value:
            fail(f"selftest {key} is {report.get(key)}, expected {value}")
    for key in ("wasm_rows", "asm_rows", "asm_highlighted"):
        if report.get(key, 0) < 1:
            fail(f"selftest {key} is {report.get(key)}, expected at least 1")
    if report.get("wasm_highlighted") != 1 or report.get("wasm_highlighted_row") != report.get("wasm_clicked"):
        fail("clicking the machine instruction did not highlight the wasm instruction it came from")


def png_colours(path):
    """The number of distinct colours of an 8-bit RGB or RGBA PNG."""
    with open(path, "rb") as file:
        png = file.read()
    if png[:8] != b"\x89PNG\r\n\x1a\n":
        fail(f"{path} is not a PNG")
    at, idat, header = 8, b"", None
    while at < len(png):
        length, kind = struct.unpack(">I4s", png[at:at + 8])
        chunk = png[at + 8:at + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat += chunk
        at += 12 + length
    width, height, depth, colour_type, _, _, interlace = header
    channels = {2: 3, 6: 4}.get(colour_type)
    if depth != 8 or channels is None or interlace:
        fail(f"unexpected PNG format: depth {depth}, colour type {colour_type}, interlace {interlace}")
    raw = zlib.decompress(idat)
    stride = width * channels
    previous = bytearray(stride)
    colours = set()
    for y in range(height):
        line = raw[y * (stride + 1):(y + 1) * (stride + 1)]
        kind, row = line[0], bytearray(line[1:])
        for x in range(stride):
            left = row[x - channels] if x >= channels else 0
            up = previous[x]
            if kind == 1:
                row[x] = (row[x] + left) & 0xFF
            elif kind == 2:
                row[x] = (row[x] + up) & 0xFF
            elif kind == 3:
                row[x] = (row[x] + ((left + up) >> 1)) & 0xFF
            elif kind == 4:
                corner = previous[x - channels] if x >= channels else 0
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                row[x] = (row[x] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 0xFF
        colours.update(bytes(row[i:i + channels]) for i in range(0, stride, channels * 7))
        previous = row
    return len(colours)


def check_screenshot(args, page_path, profile):
    shot = os.path.join(args.work, "page.png")
    if os.path.exists(shot):
        os.remove(shot)
    result = run(chromium_command(args, profile) +
                 [f"--screenshot={shot}", "--window-size=1280,800", f"file://{page_path}#selftest"],
                 timeout=180)
    if result.returncode != 0 or not os.path.exists(shot):
        fail(f"chromium --screenshot failed ({result.returncode}):\n{result.stderr[-2000:]}")
    colours = png_colours(shot)
    print(f"screenshot: {shot}, {colours} colours")
    if colours < 8:
        fail(f"the screenshot has {colours} colours: the page looks empty")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--wisp", required=True)
    parser.add_argument("--work", required=True)
    parser.add_argument("--wat")
    parser.add_argument("--wat2wasm")
    parser.add_argument("--c")
    parser.add_argument("--cc")
    parser.add_argument("--chromium")
    args = parser.parse_args()
    if not args.chromium or not shutil.which(args.chromium):
        skip("chromium not found (bash scripts/setup.sh installs it)")
    os.makedirs(args.work, exist_ok=True)

    wasm = build_module(args)
    with open(wasm, "rb") as file:
        expected_functions = defined_function_count(file.read())
    page_path = os.path.abspath(os.path.join(args.work, "page.html"))
    result = run([args.wisp, "explore", wasm, "-o", page_path])
    print(result.stdout, end="")
    if result.returncode != 0:
        fail(f"wisp explore failed ({result.returncode}):\n{result.stderr}")
    with open(page_path, encoding="utf-8") as file:
        check_data(file.read(), expected_functions)

    with tempfile.TemporaryDirectory(prefix="wisp-explore-chromium-") as profile:
        check_selftest(args, page_path, expected_functions, profile)
        check_screenshot(args, page_path, profile)
    print("ok")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Checks that Wisp's wasm.h declares what the standard one does: the same functions with the
same signatures, the same structs, enums and constants, and the same macros.

    compare_header.py OURS STANDARD

Both headers go through the C preprocessor; declarations are compared with whitespace and
function bodies dropped. Wisp may add (it adds a helper the function-type short-hands share);
it may not leave out or differ."""
import re
import subprocess
import sys


def preprocess(path, *flags):
    return subprocess.run(["cc", "-E", "-P", "-DWASM_API_EXTERN=", *flags, path],
                          check=True, capture_output=True, text=True).stdout


def tidy(text):
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r" ?([(){}\[\],;*]) ?", r"\1", text)


def declarations(source):
    """Function declarations and definitions' heads, outside any braces."""
    found, depth, current = set(), 0, ""
    for char in source:
        if depth == 0:
            current += char
            if char == "{":
                depth = 1
            elif char == ";":
                found.add(tidy(current))
                current = ""
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                found.add(tidy(current + "}"))
                current = ""
    # `inline` and `static inline` helpers that only check types are equivalent.
    return {re.sub(r"^static inline void assertions", "inline void assertions", d) for d in found}


def definitions(source):
    text = re.sub(r"\s+", " ", source)
    types = re.findall(r"(?:typedef )?(?:struct|enum|union) \w+ ?\{[^{}]*(?:\{[^{}]*\}[^{}]*)?\}[^;]*;", text)
    constants = re.findall(r"static const [^;]*;", text)
    return {tidy(d) for d in types + constants}


def macros(path):
    out = preprocess(path, "-dM")
    names = set()
    for line in out.splitlines():
        name = re.match(r"#define (\w+)", line).group(1)
        if re.match(r"(WASM_|wasm_|own$|MEMORY_PAGE_SIZE)", name):
            names.add(name)
    return names


def main():
    ours, standard = sys.argv[1], sys.argv[2]
    ours_source, standard_source = preprocess(ours), preprocess(standard)
    problems = []
    for what, mine, theirs in [
        ("declaration", declarations(ours_source), declarations(standard_source)),
        ("definition", definitions(ours_source), definitions(standard_source)),
        ("macro", macros(ours), macros(standard)),
    ]:
        for missing in sorted(theirs - mine):
            problems.append(f"{what} of the standard header missing or different: {missing}")
        print(f"{what}s: {len(theirs)} in the standard header, {len(theirs - mine)} missing; "
              f"{len(mine - theirs)} of Wisp's own")
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

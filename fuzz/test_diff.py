#!/usr/bin/env python3
"""Unit tests of fuzz/diff.py's comparison, classification edits and batch runner; they need
only python3 and bash (CTest: fuzz/diff-unit)."""

import os
import stat
import sys
import tempfile
import textwrap
import unittest
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import diff  # noqa: E402


class SameValue(unittest.TestCase):
    def test_integers_compare_exactly(self):
        self.assertTrue(diff.same_value("-9223372036854775808", "-9223372036854775808"))
        self.assertFalse(diff.same_value("9007199254740993", "9007199254740992"))

    def test_one_double_printed_three_ways(self):
        # binaryen prints -2^64 as an integer that is not even exact; Wisp and V8 in scientific.
        self.assertTrue(diff.same_value("-18446744073709551615", "-1.8446744073709552e+19"))
        self.assertTrue(diff.same_value("1000000015047466219876688e6", "1.0000000150474662e+30"))
        self.assertTrue(diff.same_value("0.16899999976158142", "1.6899999976158142e-01"))

    def test_signed_zeros_differ(self):
        self.assertFalse(diff.same_value("-0", "0"))
        self.assertTrue(diff.same_value("-0", "-0"))

    def test_any_two_nans_are_equal_but_a_nan_is_no_number(self):
        self.assertTrue(diff.same_value("-nan:0xfffffde475750", "nan"))
        self.assertFalse(diff.same_value("nan", "0"))

    def test_infinities(self):
        self.assertTrue(diff.same_value("-inf", "-Infinity"))
        self.assertFalse(diff.same_value("inf", "-inf"))


class Events(unittest.TestCase):
    BINARYEN = textwrap.dedent("""\
        [fuzz-exec] calling f
        [LoggingExternalInterface logging -5 -1]
        [trap i32.div_s by 0]
        [fuzz-exec] calling g
        [fuzz-exec] note result: g => (-nan:0x8, -1, 3.5)
        warning: no passes specified, not doing any work
        """)

    def test_same_events_in_other_words(self):
        wisp = textwrap.dedent("""\
            [fuzz-exec] calling f
            [LoggingExternalInterface logging -5 -1]
            [trap integer divide by zero]
            [fuzz-exec] calling g
            [fuzz-exec] note result: g => (nan, -1, 3.5e+0)
            """)
        self.assertIsNone(diff.first_difference(diff.events_of(self.BINARYEN), diff.events_of(wisp)))

    def test_a_missing_trap_is_found_where_it_happens(self):
        wisp = "[fuzz-exec] calling f\n[LoggingExternalInterface logging -5 -1]\n[fuzz-exec] calling g\n"
        index, expected, actual = diff.first_difference(diff.events_of(wisp),
                                                        diff.events_of(self.BINARYEN))
        self.assertEqual(index, 2)
        self.assertEqual(expected, ("call", "g"))
        self.assertEqual(actual[0], "trap")

    def test_a_harness_error_never_agrees(self):
        self.assertIsNotNone(diff.first_difference(
            diff.events_of("[wisp error] compile: invalid\n"), diff.events_of("[v8 error] compile: invalid\n")))


class RunBatch(unittest.TestCase):
    """run_batch pins a crash or a hang on the module in progress and runs the rest again."""

    def setUp(self):
        self.folder = Path(tempfile.mkdtemp())
        self.program = self.folder / "fake-harness"
        self.program.write_text(textwrap.dedent("""\
            #!/usr/bin/env bash
            for f in "$@"; do
              echo "### module $f"
              case $f in
                crash) kill -SEGV $$ ;;
                hang) sleep 30 ;;
              esac
              echo "[fuzz-exec] calling $f"
              echo "### end $f"
            done
            """))
        self.program.chmod(self.program.stat().st_mode | stat.S_IXUSR)

    def test_crash_and_hang_are_pinned_and_the_others_run(self):
        results = diff.run_batch([str(self.program)], ["a", "crash", "b", "hang", "c"], timeout=1)
        self.assertEqual(results["a"], ("ok", "[fuzz-exec] calling a\n"))
        self.assertEqual(results["crash"][0], "crash: signal SIGSEGV")
        self.assertEqual(results["b"], ("ok", "[fuzz-exec] calling b\n"))
        self.assertEqual(results["hang"][0], "timeout")
        self.assertEqual(results["c"], ("ok", "[fuzz-exec] calling c\n"))

    def tearDown(self):
        for path in self.folder.iterdir():
            os.remove(path)
        self.folder.rmdir()


if __name__ == "__main__":
    unittest.main()

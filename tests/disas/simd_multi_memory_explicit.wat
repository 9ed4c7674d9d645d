;; disas: multi-memory explicit-bounds-checks
;; A v128 access of memory 1 with explicit bounds checks, as multi_memory_explicit.wat's other
;; accesses (apart from them: SIMD is not yet on AArch64).
(module
  (memory $m0 1)
  (memory $m1 1)
  (func $v128_m1 (param $from i32) (param $to i32)
    (v128.store $m1 (local.get $to) (v128.load $m1 (local.get $from)))))

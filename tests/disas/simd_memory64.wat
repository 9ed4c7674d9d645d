;; disas: memory64 multi-memory
;; A v128 access of a 64-bit memory whose base is loaded through the vmctx: checked as
;; memory64.wat's other accesses are (apart from them: SIMD is not yet on AArch64).
(module
  (memory $m0 i64 1)
  (memory $m1 1)
  (memory $m2 i64 1)
  (func $v128_m2 (param $from i64) (param $to i64)
    (v128.store $m2 (local.get $to) (v128.load $m2 (local.get $from)))))

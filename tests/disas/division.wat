;; Division and conversions that can trap: checks jump to out-of-line trap stubs after the
;; function body.
(module
  (func $div_s (param $a i32) (param $b i32) (result i32)
    (i32.div_s (local.get $a) (local.get $b)))

  (func $div_u (param $a i32) (param $b i32) (result i32)
    (i32.div_u (local.get $a) (local.get $b)))

  (func $rem_s (param $a i64) (param $b i64) (result i64)
    (i64.rem_s (local.get $a) (local.get $b)))

  ;; A non-zero constant divisor needs no zero check.
  (func $div_by_7 (param $a i32) (result i32)
    (i32.div_u (local.get $a) (i32.const 7)))

  (func $trunc (param $x f64) (result i32)
    (i32.trunc_f64_s (local.get $x)))
)

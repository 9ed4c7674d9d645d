;; if/else with results: both arms leave their value in the merge state.
(module
  (func $abs (param $x i32) (result i32)
    (if (result i32) (i32.lt_s (local.get $x) (i32.const 0))
      (then (i32.sub (i32.const 0) (local.get $x)))
      (else (local.get $x))))

  (func $sign (param $x f64) (result i32)
    (if (result i32) (f64.gt (local.get $x) (f64.const 0))
      (then (i32.const 1))
      (else
        (if (result i32) (f64.lt (local.get $x) (f64.const 0))
          (then (i32.const -1))
          (else (i32.const 0))))))

  ;; Two results through the merge.
  (func $swap_if (param $c i32) (param $a i64) (param $b i64) (result i64 i64)
    (if (result i64 i64) (local.get $c)
      (then (local.get $b) (local.get $a))
      (else (local.get $a) (local.get $b))))
)

;; v128 arguments and results of `wisp run --invoke` (apart from calc.wat: SIMD is not yet on
;; AArch64).
(module
  (func $add_lanes (export "add_lanes") (param $a v128) (param $b v128) (result v128)
    (i32x4.add (local.get $a) (local.get $b)))
  (func $halve_lanes (export "halve_lanes") (param $a v128) (result v128)
    (f32x4.mul (local.get $a) (v128.const f32x4 0.5 0.5 0.5 0.5)))
)

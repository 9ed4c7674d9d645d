;; min/max follow wasm, not x86: NaN in, NaN out, and -0 < +0.
(module
  (func $f32_min (param $a f32) (param $b f32) (result f32)
    (f32.min (local.get $a) (local.get $b)))
  (func $f32_max (param $a f32) (param $b f32) (result f32)
    (f32.max (local.get $a) (local.get $b)))
  (func $f64_min (param $a f64) (param $b f64) (result f64)
    (f64.min (local.get $a) (local.get $b)))
  (func $f64_max (param $a f64) (param $b f64) (result f64)
    (f64.max (local.get $a) (local.get $b)))
  (func $f64_copysign (param $a f64) (param $b f64) (result f64)
    (f64.copysign (local.get $a) (local.get $b)))
)

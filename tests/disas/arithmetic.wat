;; Integer and float arithmetic on registers.
(module
  (func $i32_mix (param $a i32) (param $b i32) (param $c i32) (result i32)
    (i32.sub (i32.mul (i32.add (local.get $a) (local.get $b)) (local.get $c))
             (i32.and (local.get $a) (local.get $c))))

  (func $i64_shifts (param $x i64) (param $n i64) (result i64)
    (i64.or (i64.shr_u (local.get $x) (local.get $n))
            (i64.rotl (local.get $x) (local.get $n))))

  (func $i32_bits (param $x i32) (result i32)
    (i32.add (i32.clz (local.get $x)) (i32.popcnt (local.get $x))))

  (func $f64_poly (param $x f64) (result f64)
    ;; x * x + 2.5 * x
    (f64.add (f64.mul (local.get $x) (local.get $x))
             (f64.mul (f64.const 2.5) (local.get $x))))

  (func $f32_ops (param $x f32) (param $y f32) (result f32)
    (f32.div (f32.sqrt (local.get $x)) (f32.neg (local.get $y))))

  (func $conversions (param $x i32) (result f64)
    (f64.add (f64.convert_i32_s (local.get $x))
             (f64.promote_f32 (f32.convert_i32_u (local.get $x)))))
)

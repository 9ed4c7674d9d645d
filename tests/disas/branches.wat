;; A compare feeding br_if, select or i32.eqz becomes flags and a conditional instruction.
(module
  (func $clamp_low (param $x i32) (param $low i32) (result i32)
    (block $done (result i32)
      ;; br_if with a value leaves it on the stack when not taken.
      (drop (br_if $done (local.get $low) (i32.lt_s (local.get $x) (local.get $low))))
      local.get $x))

  (func $is_zero (param $x i64) (result i32)
    (i64.eqz (local.get $x)))

  (func $max_u (param $a i32) (param $b i32) (result i32)
    (select (local.get $a) (local.get $b) (i32.gt_u (local.get $a) (local.get $b))))

  (func $early_return (param $x i32) (result i32)
    (if (i32.eqz (local.get $x)) (then (return (i32.const -1))))
    (i32.div_u (i32.const 100) (local.get $x)))
)

;; br_table: a bounds check against the case count, then a jump table of 32-bit deltas.
(module
  (func $classify (param $x i32) (result i32)
    (block $default
      (block $two
        (block $one
          (block $zero
            (br_table $zero $one $two $default (local.get $x)))
          (return (i32.const 100)))
        (return (i32.const 101)))
      (return (i32.const 102)))
    (i32.const -1))

  ;; A br_table carrying a value to its targets.
  (func $pick (param $x i32) (param $v i64) (result i64)
    (block $b (result i64)
      (block $a (result i64)
        (br_table $a $b (local.get $v) (local.get $x)))
      (i64.add (i64.const 1)))
    (i64.add (i64.const 2)))
)

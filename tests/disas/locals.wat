;; local.get pushes an alias to the local's home: no code until a user needs the value.
(module
  ;; Both operands read the parameter's slot; nothing is copied first.
  (func $square (param $x i32) (result i32)
    (i32.mul (local.get $x) (local.get $x)))

  ;; The alias of $x on the stack must be materialized before local.set overwrites $x.
  (func $old_plus_new (param $x i32) (result i32)
    local.get $x
    (local.set $x (i32.const 7))
    local.get $x
    i32.add)

  ;; local.tee keeps the value and stores it.
  (func $tee (param $x i64) (result i64) (local $y i64)
    (i64.add (local.tee $y (i64.shl (local.get $x) (i64.const 1))) (local.get $y)))

  ;; Declared locals are zeroed in the prologue.
  (func $zeroed (result f64) (local $a f64) (local $b i32)
    local.get $a)
)

;; The module of the `wisp explore` page test: an import, direct and indirect calls, blocks,
;; a loop, a br_table, memory accesses with offsets, a trap, floats and many locals.
(module
  (import "env" "log" (func $log (param i32)))
  (type $binary (func (param i32 i32) (result i32)))
  (memory 1)
  (table 2 funcref)
  (elem (i32.const 0) $add $sub)

  (func $add (type $binary) (i32.add (local.get 0) (local.get 1)))
  (func $sub (type $binary) (i32.sub (local.get 0) (local.get 1)))

  (func $apply (export "apply") (param $op i32) (param $a i32) (param $b i32) (result i32)
    (call_indirect (type $binary) (local.get $a) (local.get $b) (local.get $op)))

  (func $sum (export "sum") (param $address i32) (param $count i32) (result i32)
    (local $total i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $count)))
        (local.set $total (i32.add (local.get $total) (i32.load offset=8 (local.get $address))))
        (local.set $address (i32.add (local.get $address) (i32.const 4)))
        (local.set $count (i32.sub (local.get $count) (i32.const 1)))
        (br $next)))
    (call $log (local.get $total))
    (local.get $total))

  (func $classify (export "classify") (param $x i32) (result i32)
    (block $other
      (block $two
        (block $one
          (block $zero
            (br_table $zero $one $two $other (local.get $x)))
          (return (i32.const 100)))
        (return (i32.const 101)))
      (return (i32.const 102)))
    (if (result i32) (i32.gt_s (local.get $x) (i32.const 1000))
      (then (i32.div_s (local.get $x) (i32.const 7)))
      (else (i32.rem_u (local.get $x) (local.get $x)))))

  (func $scale (export "scale") (param $x f64) (param $y f32) (result f64)
    (local i64 i64 i64 i64 i64 i64)
    (f64.store offset=16 (i32.const 0) (local.get $x))
    (f64.add (f64.mul (local.get $x) (f64.const 0.25))
             (f64.promote_f32 (f32.sqrt (local.get $y)))))

  (func $fail (export "fail") unreachable)
)

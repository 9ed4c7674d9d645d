;; WebAssembly 3.0 features on by default: a tail-recursive loop of a million calls (constant
;; stack), a second memory, and an extended constant expression.
(module
  (memory $first 1)
  (memory $second 1)
  (global $base i32 (i32.add (i32.const 1000) (i32.mul (i32.const 6) (i32.const 4))))
  (func $count (param $n i32) (param $acc i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (local.get $acc))
      (else (return_call $count (i32.sub (local.get $n) (i32.const 1))
                                (i32.add (local.get $acc) (i32.const 2))))))
  (func (export "run") (param $n i32) (result i32)
    (i32.store $second (global.get $base) (call $count (local.get $n) (i32.const 0)))
    (i32.add (i32.load $second (i32.const 1024)) (i32.load $first (i32.const 1024)))))

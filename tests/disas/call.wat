;; Direct calls: rel32 to the callee, arguments in the wasm convention, the vmctx and memory
;; base reloaded afterwards.
(module
  (memory 1)
  (func $add (param $a i32) (param $b i32) (result i32)
    (i32.add (local.get $a) (local.get $b)))

  (func $call_add (param $x i32) (result i32)
    (call $add (local.get $x) (i32.const 10)))

  ;; 8 integer arguments: the last two go on the stack, which the callee pops as it returns
  ;; (`ret 0x10`): the caller frees nothing after the call.
  (func $sum8 (param i64 i64 i64 i64 i64 i64 i64 i64) (result i64)
    (i64.add (local.get 0) (local.get 7)))
  (func $call_sum8 (result i64)
    (call $sum8 (i64.const 1) (i64.const 2) (i64.const 3) (i64.const 4)
                (i64.const 5) (i64.const 6) (i64.const 7) (i64.const 8)))

  ;; A value live across a call is spilled before it.
  (func $keep_across (param $x i32) (result i32)
    (i32.mul (local.get $x) (call $add (local.get $x) (local.get $x))))

  ;; Recursion.
  (func $fib (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
)

;; A small module that exercises what Wisp decodes and validates today: a memory with a data
;; segment, a global, recursion, a loop, and exports. `bash scripts/demo.sh` builds it with
;; wat2wasm and checks it with `wisp validate`.
(module
  (memory (export "memory") 1)
  (data (i32.const 16) "Hello from Wisp!")
  (global $greeting_length i32 (i32.const 16))

  ;; n! by recursion, in 64 bits so 20! still fits.
  (func $factorial (export "factorial") (param $n i64) (result i64)
    (if (result i64) (i64.le_u (local.get $n) (i64.const 1))
      (then (i64.const 1))
      (else
        (i64.mul (local.get $n)
                 (call $factorial (i64.sub (local.get $n) (i64.const 1)))))))

  ;; 1 + 2 + ... + n, with a loop and a conditional branch back to its head.
  (func (export "sum_to") (param $n i32) (result i32)
    (local $total i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $total (i32.add (local.get $total) (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $total))

  ;; The sum of the greeting's bytes, read back from memory one byte at a time.
  (func (export "greeting_checksum") (result i32)
    (local $i i32) (local $sum i32)
    (loop $next
      (local.set $sum
        (i32.add (local.get $sum) (i32.load8_u offset=16 (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $i) (global.get $greeting_length))))
    (local.get $sum))
)

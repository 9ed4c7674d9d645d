;; A hot loop to try profiling on (docs/profiling.md): `run` (exported, without a name of its
;; own, so profiles call it demo::wasm[1]) calls demo::inner K times; inner sums n*n for n from
;; 100000 down to 1, in i32 arithmetic that wraps.
;;   wat2wasm --debug-names examples/profile_loop.wat -o loop.wasm
;;   wisp run --profile=jitdump --invoke run loop.wasm 5000
(module $demo
  (func $inner (param $n i32) (result i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (i32.mul (local.get $n) (local.get $n))))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $l (local.get $n)))
    (local.get $acc))
  (func (export "run") (param $k i32) (result i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s) (call $inner (i32.const 100000))))
      (local.set $k (i32.sub (local.get $k) (i32.const 1)))
      (br_if $l (local.get $k)))
    (local.get $s)))

;; Traps deep in a call chain, from wasm itself and from a host function.
(module
  (import "host" "fail" (func $fail (param i32)))
  (func $divide (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func $middle (param i32) (result i32)
    (i32.add (call $divide (i32.const 10) (local.get 0)) (i32.const 1)))
  (func (export "compute") (param i32) (result i32) (call $middle (local.get 0)))
  (func (export "ask_host") (param i32)
    (nop)
    (call $fail (local.get 0)))
  (func (export "crash") (unreachable)))

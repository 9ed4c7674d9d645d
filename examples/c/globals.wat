;; Globals both ways: imported from the host, exported to it, read and written by wasm.
(module
  (import "host" "offset" (global $offset i32))
  (import "host" "counter" (global $counter (mut i64)))
  (global $scale (export "scale") (mut f64) (f64.const 1.5))
  (global (export "answer") i32 (i32.const 42))
  (func (export "bump") (result i64)
    (global.set $counter (i64.add (global.get $counter) (i64.extend_i32_s (global.get $offset))))
    (global.get $counter))
  (func (export "scaled") (param f64) (result f64)
    (f64.mul (local.get 0) (global.get $scale))))

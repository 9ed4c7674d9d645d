;; The smallest round trip: wasm calls a host function, the host calls wasm.
(module
  (import "host" "report" (func $report (param i32) (result i32)))
  (func (export "run") (param $x i32) (result i32)
    (i32.add (call $report (i32.mul (local.get $x) (i32.const 2))) (i32.const 1))))

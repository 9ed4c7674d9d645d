;; Self-test of `wisp wast`: execution commands that must all be judged failures.
;; Expected: 1 passed (the module), 8 failed, 0 skipped, and a non-zero exit status.
(module
  (func (export "one") (result i32) (i32.const 1))
  (func (export "half") (result f32) (f32.const 0.5))
  (func (export "nan") (result f64) (f64.const nan:0x1))
  (func (export "trap") (unreachable))
  (func (export "id") (param externref) (result externref) (local.get 0)))
(assert_return (invoke "one") (i32.const 2))
(assert_return (invoke "half") (f32.const nan:arithmetic))
(assert_return (invoke "nan") (f64.const nan:canonical))
(assert_return (invoke "id" (ref.extern 1)) (ref.extern 2))
(assert_trap (invoke "one") "unreachable")
(assert_trap (invoke "trap") "integer overflow")
(assert_unlinkable (module) "unknown import")
(assert_trap (module (memory 1) (data (i32.const 0) "x")) "out of bounds memory access")

;; With explicit bounds checks the end of an access, index + offset + size, was summed in 32
;; bits: for offset 0x7fffffff it wrapped negative, so an index just above 2^31 passed the
;; check and reached memory base + 4 GiB, outside the sandbox. Every one of these must trap.

(module
  (memory 1)
  (func (export "load") (param i32) (result i32) (i32.load offset=0x7fffffff (local.get 0)))
  (func (export "store") (param i32) (i32.store offset=0x7fffffff (local.get 0) (i32.const 1)))
  (func (export "load64") (param i32) (result i64)
    (i64.load offset=0x7ffffffc (local.get 0)))
  (func (export "load_max") (param i32) (result i32) (i32.load8_u offset=0xffffffff (local.get 0)))
  (func (export "load_const") (result i32) (i32.load offset=0x7fffffff (i32.const 0x80000101))))

(assert_trap (invoke "load" (i32.const 0x80000101)) "out of bounds memory access")
(assert_trap (invoke "load" (i32.const 0x80000000)) "out of bounds memory access")
(assert_trap (invoke "store" (i32.const 0x80000101)) "out of bounds memory access")
(assert_trap (invoke "load64" (i32.const 0x80000008)) "out of bounds memory access")
(assert_trap (invoke "load_max" (i32.const 0)) "out of bounds memory access")
(assert_trap (invoke "load_max" (i32.const 0xffffffff)) "out of bounds memory access")
(assert_trap (invoke "load_const") "out of bounds memory access")

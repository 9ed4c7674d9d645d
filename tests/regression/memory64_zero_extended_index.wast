;; A 64-bit memory's index known to be below 2^32 (i64.extend_i32_u, an unsigned load of 32
;; bits or less, a small constant) goes unchecked with guard regions, as a 32-bit memory's
;; does: the guard region must still catch every access past the length, near 2^32 too, and
;; with explicit checks (the other run of this file) the explicit check must.
;; wast2json-flags: --enable-memory64

(module
  (memory i64 1)
  (data (i64.const 0) "\04\00\00\00\fd\ff\00\00\ff\ff\ff\ff")
  (func (export "load") (param i32) (result i32) (i32.load (i64.extend_i32_u (local.get 0))))
  (func (export "load_offset") (param i32) (result i32)
    (i32.load offset=65532 (i64.extend_i32_u (local.get 0))))
  (func (export "store8") (param i32 i32)
    (i32.store8 (i64.extend_i32_u (local.get 0)) (local.get 1)))
  (func (export "load8") (param i32) (result i32) (i32.load8_u (i64.extend_i32_u (local.get 0))))
  ;; The index is memory's own word at `at`, loaded as i64.load32_u.
  (func (export "load_indirect") (param $at i64) (result i32)
    (i32.load (i64.load32_u (local.get $at))))
  (func (export "const_last") (result i32) (i32.load (i64.const 65532)))
  (func (export "const_past") (result i32) (i32.load (i64.const 65533)))
  (func (export "const_4g") (result i32) (i32.load (i64.const 0xFFFFFFFF)))
  (func (export "grow_then_load") (param i32) (result i32)
    (drop (memory.grow (i64.const 1)))
    (i32.load (i64.extend_i32_u (local.get 0))))
)

(assert_return (invoke "load" (i32.const 0)) (i32.const 4))
(assert_return (invoke "load" (i32.const 65532)) (i32.const 0))
(assert_trap (invoke "load" (i32.const 65533)) "out of bounds memory access")
(assert_trap (invoke "load" (i32.const -1)) "out of bounds memory access")
(assert_trap (invoke "load" (i32.const -4)) "out of bounds memory access")
(assert_return (invoke "load_offset" (i32.const 0)) (i32.const 0))
(assert_trap (invoke "load_offset" (i32.const 1)) "out of bounds memory access")
(assert_trap (invoke "load_offset" (i32.const -65532)) "out of bounds memory access")
(assert_return (invoke "store8" (i32.const 65535) (i32.const 9)))
(assert_return (invoke "load8" (i32.const 65535)) (i32.const 9))
(assert_trap (invoke "store8" (i32.const 65536) (i32.const 9)) "out of bounds memory access")
(assert_trap (invoke "store8" (i32.const -1) (i32.const 9)) "out of bounds memory access")
(assert_return (invoke "load_indirect" (i64.const 0)) (i32.const 0xfffd))
(assert_trap (invoke "load_indirect" (i64.const 4)) "out of bounds memory access")
(assert_trap (invoke "load_indirect" (i64.const 8)) "out of bounds memory access")
(assert_return (invoke "const_last") (i32.const 0x09000000))  ;; store8 wrote byte 65535
(assert_trap (invoke "const_past") "out of bounds memory access")
(assert_trap (invoke "const_4g") "out of bounds memory access")
(assert_trap (invoke "load" (i32.const 65536)) "out of bounds memory access")
(assert_return (invoke "grow_then_load" (i32.const 65536)) (i32.const 0))
(assert_return (invoke "load" (i32.const 131068)) (i32.const 0))
(assert_trap (invoke "load" (i32.const 131069)) "out of bounds memory access")

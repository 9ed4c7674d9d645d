;; disas: explicit-bounds-checks
;; With explicit bounds checks (BoundsChecks::Explicit: no guard region), every access compares
;; its end with the memory's length and jumps to a trap stub; memory.grow and calls may move
;; the memory, so the base register is reloaded after them.
(module
  (memory 1)
  (func $load_offset (param $p i32) (result i32)
    (i32.load offset=8 (local.get $p)))

  (func $store_byte (param $p i32) (param $v i32)
    (i32.store8 (local.get $p) (local.get $v)))

  (func $load_const_address (result i64)
    (i64.load (i32.const 1024)))

  ;; offset + size past INT32_MAX: too large for lea's sign-extended displacement, so the
  ;; end is summed in the scratch register.
  (func $load_large_offset (param $p i32) (result i32)
    (i32.load offset=0x7fffffff (local.get $p)))

  (func $grow_then_load (param $p i32) (result i32)
    (drop (memory.grow (i32.const 1)))
    (i32.load (local.get $p)))
)

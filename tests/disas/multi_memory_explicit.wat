;; disas: multi-memory explicit-bounds-checks
;; With explicit bounds checks, an access of a memory other than 0 loads its VMMemory pointer
;; once, compares the end of the access with the length there, and only then loads the base
;; over the pointer; grow may move the memory, but its base is loaded afresh at every access.
(module
  (memory $m0 1)
  (memory $m1 1)
  (func $load_m1 (param $p i32) (result i32)
    (i32.load $m1 offset=8 (local.get $p)))

  (func $store_m1 (param $p i32) (param $v i64)
    (i64.store $m1 offset=16 (local.get $p) (local.get $v)))

  (func $load_m1_const_address (result i64)
    (i64.load $m1 (i32.const 1024)))

  (func $grow_then_load_m1 (param $p i32) (result i32)
    (drop (memory.grow $m1 (i32.const 1)))
    (i32.load8_u $m1 (local.get $p)))
)

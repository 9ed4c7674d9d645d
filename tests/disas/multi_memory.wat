;; disas: multi-memory
;; Memories other than 0 have no pinned base register: each access loads the memory's VMMemory
;; pointer from the vmctx and its base from that (guard regions: no check), into a register
;; the access then addresses from (and a load may reuse for its result). Memory 0 keeps r15.
(module
  (memory $m0 1)
  (memory $m1 1)
  (memory $m2 1)
  (func $load_m1 (param $p i32) (result i32)
    (i32.load $m1 offset=8 (local.get $p)))

  (func $store_m1 (param $p i32) (param $v i64)
    (i64.store $m1 offset=16 (local.get $p) (local.get $v)))

  (func $load_m1_const_address (result i32)
    (i32.load $m1 (i32.const 1024)))

  ;; memory 2 to memory 0: only the load needs a base register.
  (func $copy_byte_m2_to_m0 (param $p i32)
    (i32.store8 $m0 (local.get $p) (i32.load8_u $m2 (local.get $p))))

  (func $grow_m1 (param $pages i32) (result i32)
    (memory.grow $m1 (local.get $pages)))
)

;; disas: memory64 multi-memory
;; A 64-bit memory's access is checked explicitly even with guard regions: the end (index +
;; offset + size) is summed in 64 bits, a carry traps, and so does an end past the length.
;; Memory 0 is 64-bit (pinned base r15); memory 1 is 32-bit (guard region, no check); memory
;; 2 is 64-bit (base loaded through the vmctx, over the VMMemory pointer). An offset past
;; INT32_MAX fits no displacement: it is added to the index once the access is in bounds.
;; An index known to be below 2^32 (i64.extend_i32_u, i64.load32_u, a small constant) is
;; unchecked, as a 32-bit memory's: the guard region catches it; extend_i32_u emits nothing.
(module
  (memory $m0 i64 1)
  (memory $m1 1)
  (memory $m2 i64 1)
  (func $load_m0 (param $p i64) (result i32)
    (i32.load $m0 offset=8 (local.get $p)))

  (func $store_m0_large_offset (param $p i64) (param $v i64)
    (i64.store $m0 offset=0x80000000 (local.get $p) (local.get $v)))

  (func $load_m0_const_address (result i32)
    (i32.load $m0 (i64.const 1024)))

  (func $load_m0_zero_extended (param $p i32) (result i32)
    (i32.load $m0 offset=8 (i64.extend_i32_u (local.get $p))))

  (func $load_m2_index_loaded_u32 (param $at i64) (result i64)
    (i64.load $m2 (i64.load32_u $m2 (local.get $at))))

  (func $load_m1_32bit (param $p i32) (result i32)
    (i32.load $m1 offset=8 (local.get $p)))

  (func $load_m2 (param $p i64) (result i64)
    (i64.load $m2 offset=16 (local.get $p)))

  (func $size_grow_m2 (param $delta i64) (result i64)
    (i64.add (memory.size $m2) (memory.grow $m2 (local.get $delta))))

  (func $fill_m0 (param $at i64) (param $n i64)
    (memory.fill $m0 (local.get $at) (i32.const 0) (local.get $n))))

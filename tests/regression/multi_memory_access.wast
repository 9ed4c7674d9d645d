;; wast2json-flags: --enable-multi-memory
;; Accesses of memories other than 0, which have no pinned base register: compiled code loads
;; each one's base (and, with explicit checks, its length) through the vmctx at every access.
;; Every edge of every memory, a grow of memory 1 (directly and inside a callee) before an
;; access, copies between memories, an imported memory next to defined ones, and SIMD accesses.

(module $exporter
  (memory (export "first") 1)
  (memory $shared (export "shared") 1 2)
  (data (memory $shared) (i32.const 0xfffc) "\11\22\33\44"))
(register "exporter")

(module
  (memory $m0 1)
  (memory $m1 1 4)
  (memory $m2 2)
  (data (memory $m1) (i32.const 0) "\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10")
  (data (memory $m2) (i32.const 0x1fffc) "\aa\bb\cc\dd")

  (func (export "load8_m0") (param i32) (result i32) (i32.load8_u $m0 (local.get 0)))
  (func (export "load8_m1") (param i32) (result i32) (i32.load8_u $m1 (local.get 0)))
  (func (export "load8_m2") (param i32) (result i32) (i32.load8_u $m2 (local.get 0)))
  (func (export "load16_m2") (param i32) (result i32) (i32.load16_s $m2 (local.get 0)))
  (func (export "load32_m1") (param i32) (result i32) (i32.load $m1 (local.get 0)))
  (func (export "load64_m2") (param i32) (result i64) (i64.load $m2 (local.get 0)))
  (func (export "loadf64_m1") (param i32) (result f64) (f64.load $m1 (local.get 0)))
  (func (export "load32_m2_offset") (param i32) (result i32)
    (i32.load $m2 offset=0x1fffc (local.get 0)))
  (func (export "load32_m1_large_offset") (param i32) (result i32)
    (i32.load $m1 offset=0xfffffffc (local.get 0)))
  (func (export "load8_m1_last_const") (result i32) (i32.load8_u $m1 (i32.const 0xffff)))
  (func (export "load8_m1_past_const") (result i32) (i32.load8_u $m1 (i32.const 0x10000)))
  (func (export "store8_m1") (param i32 i32) (i32.store8 $m1 (local.get 0) (local.get 1)))
  (func (export "store32_m2") (param i32 i32) (i32.store $m2 (local.get 0) (local.get 1)))
  (func (export "store64_m1") (param i32 i64) (i64.store $m1 (local.get 0) (local.get 1)))
  (func (export "storef32_m2") (param i32 f32) (f32.store $m2 (local.get 0) (local.get 1)))
  (func (export "loadf32_m2") (param i32) (result f32) (f32.load $m2 (local.get 0)))

  ;; Three memories read in one expression: three base registers held at once.
  (func (export "sum3") (param i32) (result i32)
    (i32.add (i32.add (i32.load8_u $m0 (local.get 0)) (i32.load8_u $m1 (local.get 0)))
             (i32.load8_u $m2 (local.get 0))))

;; A loop (its header scan steps over memory-indexed immediates) summing memory 1's bytes
  ;; into memory 2 as it goes; the locals stay in registers across the accesses.
  (func (export "sum_m1_into_m2") (param $n i32) (result i32)
    (local $i i32) (local $sum i32)
    (loop $next
      (local.set $sum (i32.add (local.get $sum) (i32.load8_u $m1 (local.get $i))))
      (i32.store $m2 offset=0x100 (i32.shl (local.get $i) (i32.const 2)) (local.get $sum))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $i) (local.get $n))))
    (i32.add (local.get $sum) (i32.load $m2 offset=0x100 (i32.const 0))))

  (func (export "sizes") (result i32 i32 i32)
    (memory.size $m0) (memory.size $m1) (memory.size $m2))
  (func (export "grow_m1") (param i32) (result i32) (memory.grow $m1 (local.get 0)))
  (func $grow_m1_by_one (drop (memory.grow $m1 (i32.const 1))))
  ;; The callee grows memory 1 (and with explicit checks may move it) between two accesses.
  (func (export "load_grow_in_call_load") (param i32) (result i32)
    (drop (i32.load8_u $m1 (i32.const 0)))
    (call $grow_m1_by_one)
    (i32.load8_u $m1 (local.get 0)))

  (func (export "copy_m1_to_m0") (param i32 i32 i32)
    (memory.copy $m0 $m1 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy_m0_to_m1") (param i32 i32 i32)
    (memory.copy $m1 $m0 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "fill_m2") (param i32 i32 i32)
    (memory.fill $m2 (local.get 0) (local.get 1) (local.get 2)))

  (func (export "v128_load_m1") (param i32) (result v128) (v128.load $m1 (local.get 0)))
  (func (export "v128_store_m1") (param i32)
    (v128.store $m1 (local.get 0) (v128.const i32x4 0x11111111 0x22222222 0x33333333 0x44444444)))
  (func (export "v128_splat_m1") (param i32) (result v128) (v128.load16_splat $m1 (local.get 0)))
  (func (export "v128_zero_m2") (param i32) (result v128) (v128.load32_zero $m2 (local.get 0)))
  (func (export "v128_extend_m1") (param i32) (result v128) (v128.load8x8_u $m1 (local.get 0)))
  (func (export "v128_load_lane_m2") (param i32) (result v128)
    (v128.load32_lane $m2 1 (local.get 0) (v128.const i32x4 0 0 0 0)))
  (func (export "v128_store_lane_m2") (param i32)
    (v128.store16_lane $m2 3 (local.get 0) (v128.const i16x8 0 1 2 3 4 5 6 7))))

;; Edges: the last valid byte of each memory, then the first invalid one.
(assert_return (invoke "load8_m0" (i32.const 0xffff)) (i32.const 0))
(assert_trap (invoke "load8_m0" (i32.const 0x10000)) "out of bounds memory access")
(assert_return (invoke "load8_m1" (i32.const 0xffff)) (i32.const 0))
(assert_trap (invoke "load8_m1" (i32.const 0x10000)) "out of bounds memory access")
(assert_return (invoke "load8_m2" (i32.const 0x1ffff)) (i32.const 0xdd))
(assert_trap (invoke "load8_m2" (i32.const 0x20000)) "out of bounds memory access")
(assert_trap (invoke "load8_m2" (i32.const 0xffffffff)) "out of bounds memory access")
(assert_return (invoke "load16_m2" (i32.const 0x1fffe)) (i32.const 0xffffddcc))
(assert_trap (invoke "load16_m2" (i32.const 0x1ffff)) "out of bounds memory access")
(assert_return (invoke "load32_m1" (i32.const 0)) (i32.const 0x04030201))
(assert_return (invoke "load32_m1" (i32.const 0xfffc)) (i32.const 0))
(assert_trap (invoke "load32_m1" (i32.const 0xfffd)) "out of bounds memory access")
(assert_return (invoke "load64_m2" (i32.const 0x1fff8)) (i64.const 0xddccbbaa00000000))
(assert_trap (invoke "load64_m2" (i32.const 0x1fff9)) "out of bounds memory access")
(assert_return (invoke "loadf64_m1" (i32.const 0xfff8)) (f64.const 0))
(assert_trap (invoke "loadf64_m1" (i32.const 0xfff9)) "out of bounds memory access")
(assert_return (invoke "load32_m2_offset" (i32.const 0)) (i32.const 0xddccbbaa))
(assert_trap (invoke "load32_m2_offset" (i32.const 1)) "out of bounds memory access")
(assert_trap (invoke "load32_m1_large_offset" (i32.const 0)) "out of bounds memory access")
(assert_trap (invoke "load32_m1_large_offset" (i32.const 0x10000)) "out of bounds memory access")
(assert_return (invoke "load8_m1_last_const") (i32.const 0))
(assert_trap (invoke "load8_m1_past_const") "out of bounds memory access")

;; Stores go to their own memory only; a trapping store writes nothing.
(invoke "store8_m1" (i32.const 0xffff) (i32.const 0x5a))
(assert_return (invoke "load8_m1" (i32.const 0xffff)) (i32.const 0x5a))
(assert_return (invoke "load8_m0" (i32.const 0xffff)) (i32.const 0))
(assert_return (invoke "load8_m2" (i32.const 0xffff)) (i32.const 0))
(assert_trap (invoke "store8_m1" (i32.const 0x10000) (i32.const 1)) "out of bounds memory access")
(invoke "store32_m2" (i32.const 0x1fffc) (i32.const 0x01020304))
(assert_return (invoke "load32_m2_offset" (i32.const 0)) (i32.const 0x01020304))
(assert_trap (invoke "store32_m2" (i32.const 0x1fffd) (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "load32_m2_offset" (i32.const 0)) (i32.const 0x01020304))
(invoke "store64_m1" (i32.const 0xfff8) (i64.const 0x0807060504030201))
(assert_return (invoke "load32_m1" (i32.const 0xfffc)) (i32.const 0x08070605))
(assert_trap (invoke "store64_m1" (i32.const 0xfff9) (i64.const 0)) "out of bounds memory access")
(invoke "storef32_m2" (i32.const 8) (f32.const 1.5))
(assert_return (invoke "loadf32_m2" (i32.const 8)) (f32.const 1.5))
(assert_return (invoke "sum3" (i32.const 0)) (i32.const 1))
(assert_return (invoke "sum_m1_into_m2" (i32.const 16)) (i32.const 137))  ;; 1 + ... + 16, + 1
(assert_return (invoke "load64_m2" (i32.const 0x13c)) (i64.const 136))  ;; the last sum stored

;; memory.grow of memory 1, then an access of the new page; memory 0 and 2 keep their sizes.
(assert_return (invoke "sizes") (i32.const 1) (i32.const 1) (i32.const 2))
(assert_return (invoke "grow_m1" (i32.const 1)) (i32.const 1))
(assert_return (invoke "sizes") (i32.const 1) (i32.const 2) (i32.const 2))
(assert_return (invoke "load8_m1" (i32.const 0xffff)) (i32.const 0x08))
(assert_return (invoke "load8_m1" (i32.const 0x1ffff)) (i32.const 0))
(assert_trap (invoke "load8_m1" (i32.const 0x20000)) "out of bounds memory access")
(assert_trap (invoke "load8_m0" (i32.const 0x10000)) "out of bounds memory access")
(invoke "store8_m1" (i32.const 0x1ffff) (i32.const 0x77))
(assert_return (invoke "load8_m1" (i32.const 0x1ffff)) (i32.const 0x77))
(assert_return (invoke "load_grow_in_call_load" (i32.const 0x2ffff)) (i32.const 0))
(assert_return (invoke "sizes") (i32.const 1) (i32.const 3) (i32.const 2))
(assert_trap (invoke "load8_m1" (i32.const 0x30000)) "out of bounds memory access")
(assert_return (invoke "load8_m1" (i32.const 0x1ffff)) (i32.const 0x77))
(assert_return (invoke "grow_m1" (i32.const 2)) (i32.const -1))  ;; past the maximum of 4
(assert_return (invoke "grow_m1" (i32.const 1)) (i32.const 3))
(assert_return (invoke "load_grow_in_call_load" (i32.const 0x3ffff)) (i32.const 0))  ;; grow fails
(assert_trap (invoke "load_grow_in_call_load" (i32.const 0x40000)) "out of bounds memory access")

;; memory.copy from memory 1 to memory 0 and back.
(invoke "copy_m1_to_m0" (i32.const 0x100) (i32.const 0) (i32.const 8))
(assert_return (invoke "load32_m1" (i32.const 0)) (i32.const 0x04030201))
(assert_return (invoke "load8_m0" (i32.const 0x100)) (i32.const 0x01))
(assert_return (invoke "load8_m0" (i32.const 0x107)) (i32.const 0x08))
(assert_return (invoke "load8_m0" (i32.const 0x108)) (i32.const 0))
(invoke "copy_m0_to_m1" (i32.const 0x3fff8) (i32.const 0x100) (i32.const 8))
(assert_return (invoke "load8_m1" (i32.const 0x3fff8)) (i32.const 0x01))
(assert_return (invoke "load8_m1" (i32.const 0x3ffff)) (i32.const 0x08))
(assert_trap (invoke "copy_m0_to_m1" (i32.const 0x3fff9) (i32.const 0) (i32.const 8))
             "out of bounds memory access")
(assert_trap (invoke "copy_m1_to_m0" (i32.const 0xfff9) (i32.const 0) (i32.const 8))
             "out of bounds memory access")
(assert_trap (invoke "copy_m1_to_m0" (i32.const 0) (i32.const 0x3fff9) (i32.const 8))
             "out of bounds memory access")
(invoke "fill_m2" (i32.const 0x1fff0) (i32.const 0xee) (i32.const 0x10))
(assert_return (invoke "load8_m2" (i32.const 0x1ffff)) (i32.const 0xee))
(assert_trap (invoke "fill_m2" (i32.const 0x1fff1) (i32.const 0) (i32.const 0x10))
             "out of bounds memory access")

;; SIMD accesses of memories 1 and 2.
(assert_return (invoke "v128_load_m1" (i32.const 0))
               (v128.const i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16))
(assert_trap (invoke "v128_load_m1" (i32.const 0x3fff1)) "out of bounds memory access")
(invoke "v128_store_m1" (i32.const 0x3fff0))
(assert_return (invoke "v128_load_m1" (i32.const 0x3fff0))
               (v128.const i32x4 0x11111111 0x22222222 0x33333333 0x44444444))
(assert_return (invoke "load8_m0" (i32.const 0xfff0)) (i32.const 0))
(assert_trap (invoke "v128_store_m1" (i32.const 0x3fff1)) "out of bounds memory access")
(assert_return (invoke "v128_splat_m1" (i32.const 2)) (v128.const i16x8 0x0403 0x0403 0x0403 0x0403 0x0403 0x0403 0x0403 0x0403))
(assert_trap (invoke "v128_splat_m1" (i32.const 0x3ffff)) "out of bounds memory access")
(assert_return (invoke "v128_zero_m2" (i32.const 0x1fffc)) (v128.const i32x4 0xeeeeeeee 0 0 0))
(assert_trap (invoke "v128_zero_m2" (i32.const 0x1fffd)) "out of bounds memory access")
(assert_return (invoke "v128_extend_m1" (i32.const 0))
               (v128.const i16x8 1 2 3 4 5 6 7 8))
(assert_trap (invoke "v128_extend_m1" (i32.const 0x3fff9)) "out of bounds memory access")
(invoke "store32_m2" (i32.const 0x40) (i32.const 0x12345678))
(assert_return (invoke "v128_load_lane_m2" (i32.const 0x40)) (v128.const i32x4 0 0x12345678 0 0))
(assert_trap (invoke "v128_load_lane_m2" (i32.const 0x1fffd)) "out of bounds memory access")
(invoke "v128_store_lane_m2" (i32.const 0x1fffe))
(assert_return (invoke "load16_m2" (i32.const 0x1fffe)) (i32.const 3))
(assert_trap (invoke "v128_store_lane_m2" (i32.const 0x1ffff)) "out of bounds memory access")

;; An imported memory as memory 1, between an imported memory 0 and a defined memory 2, grown
;; by its importer and read by another importer.
(module $importer
  (import "exporter" "first" (memory $imported0 1))
  (import "exporter" "shared" (memory $imported 1 2))
  (memory $own2 1)
  (func (export "load32_imported") (param i32) (result i32) (i32.load $imported (local.get 0)))
  (func (export "store8_imported") (param i32 i32)
    (i32.store8 $imported (local.get 0) (local.get 1)))
  (func (export "grow_imported") (param i32) (result i32) (memory.grow $imported (local.get 0)))
  (func (export "copy_imported_to_own2") (param i32 i32 i32)
    (memory.copy $own2 $imported (local.get 0) (local.get 1) (local.get 2)))
  (func (export "load32_own2") (param i32) (result i32) (i32.load $own2 (local.get 0))))

(assert_return (invoke "load32_imported" (i32.const 0xfffc)) (i32.const 0x44332211))
(assert_trap (invoke "load32_imported" (i32.const 0xfffd)) "out of bounds memory access")
(assert_return (invoke "grow_imported" (i32.const 1)) (i32.const 1))
(invoke "store8_imported" (i32.const 0x1ffff) (i32.const 0x99))
(assert_trap (invoke "store8_imported" (i32.const 0x20000) (i32.const 0)) "out of bounds memory access")
(invoke "copy_imported_to_own2" (i32.const 0) (i32.const 0xfffc) (i32.const 4))
(assert_return (invoke "load32_own2" (i32.const 0)) (i32.const 0x44332211))
(assert_return (invoke "grow_imported" (i32.const 1)) (i32.const -1))

(module
  (import "exporter" "shared" (memory 2 2))  ;; memory 0 here
  (func (export "read") (param i32) (result i32) (i32.load8_u (local.get 0))))
(assert_return (invoke "read" (i32.const 0x1ffff)) (i32.const 0x99))

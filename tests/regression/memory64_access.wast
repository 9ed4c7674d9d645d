;; wast2json-flags: --enable-memory64 --enable-multi-memory
;; 64-bit memories (memory64) next to a 32-bit one: every access of a 64-bit memory is checked
;; against its length in both bounds-check modes, with index + offset + size summed in 64 bits
;; so that a sum past 2^64 traps instead of wrapping. Edges (last valid byte, first invalid),
;; the overflow cases, memory.size/grow in i64, bulk memory with i64 operands, copies between a
;; 32- and a 64-bit memory, i64 data segment offsets, SIMD forms, and an imported 64-bit memory.

(module $exporter
  (memory (export "wide") i64 1 2)
  (data (i64.const 0xfffc) "\11\22\33\44"))
(register "exporter")

(assert_unlinkable
  (module (import "exporter" "wide" (memory 1)))
  "incompatible import type")

(module
  (import "exporter" "wide" (memory $imported i64 1 2))  ;; memory 0: the pinned base
  (memory $m64 i64 1 4)       ;; memory 1: base through the vmctx
  (memory $m32 1)             ;; memory 2: 32-bit, unchecked with guard regions
  (memory $n64 i64 2)         ;; memory 3: 64-bit, base through the vmctx
  (data (memory $m64) (i64.const 0xfff0) "\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10")
  (data (memory $n64) (i64.const 0x1fffc) "\aa\bb\cc\dd")
  (data (memory $m32) (i32.const 0) "abcd")
  (data $passive "\de\ad\be\ef")

  (func (export "load8_m64") (param i64) (result i32) (i32.load8_u $m64 (local.get 0)))
  (func (export "load32_m64") (param i64) (result i32) (i32.load $m64 (local.get 0)))
  (func (export "load64_m64") (param i64) (result i64) (i64.load $m64 (local.get 0)))
  (func (export "load8_n64") (param i64) (result i32) (i32.load8_u $n64 (local.get 0)))
  (func (export "load32_n64") (param i64) (result i32) (i32.load $n64 (local.get 0)))
  (func (export "load8_imported") (param i64) (result i32) (i32.load8_u $imported (local.get 0)))
  (func (export "load8_m32") (param i32) (result i32) (i32.load8_u $m32 (local.get 0)))
  (func (export "store8_m64") (param i64 i32) (i32.store8 $m64 (local.get 0) (local.get 1)))
  (func (export "store64_n64") (param i64 i64) (i64.store $n64 (local.get 0) (local.get 1)))

  ;; Index 2^64 - 1 with offset 1 (offsets past 2^32 are in the binary module below).
  (func (export "offset1") (param i64) (result i32) (i32.load8_u $m64 offset=1 (local.get 0)))
  (func (export "offset1_n64") (param i64) (result i32) (i32.load8_u $n64 offset=1 (local.get 0)))
  (func (export "offset1_const_max") (result i32)
    (i32.load8_u $m64 offset=1 (i64.const 0xffffffffffffffff)))
  (func (export "offset_fff0") (param i64) (result i32)
    (i32.load8_u $m64 offset=0xfff0 (local.get 0)))

  (func (export "size_m64") (result i64) (memory.size $m64))
  (func (export "size_m32") (result i32) (memory.size $m32))
  (func (export "size_n64") (result i64) (memory.size $n64))
  (func (export "grow_m64") (param i64) (result i64) (memory.grow $m64 (local.get 0)))
  (func (export "grow_n64") (param i64) (result i64) (memory.grow $n64 (local.get 0)))
  (func (export "grow_m32") (param i32) (result i32) (memory.grow $m32 (local.get 0)))

  (func (export "fill_m64") (param i64 i32 i64) (memory.fill $m64 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "fill_n64") (param i64 i32 i64) (memory.fill $n64 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy_m64") (param i64 i64 i64) (memory.copy $m64 $m64 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy_n64_m64") (param i64 i64 i64) (memory.copy $n64 $m64 (local.get 0) (local.get 1) (local.get 2)))
  ;; Between a 32- and a 64-bit memory the length is i32 (the smaller index type).
  (func (export "copy_m64_from_m32") (param i64 i32 i32) (memory.copy $m64 $m32 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy_m32_from_m64") (param i32 i64 i32) (memory.copy $m32 $m64 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init_m64") (param i64 i32 i32) (memory.init $m64 $passive (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init_n64") (param i64 i32 i32) (memory.init $n64 $passive (local.get 0) (local.get 1) (local.get 2)))

  (func (export "v128_load_m64") (param i64) (result i64)
    (i64x2.extract_lane 1 (v128.load $m64 (local.get 0))))
  (func (export "v128_store_n64") (param i64)
    (v128.store $n64 (local.get 0) (v128.const i64x2 0x0102030405060708 0x1112131415161718)))
  (func (export "v128_load_lane_n64") (param i64) (result i32)
    (i32x4.extract_lane 3 (v128.load32_lane $n64 3 (local.get 0) (v128.const i32x4 0 0 0 0))))
  (func (export "v128_load_splat_m64") (param i64) (result i32)
    (i32x4.extract_lane 2 (v128.load8_splat $m64 (local.get 0))))

  ;; An index zero-extended from an i32 is still checked (the memory may be smaller than 4 GiB).
  (func (export "load8_m64_u32") (param i32) (result i32)
    (i32.load8_u $m64 (i64.extend_i32_u (local.get 0))))
)

;; Edges of memory 0 (1 page), memory 2 (2 pages) and the imported memory (1 page).
(assert_return (invoke "load8_m64" (i64.const 0xfff0)) (i32.const 0x01))
(assert_return (invoke "load8_m64" (i64.const 0xffff)) (i32.const 0x10))
(assert_trap (invoke "load8_m64" (i64.const 0x10000)) "out of bounds memory access")
(assert_return (invoke "load32_m64" (i64.const 0xfffc)) (i32.const 0x100f0e0d))
(assert_trap (invoke "load32_m64" (i64.const 0xfffd)) "out of bounds memory access")
(assert_return (invoke "load64_m64" (i64.const 0xfff8)) (i64.const 0x100f0e0d0c0b0a09))
(assert_trap (invoke "load64_m64" (i64.const 0xfff9)) "out of bounds memory access")
(assert_trap (invoke "load8_m64" (i64.const 0x100000000)) "out of bounds memory access")
(assert_trap (invoke "load8_m64" (i64.const 0x8000000000000000)) "out of bounds memory access")
(assert_trap (invoke "load8_m64" (i64.const -1)) "out of bounds memory access")
(assert_return (invoke "load8_n64" (i64.const 0x1ffff)) (i32.const 0xdd))
(assert_return (invoke "load32_n64" (i64.const 0x1fffc)) (i32.const 0xddccbbaa))
(assert_trap (invoke "load8_n64" (i64.const 0x20000)) "out of bounds memory access")
(assert_trap (invoke "load32_n64" (i64.const 0x1fffd)) "out of bounds memory access")
(assert_trap (invoke "load8_n64" (i64.const -1)) "out of bounds memory access")
(assert_return (invoke "load8_imported" (i64.const 0xffff)) (i32.const 0x44))
(assert_trap (invoke "load8_imported" (i64.const 0x10000)) "out of bounds memory access")
(assert_return (invoke "load8_m32" (i32.const 3)) (i32.const 0x64))
(assert_trap (invoke "load8_m32" (i32.const 0x10000)) "out of bounds memory access")
(assert_return (invoke "load8_m64_u32" (i32.const 0xffff)) (i32.const 0x10))
(assert_trap (invoke "load8_m64_u32" (i32.const 0x10000)) "out of bounds memory access")
(assert_trap (invoke "load8_m64_u32" (i32.const -1)) "out of bounds memory access")

;; Stores: the last byte, the first past it; a trapping store writes nothing.
(assert_return (invoke "store8_m64" (i64.const 0xffff) (i32.const 0x77)))
(assert_return (invoke "load8_m64" (i64.const 0xffff)) (i32.const 0x77))
(assert_trap (invoke "store8_m64" (i64.const 0x10000) (i32.const 1)) "out of bounds memory access")
(assert_return (invoke "store64_n64" (i64.const 0x1fff8) (i64.const -1)))
(assert_trap (invoke "store64_n64" (i64.const 0x1fff9) (i64.const 0)) "out of bounds memory access")
(assert_return (invoke "load32_n64" (i64.const 0x1fffc)) (i32.const -1))

;; Overflow: index 2^64 - 1 (and - 2) with offset 1.
(assert_trap (invoke "offset1" (i64.const -1)) "out of bounds memory access")
(assert_trap (invoke "offset1" (i64.const -2)) "out of bounds memory access")
(assert_return (invoke "offset1" (i64.const 0xfffe)) (i32.const 0x77))
(assert_trap (invoke "offset1" (i64.const 0xffff)) "out of bounds memory access")
(assert_trap (invoke "offset1_n64" (i64.const -1)) "out of bounds memory access")
(assert_trap (invoke "offset1_const_max") "out of bounds memory access")
(assert_return (invoke "offset_fff0" (i64.const 0xf)) (i32.const 0x77))
(assert_trap (invoke "offset_fff0" (i64.const 0x10)) "out of bounds memory access")
(assert_trap (invoke "offset_fff0" (i64.const 0xffffffffffff0010)) "out of bounds memory access")

;; SIMD forms on 64-bit memories.
(assert_return (invoke "v128_load_m64" (i64.const 0xfff0)) (i64.const 0x770f0e0d0c0b0a09))
(assert_trap (invoke "v128_load_m64" (i64.const 0xfff1)) "out of bounds memory access")
(assert_trap (invoke "v128_load_m64" (i64.const -8)) "out of bounds memory access")
(assert_return (invoke "v128_store_n64" (i64.const 0x1fff0)))
(assert_trap (invoke "v128_store_n64" (i64.const 0x1fff1)) "out of bounds memory access")
(assert_return (invoke "v128_load_lane_n64" (i64.const 0x1fffc)) (i32.const 0x11121314))
(assert_trap (invoke "v128_load_lane_n64" (i64.const 0x1fffd)) "out of bounds memory access")
(assert_return (invoke "v128_load_splat_m64" (i64.const 0xfff0)) (i32.const 0x01010101))
(assert_trap (invoke "v128_load_splat_m64" (i64.const 0x10000)) "out of bounds memory access")

;; memory.size and memory.grow in i64: -1 as an i64 on failure.
(assert_return (invoke "size_m64") (i64.const 1))
(assert_return (invoke "size_m32") (i32.const 1))
(assert_return (invoke "size_n64") (i64.const 2))
(assert_return (invoke "grow_m64" (i64.const 0x100000000)) (i64.const -1))
(assert_return (invoke "grow_m64" (i64.const -1)) (i64.const -1))
(assert_return (invoke "grow_m64" (i64.const 4)) (i64.const -1))
(assert_return (invoke "grow_m64" (i64.const 1)) (i64.const 1))
(assert_return (invoke "size_m64") (i64.const 2))
(assert_return (invoke "load8_m64" (i64.const 0x1ffff)) (i32.const 0))
(assert_trap (invoke "load8_m64" (i64.const 0x20000)) "out of bounds memory access")
(assert_return (invoke "grow_m64" (i64.const 2)) (i64.const 2))
(assert_return (invoke "grow_m64" (i64.const 1)) (i64.const -1))
(assert_return (invoke "grow_m64" (i64.const 0)) (i64.const 4))
(assert_return (invoke "load8_m64" (i64.const 0x3ffff)) (i32.const 0))
(assert_trap (invoke "load8_m64" (i64.const 0x40000)) "out of bounds memory access")
(assert_return (invoke "grow_n64" (i64.const 0x10000)) (i64.const -1))
(assert_return (invoke "grow_n64" (i64.const 1)) (i64.const 2))
(assert_return (invoke "load8_n64" (i64.const 0x2ffff)) (i32.const 0))
(assert_trap (invoke "load8_n64" (i64.const 0x30000)) "out of bounds memory access")
(assert_return (invoke "grow_m32" (i32.const 1)) (i32.const 1))
(assert_return (invoke "grow_m32" (i32.const 0x10000)) (i32.const -1))

;; memory.fill with i64 operands: the last byte, a length that would wrap past 2^64.
(assert_return (invoke "fill_m64" (i64.const 0x3fffe) (i32.const 0x5a) (i64.const 2)))
(assert_return (invoke "load8_m64" (i64.const 0x3ffff)) (i32.const 0x5a))
(assert_trap (invoke "fill_m64" (i64.const 0x3ffff) (i32.const 1) (i64.const 2)) "out of bounds memory access")
(assert_trap (invoke "fill_m64" (i64.const 1) (i32.const 1) (i64.const -1)) "out of bounds memory access")
(assert_trap (invoke "fill_m64" (i64.const -1) (i32.const 1) (i64.const 1)) "out of bounds memory access")
(assert_return (invoke "fill_m64" (i64.const 0x40000) (i32.const 1) (i64.const 0)))
(assert_trap (invoke "fill_m64" (i64.const 0x40001) (i32.const 1) (i64.const 0)) "out of bounds memory access")
(assert_return (invoke "load8_m64" (i64.const 1)) (i32.const 0))
(assert_return (invoke "fill_n64" (i64.const 0x2fff0) (i32.const 0x33) (i64.const 0x10)))
(assert_return (invoke "load8_n64" (i64.const 0x2ffff)) (i32.const 0x33))
(assert_trap (invoke "fill_n64" (i64.const 0x2fff0) (i32.const 0x33) (i64.const 0x11)) "out of bounds memory access")

;; memory.copy with i64 operands, within and between 64-bit memories.
(assert_return (invoke "copy_m64" (i64.const 0x100) (i64.const 0xfff0) (i64.const 4)))
(assert_return (invoke "load32_m64" (i64.const 0x100)) (i32.const 0x04030201))
(assert_trap (invoke "copy_m64" (i64.const 0) (i64.const 0x3fffd) (i64.const 4)) "out of bounds memory access")
(assert_trap (invoke "copy_m64" (i64.const 0x3fffd) (i64.const 0) (i64.const 4)) "out of bounds memory access")
(assert_trap (invoke "copy_m64" (i64.const 1) (i64.const 2) (i64.const -1)) "out of bounds memory access")
(assert_trap (invoke "copy_m64" (i64.const -2) (i64.const 0) (i64.const 4)) "out of bounds memory access")
(assert_return (invoke "copy_n64_m64" (i64.const 0x2fffc) (i64.const 0xfff0) (i64.const 4)))
(assert_return (invoke "load32_n64" (i64.const 0x2fffc)) (i32.const 0x04030201))
(assert_trap (invoke "copy_n64_m64" (i64.const 0x2fffd) (i64.const 0) (i64.const 4)) "out of bounds memory access")

;; Between a 32- and a 64-bit memory.
(assert_return (invoke "copy_m64_from_m32" (i64.const 0x3fffc) (i32.const 0) (i32.const 4)))
(assert_return (invoke "load32_m64" (i64.const 0x3fffc)) (i32.const 0x64636261))
(assert_trap (invoke "copy_m64_from_m32" (i64.const 0x3fffd) (i32.const 0) (i32.const 4)) "out of bounds memory access")
(assert_trap (invoke "copy_m64_from_m32" (i64.const 0x100000000) (i32.const 0) (i32.const 0)) "out of bounds memory access")
(assert_trap (invoke "copy_m64_from_m32" (i64.const 0) (i32.const 0x1fffd) (i32.const 4)) "out of bounds memory access")
(assert_return (invoke "copy_m32_from_m64" (i32.const 0x1fffc) (i64.const 0xfff0) (i32.const 4)))
(assert_return (invoke "load8_m32" (i32.const 0x1ffff)) (i32.const 0x04))
(assert_trap (invoke "copy_m32_from_m64" (i32.const 0) (i64.const -1) (i32.const 2)) "out of bounds memory access")

;; memory.init into 64-bit memories: an i64 destination, i32 source and length.
(assert_return (invoke "init_m64" (i64.const 0x3fffc) (i32.const 0) (i32.const 4)))
(assert_return (invoke "load32_m64" (i64.const 0x3fffc)) (i32.const 0xefbeadde))
(assert_trap (invoke "init_m64" (i64.const 0x3fffd) (i32.const 0) (i32.const 4)) "out of bounds memory access")
(assert_trap (invoke "init_m64" (i64.const -1) (i32.const 0) (i32.const 2)) "out of bounds memory access")
(assert_trap (invoke "init_m64" (i64.const 0xffffffff00000000) (i32.const 0) (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "init_n64" (i64.const 0x2fffe) (i32.const 2) (i32.const 2)))
(assert_return (invoke "load8_n64" (i64.const 0x2ffff)) (i32.const 0xef))

;; Offsets past 2^32 (a binary module: wabt's text parser takes 32-bit offsets only), on
;; memory 0 (pinned base) and memory 1, both 64-bit with one page. Its functions:
;; max_offset_index (i64) -> i32        i32.load8_u offset=2^64-1
;; max_offset_const1/0 () -> i32        i32.load8_u offset=2^64-1 (i64.const 1 / 0)
;; offset_2pow32 (i64) -> i32           i32.load8_u offset=2^32
;; store_offset_2pow32 (i64)            i32.store8 offset=2^32 (value 7)
;; store64_max_offset (i64)             i64.store offset=2^64-8 (value 0)
;; load8 (i64) -> i32                   i32.load8_u offset=0
;; and the same with the suffix _m1 for memory 1.
(module binary
  "\00\61\73\6d\01\00\00\00\01\0e\03\60\01\7e\01\7f\60\01\7e\00\60\00\01\7f\03\0f\0e\00\02\02\00\01"
  "\01\00\00\02\02\00\01\01\00\05\05\02\04\01\04\01\07\92\02\0e\10\6d\61\78\5f\6f\66\66\73\65\74\5f"
  "\69\6e\64\65\78\00\00\11\6d\61\78\5f\6f\66\66\73\65\74\5f\63\6f\6e\73\74\31\00\01\11\6d\61\78\5f"
  "\6f\66\66\73\65\74\5f\63\6f\6e\73\74\30\00\02\0d\6f\66\66\73\65\74\5f\32\70\6f\77\33\32\00\03\13"
  "\73\74\6f\72\65\5f\6f\66\66\73\65\74\5f\32\70\6f\77\33\32\00\04\12\73\74\6f\72\65\36\34\5f\6d\61"
  "\78\5f\6f\66\66\73\65\74\00\05\05\6c\6f\61\64\38\00\06\13\6d\61\78\5f\6f\66\66\73\65\74\5f\69\6e"
  "\64\65\78\5f\6d\31\00\07\14\6d\61\78\5f\6f\66\66\73\65\74\5f\63\6f\6e\73\74\31\5f\6d\31\00\08\14"
  "\6d\61\78\5f\6f\66\66\73\65\74\5f\63\6f\6e\73\74\30\5f\6d\31\00\09\10\6f\66\66\73\65\74\5f\32\70"
  "\6f\77\33\32\5f\6d\31\00\0a\16\73\74\6f\72\65\5f\6f\66\66\73\65\74\5f\32\70\6f\77\33\32\5f\6d\31"
  "\00\0b\15\73\74\6f\72\65\36\34\5f\6d\61\78\5f\6f\66\66\73\65\74\5f\6d\31\00\0c\08\6c\6f\61\64\38"
  "\5f\6d\31\00\0d\0a\d8\01\0e\10\00\20\00\2d\00\ff\ff\ff\ff\ff\ff\ff\ff\ff\01\0b\10\00\42\01\2d\00"
  "\ff\ff\ff\ff\ff\ff\ff\ff\ff\01\0b\10\00\42\00\2d\00\ff\ff\ff\ff\ff\ff\ff\ff\ff\01\0b\0b\00\20\00"
  "\2d\00\80\80\80\80\10\0b\0d\00\20\00\41\07\3a\00\80\80\80\80\10\0b\12\00\20\00\42\00\37\03\f8\ff"
  "\ff\ff\ff\ff\ff\ff\ff\01\0b\07\00\20\00\2d\00\00\0b\11\00\20\00\2d\40\01\ff\ff\ff\ff\ff\ff\ff\ff"
  "\ff\01\0b\11\00\42\01\2d\40\01\ff\ff\ff\ff\ff\ff\ff\ff\ff\01\0b\11\00\42\00\2d\40\01\ff\ff\ff\ff"
  "\ff\ff\ff\ff\ff\01\0b\0c\00\20\00\2d\40\01\80\80\80\80\10\0b\0e\00\20\00\41\07\3a\40\01\80\80\80"
  "\80\10\0b\13\00\20\00\42\00\37\43\01\f8\ff\ff\ff\ff\ff\ff\ff\ff\01\0b\08\00\20\00\2d\40\01\00\0b")

(assert_trap (invoke "max_offset_index" (i64.const 1)) "out of bounds memory access")
(assert_trap (invoke "max_offset_index" (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke "max_offset_index" (i64.const -1)) "out of bounds memory access")
(assert_trap (invoke "max_offset_const1") "out of bounds memory access")
(assert_trap (invoke "max_offset_const0") "out of bounds memory access")
;; 2^64 - 2^32 + 0x10 plus 2^32 wraps to 0x10, an in-bounds address: must trap.
(assert_trap (invoke "offset_2pow32" (i64.const 0xffffffff00000010)) "out of bounds memory access")
(assert_trap (invoke "offset_2pow32" (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke "store_offset_2pow32" (i64.const 0xffffffff00000010)) "out of bounds memory access")
(assert_return (invoke "load8" (i64.const 0x10)) (i32.const 0))
(assert_trap (invoke "store64_max_offset" (i64.const 8)) "out of bounds memory access")
(assert_trap (invoke "store64_max_offset" (i64.const 0x10)) "out of bounds memory access")
(assert_trap (invoke "store64_max_offset" (i64.const 0)) "out of bounds memory access")
(assert_return (invoke "load8" (i64.const 0x8)) (i32.const 0))
(assert_trap (invoke "max_offset_index_m1" (i64.const 1)) "out of bounds memory access")
(assert_trap (invoke "max_offset_index_m1" (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke "max_offset_const1_m1") "out of bounds memory access")
(assert_trap (invoke "max_offset_const0_m1") "out of bounds memory access")
(assert_trap (invoke "offset_2pow32_m1" (i64.const 0xffffffff00000010)) "out of bounds memory access")
(assert_trap (invoke "store_offset_2pow32_m1" (i64.const 0xffffffff00000010)) "out of bounds memory access")
(assert_return (invoke "load8_m1" (i64.const 0x10)) (i32.const 0))
(assert_trap (invoke "store64_max_offset_m1" (i64.const 8)) "out of bounds memory access")
(assert_return (invoke "load8_m1" (i64.const 0x8)) (i32.const 0))
(assert_return (invoke "load8_m1" (i64.const 0xffff)) (i32.const 0))
(assert_trap (invoke "load8_m1" (i64.const 0x10000)) "out of bounds memory access")

;; An i64 data segment offset past the memory fails instantiation (and past 2^64 - n cannot wrap).
(assert_trap
  (module (memory i64 1) (data (i64.const 0xffffffffffffffff) "ab"))
  "out of bounds memory access")
(assert_trap
  (module (memory i64 1) (data (i64.const 0x10000) "a"))
  "out of bounds memory access")
(module (memory i64 1) (data (i64.const 0x10000) ""))

;; A declared 64-bit size beyond what Wisp reserves (4 GiB) is refused at instantiation, while
;; a large declared maximum is fine (growing past 4 GiB returns -1).
(module
  (memory i64 1 0x1000000000000)
  (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0))))
(assert_return (invoke "grow" (i64.const 0x10000)) (i64.const -1))
(assert_return (invoke "grow" (i64.const 1)) (i64.const 1))

;; Register pressure: eighteen live results while accesses of a 64-bit memory other than 0 (its
;; VMMemory pointer, base and, past INT32_MAX, an index + offset register) are compiled.
(module
  (memory $m0 i64 1)
  (memory $m1 i64 1)
  (data (memory $m1) (i64.const 0) "\01\00\00\00\00\00\00\00\02")
  (func (export "pressure") (param $p i64) (param $q i64) (result i64)
  (i64.load $m1 offset=0 (local.get $q))
  (i64.load $m1 offset=8 (local.get $q))
  (i64.load $m1 offset=16 (local.get $q))
  (i64.load $m1 offset=24 (local.get $q))
  (i64.load $m1 offset=32 (local.get $q))
  (i64.load $m1 offset=40 (local.get $q))
  (i64.load $m1 offset=48 (local.get $q))
  (i64.load $m1 offset=56 (local.get $q))
  (i64.load $m1 offset=64 (local.get $q))
  (i64.load $m1 offset=72 (local.get $q))
  (i64.load $m1 offset=80 (local.get $q))
  (i64.load $m1 offset=88 (local.get $q))
  (i64.load $m1 offset=96 (local.get $q))
  (i64.load $m1 offset=104 (local.get $q))
  (i64.load $m1 offset=112 (local.get $q))
  (i64.load $m1 offset=120 (local.get $q))
  (i64.load $m1 offset=128 (local.get $q))
  (i64.load $m1 offset=136 (local.get $q))
  (if (i64.eq (local.get $p) (i64.const 12345)) (then (i64.store $m1 offset=0x80000000 (local.get $p) (i64.load $m1 offset=0x80000000 (local.get $p)))))
  (i64.load8_u $m1 offset=8 (local.get $q))
  i64.add
  i64.add
  i64.add
  i64.add
  i64.add
  i64.add
  i64.add
  i64.add
  i64.add
  i64.add
  i64.add
  i64.add
  i64.add
  i64.add
  i64.add
  i64.add
  i64.add
  i64.add
)
  (func (export "pressure_trap") (param $p i64) (param $q i64) (result i64)
  (i64.load $m1 offset=0 (local.get $q))
  (i64.load $m1 offset=8 (local.get $q))
  (i64.load $m1 offset=16 (local.get $q))
  (i64.load $m1 offset=24 (local.get $q))
  (i64.load $m1 offset=32 (local.get $q))
  (i64.load $m1 offset=40 (local.get $q))
  (i64.load $m1 offset=48 (local.get $q))
  (i64.load $m1 offset=56 (local.get $q))
  (i64.load $m1 offset=64 (local.get $q))
  (i64.load $m1 offset=72 (local.get $q))
  (i64.load $m1 offset=80 (local.get $q))
  (i64.load $m1 offset=88 (local.get $q))
  (i64.load $m1 offset=96 (local.get $q))
  (i64.load $m1 offset=104 (local.get $q))
  (i64.load $m1 offset=112 (local.get $q))
  (i64.load $m1 offset=120 (local.get $q))
  (i64.load $m1 offset=128 (local.get $q))
  (i64.load $m1 offset=136 (local.get $q))
  (i64.load8_u $m1 offset=0x80000000 (local.get $p))
  i64.add
  i64.add
  i64.add
  i64.add
  i64.add
  i64.add
  i64.add
  i64.add
  i64.add
  i64.add
  i64.add
  i64.add
  i64.add
  i64.add
  i64.add
  i64.add
  i64.add
  i64.add
))
(assert_return (invoke "pressure" (i64.const 0x7fffffff) (i64.const 0)) (i64.const 5))
(assert_trap (invoke "pressure" (i64.const 12345) (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke "pressure_trap" (i64.const 0) (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke "pressure_trap" (i64.const 0xffffffff80000000) (i64.const 0)) "out of bounds memory access")

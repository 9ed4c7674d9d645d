;; SIMD: the lane-wise forms of one instruction, the longer sequences (float min, the unsigned
;; compares, shifts by a register and by a constant, any_true), shuffles (pshufd, an interleave, palignr, pshufb of
;; one operand and of two), lanes, v128 through memory, locals and calls, and constants read
;; by the instructions that use them (from the constant pool) or kept across a call, and
;; shuffles with a constant operand (clang's widening with a zero kept in a local).
(module
  (memory 1)
  (func $arith (export "arith") (param v128 v128) (result v128)
    (i32x4.add (i16x8.mul (local.get 0) (local.get 1)) (local.get 0)))
  (func $float (export "float") (param v128 v128) (result v128)
    (f32x4.min (f32x4.mul (local.get 0) (local.get 1)) (local.get 1)))
  (func $compare (export "compare") (param v128 v128) (result v128)
    (v128.and (i8x16.lt_u (local.get 0) (local.get 1)) (f64x2.ge (local.get 0) (local.get 1))))
  (func $shift (export "shift") (param v128 i32) (result v128)
    (i32x4.shl (local.get 0) (local.get 1)))
  (func $shift_constant (export "shift_constant") (param v128) (result v128)
    (i8x16.shr_u (i16x8.shr_s (local.get 0) (i32.const 3)) (i32.const 2)))
  (func $any (export "any") (param v128) (result i32)
    (v128.any_true (local.get 0)))
  (func $shuffle_one (export "shuffle_one") (param v128 v128) (result v128)
    (i8x16.shuffle 3 2 1 0 7 6 5 4 11 10 9 8 15 14 13 12 (local.get 0) (local.get 1)))
  (func $shuffle_two (export "shuffle_two") (param v128 v128) (result v128)
    (i8x16.shuffle 0 16 1 17 2 18 3 19 4 20 5 21 6 22 7 23 (local.get 0) (local.get 1)))
  (func $shuffle_dwords (export "shuffle_dwords") (param v128 v128) (result v128)
    (i8x16.shuffle 28 29 30 31 16 17 18 19 20 21 22 23 20 21 22 23 (local.get 0) (local.get 1)))
  (func $shuffle_rotate (export "shuffle_rotate") (param v128 v128) (result v128)
    (i8x16.shuffle 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 (local.get 0) (local.get 1)))
  (func $shuffle_general (export "shuffle_general") (param v128 v128) (result v128)
    (i8x16.shuffle 31 0 30 1 29 2 28 3 27 4 26 5 25 6 24 7 (local.get 0) (local.get 1)))
  (func $lanes (export "lanes") (param v128 f32) (result i32)
    (i32x4.extract_lane 2 (f32x4.replace_lane 1 (local.get 0) (local.get 1))))
  (func $memory (export "memory") (param i32)
    (v128.store offset=16 (local.get 0)
      (i32x4.add (v128.load (local.get 0)) (v128.const i32x4 1 2 3 4))))
  (func $splat (export "splat") (param i32) (result v128)
    (i8x16.splat (local.get 0)))
  (func $call (export "call") (param v128) (result v128)
    (call $arith (local.get 0) (call $shift (local.get 0) (i32.const 3))))
  (func $constants (export "constants") (param v128) (result v128)
    (i8x16.swizzle
      (i32x4.sub (v128.const i32x4 10 20 30 40) (i32x4.add (v128.const i32x4 1 2 3 4) (local.get 0)))
      (v128.const i8x16 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1 16)))
  (func $constant_across_call (export "constant_across_call") (result v128)
    (i64x2.add (v128.const i64x2 0x123456789abcdef0 -1) (call $splat (i32.const 7))))
  (func $widen (export "widen") (param v128) (result v128) (local v128)
    (i16x8.add
      (i8x16.shuffle 16 1 17 3 18 5 19 7 20 9 21 11 22 13 23 15
        (local.tee 1 (v128.const i64x2 0 0)) (local.get 0))
      (i8x16.shuffle 8 17 9 19 10 21 11 23 12 25 13 27 14 29 15 31 (local.get 0) (local.get 1)))))

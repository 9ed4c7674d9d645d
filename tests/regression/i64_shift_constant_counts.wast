;; Found by fuzz/diff.sh (binaryen's random modules against its interpreter and V8), reduced by
;; fuzz/reduce.sh: an i64 shift or rotate whose count is a constant that does not fit in 32
;; bits computed garbage (the count was used from a register other than rcx). The count only
;; matters modulo 64. Also the issue's own two cases.

(module
  ;; From seed 1000, module 13167: the value comes from a select, the count is 2^50.
  (func (export "shl_after_select") (param i32) (result i64)
    (i64.shl
      (select (i64.const -20363) (i64.const 91) (local.get 0))
      (i64.const 1125899906842624)))
  ;; From the same run: the count reaches the rotate through local.tee.
  (func (export "rotl_of_teed_count") (result i64)
    (local i64)
    (i64.rotl (i64.const -1073741824) (local.tee 0 (i64.const 4294967192))))
  (func (export "shr_s_wide") (param i64) (result i64)
    (i64.shr_s (local.get 0) (i64.const 0x8000000000000001)))
  (func (export "shl_wide") (param i64) (result i64)
    (i64.shl (local.get 0) (i64.const 0x100000001)))
  (func (export "rotr_wide") (param i64) (result i64)
    (i64.rotr (local.get 0) (i64.const 0x7fffffff00000004)))
  (func (export "shr_u_wide") (param i64) (result i64)
    (i64.shr_u (local.get 0) (i64.const -1))))

;; 2^50 mod 64 = 0: the value unchanged.
(assert_return (invoke "shl_after_select" (i32.const 1)) (i64.const -20363))
(assert_return (invoke "shl_after_select" (i32.const 0)) (i64.const 91))
;; 4294967192 mod 64 = 24.
(assert_return (invoke "rotl_of_teed_count") (i64.const 0xffc0000000ffffff))
(assert_return (invoke "shr_s_wide" (i64.const -8)) (i64.const -4))
(assert_return (invoke "shl_wide" (i64.const -8)) (i64.const -16))
(assert_return (invoke "rotr_wide" (i64.const 0x10)) (i64.const 1))
(assert_return (invoke "shr_u_wide" (i64.const -1)) (i64.const 1))

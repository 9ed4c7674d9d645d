;; Constants stay on the value stack until a user needs them, then fold into immediates.
(module
  ;; add reg, 5: no register holds the 5.
  (func $add_imm (param $x i32) (result i32)
    (i32.add (local.get $x) (i32.const 5)))

  ;; A 64-bit constant that fits in a sign-extended imm32, and one that does not.
  (func $and_imm (param $x i64) (result i64)
    (i64.and (local.get $x) (i64.const 0xff)))
  (func $xor_wide (param $x i64) (result i64)
    (i64.xor (local.get $x) (i64.const 0x123456789abcdef)))

  ;; Shift counts are immediates too.
  (func $shift_imm (param $x i32) (result i32)
    (i32.shl (local.get $x) (i32.const 3)))

  ;; Compare against a constant.
  (func $lt_imm (param $x i32) (result i32)
    (i32.lt_s (local.get $x) (i32.const 100)))

  ;; A constant result is materialized only in the result register.
  (func $const_result (result i64)
    (i64.const -1))
)

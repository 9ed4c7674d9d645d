;; A table of functions the host reads, fills and grows, called through call_indirect.
(module
  (type $binary (func (param i32 i32) (result i32)))
  (import "host" "sub" (func $sub (type $binary)))
  (table $ops (export "ops") 2 10 funcref)
  (elem (i32.const 0) $add $sub)
  (func $add (type $binary) (i32.add (local.get 0) (local.get 1)))
  (func (export "apply") (param $op i32) (param i32 i32) (result i32)
    (call_indirect (type $binary) (local.get 1) (local.get 2) (local.get $op)))
  (func (export "mul") (type $binary) (i32.mul (local.get 0) (local.get 1))))

;; call_indirect: bounds check against the table length, load the funcref, trap on null,
;; compare the canonical type id (one immediate compare), call with the callee's vmctx. A
;; mismatch goes out of line: a lazily initialised slot (the mark at [vmctx + 0x10]) is resolved
;; by tableElement and checked again, anything else traps.
(module
  (type $binop (func (param i32 i32) (result i32)))
  (table $ops 2 funcref)
  (elem (i32.const 0) $add $sub)
  (func $add (type $binop) (i32.add (local.get 0) (local.get 1)))
  (func $sub (type $binop) (i32.sub (local.get 0) (local.get 1)))

  (func $apply (param $op i32) (param $a i32) (param $b i32) (result i32)
    (call_indirect $ops (type $binop) (local.get $a) (local.get $b) (local.get $op)))

  ;; A constant index.
  (func $apply_first (param $a i32) (result i32)
    (call_indirect $ops (type $binop) (local.get $a) (i32.const 1) (i32.const 0)))
)

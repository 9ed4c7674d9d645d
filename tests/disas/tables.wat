;; table.get: bounds check against the table length, then the load. A funcref slot may hold the
;; lazy mark (the VMFuncRef whose address is at [vmctx + 0x10]): one compare with it, and only
;; if equal the out-of-line call of tableElement, with the registers live across the read
;; stored to their homes around it. An externref table has no mark.
(module
  (table $f 4 funcref)
  (table $e 4 externref)
  (elem (table $f) (i32.const 0) func $id)
  (func $id (param i32) (result i32) (local.get 0))
  (func $get (param i32) (result funcref) (table.get $f (local.get 0)))
  (func $get_extern (param i32) (result externref) (table.get $e (local.get 0)))
  ;; A stack value and the locals live across the read.
  (func $get_live (param i32 i64) (result i64 funcref)
    (i64.add (local.get 1) (i64.const 1))
    (table.get $f (local.get 0)))
)

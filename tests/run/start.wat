;; A program with a `_start`, which `wisp run` calls without --invoke.
(module
  (memory 1)
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 42)))
)

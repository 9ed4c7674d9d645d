;; Imports and exports of every kind and shape, for reflection.
(module
  (import "env" "log" (func (param i32 i64 f32 f64)))
  (import "env" "pick" (func (param externref funcref) (result i32 f64)))
  (import "env" "base" (global i32))
  (import "env" "state" (global (mut f32)))
  (import "env" "table" (table 1 funcref))
  (import "env" "memory" (memory 1 16))
  (func (export "nothing"))
  (global (export "limit") i64 (i64.const 9))
  (table (export "objects") 0 100 externref)
  (export "heap" (memory 0))
  (export "log_again" (func 0)))

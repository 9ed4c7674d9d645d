;; A module with an import `wisp run` does not provide.
(module
  (import "env" "log" (func $log (param i32)))
  (func (export "_start") (call $log (i32.const 1)))
)

;; memory.grow for `wisp run --max-memory`: grow returns the old size in pages, or -1.
(module
  (memory (export "memory") 2)
  (func (export "grow") (param $pages i32) (result i32) (memory.grow (local.get $pages)))
  ;; Grows by one page at a time until refused; the size in pages it reached.
  (func (export "grow_until_refused") (result i32)
    (block $refused
      (loop $again
        (br_if $refused (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
        (br $again)))
    (memory.size)))

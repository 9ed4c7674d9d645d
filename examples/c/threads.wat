;; Sums 1..n, asking the host for each term: each thread's host function is its own.
(module
  (import "host" "term" (func $term (param i32) (result i64)))
  (func (export "sum") (param $n i32) (result i64)
    (local $total i64)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $total (i64.add (local.get $total) (call $term (local.get $n))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $total))
  (func (export "divide") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1))))

;; Loops: the locals the body uses stay in registers chosen at the header; back edges jump to it.
(module
  ;; 1 + 2 + ... + n
  (func $sum_to (param $n i32) (result i32) (local $sum i32)
    (block $exit
      (loop $next
        (br_if $exit (i32.eqz (local.get $n)))
        (local.set $sum (i32.add (local.get $sum) (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    local.get $sum)

  ;; n! with a loop that carries its condition at the bottom.
  (func $factorial (param $n i64) (result i64) (local $acc i64)
    (local.set $acc (i64.const 1))
    (loop $again
      (local.set $acc (i64.mul (local.get $acc) (local.get $n)))
      (local.set $n (i64.sub (local.get $n) (i64.const 1)))
      (br_if $again (i64.gt_s (local.get $n) (i64.const 1))))
    local.get $acc)
)

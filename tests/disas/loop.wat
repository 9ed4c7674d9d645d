;; Loops: the locals the body uses stay in registers chosen at the header; back edges jump to it.
;; A nested loop's header chooses from its own body: the outer loop's locals that the inner one
;; never reads leave their registers there (stored once), so the inner loop's get them.
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

  ;; The outer loop keeps seven locals busy; the inner loop reads only $i, $x and $y.
  (func $nested (param $n i32) (result i32)
    (local $a i32) (local $b i32) (local $c i32) (local $d i32) (local $e i32) (local $f i32)
    (local $g i32) (local $i i32) (local $x i32) (local $y i32)
    (loop $outer
      (local.set $a (i32.add (local.get $a) (local.get $n)))
      (local.set $b (i32.xor (local.get $b) (local.get $a)))
      (local.set $c (i32.add (local.get $c) (local.get $b)))
      (local.set $d (i32.xor (local.get $d) (local.get $c)))
      (local.set $e (i32.add (local.get $e) (local.get $d)))
      (local.set $f (i32.xor (local.get $f) (local.get $e)))
      (local.set $g (i32.add (local.get $g) (local.get $f)))
      (local.set $i (i32.const 100))
      (loop $inner
        (local.set $x (i32.add (local.get $x) (local.get $y)))
        (local.set $y (i32.xor (local.get $y) (local.get $i)))
        (br_if $inner (local.tee $i (i32.sub (local.get $i) (i32.const 1)))))
      (br_if $outer (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32.add (local.get $g) (local.get $x)))
)

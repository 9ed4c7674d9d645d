;; Merge states: locals and label values stay in registers across joins.
(module
  (memory 1)

  ;; A loop that carries three locals (the index, the pointer and a float sum) in the
  ;; registers chosen at its header: the body updates them in place and the back edge is one
  ;; conditional jump with no moves.
  (func $dot (param $a i32) (param $b i32) (param $n i32) (result f64)
    (local $i i32) (local $sum f64)
    (block $done
      (br_if $done (i32.eqz (local.get $n)))
      (loop $next
        (local.set $sum
          (f64.add (local.get $sum)
                   (f64.mul (f64.load (local.get $a)) (f64.load (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (i32.const 8)))
        (local.set $b (i32.add (local.get $b) (i32.const 8)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $next (i32.lt_u (local.get $i) (local.get $n)))))
    (local.get $sum))

  ;; An if/else whose arms both assign a local and produce a result: the first arm fixes the
  ;; join's state, the second is reconciled to it with register moves, and the result and
  ;; the local are read from registers after the join.
  (func $clamp_and_count (param $x i32) (param $limit i32) (result i32)
    (local $hits i32)
    (if (result i32) (i32.gt_s (local.get $x) (local.get $limit))
      (then
        (local.set $hits (i32.add (local.get $hits) (i32.const 1)))
        (local.get $limit))
      (else
        (local.set $hits (i32.sub (local.get $hits) (i32.const 1)))
        (local.get $x)))
    (local.get $hits)
    (i32.add))

  ;; A br_table whose targets carry a value and a local: every target's state is fixed by the
  ;; table's own edges, so the stubs only move the value into the join's register.
  (func $select3 (param $k i32) (param $v i32) (result i32)
    (local $t i32)
    (local.set $t (i32.mul (local.get $v) (i32.const 3)))
    (block $c (result i32)
      (block $b (result i32)
        (block $a (result i32)
          (local.get $t)
          (br_table $a $b $c (local.get $k)))
        (i32.add (local.get $t) (i32.const 1))
        (br $c))
      (i32.sub (i32.const 0)))
    (local.get $t)
    (i32.xor))
)

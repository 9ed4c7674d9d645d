;; Programs that never end on their own, for --fuel and --timeout.
(module
  (func $spin (export "_start") (loop $forever (br $forever)))
  ;; Recursion 200 deep, then the endless loop.
  (func $descend (export "descend") (param $depth i32)
    (if (local.get $depth)
      (then (call $descend (i32.sub (local.get $depth) (i32.const 1))))
      (else (call $spin))))
  ;; Six instructions an iteration: n iterations cost 6n (see Config::consume_fuel).
  (func $count_down (export "count_down") (param $n i32) (result i32)
    (loop $again
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $again (local.get $n)))
    (local.get $n)))

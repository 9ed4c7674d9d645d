;; Loads and stores address [membase + index + offset]; guard pages make bounds checks
;; unnecessary (an out-of-bounds access faults and the handler reports the trap).
(module
  (memory 1)
  (func $load_offset (param $p i32) (result i32)
    (i32.load offset=8 (local.get $p)))

  (func $store_offset (param $p i32) (param $v i64)
    (i64.store offset=16 (local.get $p) (local.get $v)))

  ;; A constant address folds into the displacement.
  (func $load_const_address (result i32)
    (i32.load (i32.const 1024)))

  (func $narrow (param $p i32) (result i32)
    (i32.add (i32.load8_u (local.get $p)) (i32.load16_s offset=2 (local.get $p))))

  (func $copy_f64 (param $from i32) (param $to i32)
    (f64.store (local.get $to) (f64.load (local.get $from))))

  (func $store8_const (param $p i32)
    (i32.store8 offset=1 (local.get $p) (i32.const 0xab)))

  (func $grow (param $pages i32) (result i32)
    (memory.grow (local.get $pages)))
)

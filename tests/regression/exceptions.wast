;; Exception handling (the legacy try/catch/delegate/rethrow form that wabt writes), aimed at
;; what the single-pass compiler must get right at a landing pad: the values below the try and
;; the locals (which the loop headers keep in registers) as they were at the throw, the pinned
;; registers and the stack pointer put back, payloads of every type, and handlers found across
;; frames, call_indirect, delegate and rethrow.
;; wast2json-flags: --enable-exceptions --enable-tail-call

(module
  (tag $e0)
  (tag $e1 (param i32))
  (tag $e2 (param i64 f32 f64))
  (tag $e3 (param v128 externref funcref))
  (tag $big (param i32 i64 i32 i64 i32 i64 i32 i64 i32 i64))
  (memory 1)
  (table funcref (elem $thrower $nothrow))
  (type $ii (func (param i32) (result i32)))

  (func $thrower (param i32) (result i32)
    (i32.store (i32.const 16) (local.get 0))
    (throw $e1 (i32.add (local.get 0) (i32.const 1))))
  (func $nothrow (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))

  ;; A value below the try survives, the payload arrives.
  (func (export "below-and-payload") (param i32) (result i32)
    (i32.const 1000)
    (try (result i32)
      (do (call $thrower (local.get 0)))
      (catch $e1))
    (i32.add))

  ;; Locals carried in registers by a loop, changed just before the throw, read after.
  (func (export "locals-after-throw") (param $n i32) (result i32)
    (local $i i32) (local $sum i32) (local $x i64)
    (try
      (do
        (loop $l
          (local.set $sum (i32.add (local.get $sum) (local.get $i)))
          (local.set $x (i64.add (local.get $x) (i64.const 3)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (if (i32.eq (local.get $i) (local.get $n))
            (then (drop (call $thrower (local.get $i)))))
          (br $l)))
      (catch $e1 (drop)))
    (i32.add (i32.add (local.get $sum) (i32.wrap_i64 (local.get $x)))
             (i32.mul (local.get $i) (i32.const 1000))))

  ;; The memory base is back after the landing (explicit checks reload it too).
  (func (export "memory-after-catch") (result i32)
    (try (do (drop (call $thrower (i32.const 77)))) (catch_all))
    (i32.load (i32.const 16)))

  (func (export "payload-types") (result i64 f32 f64)
    (try (result i64 f32 f64)
      (do (throw $e2 (i64.const -5) (f32.const 1.5) (f64.const -2.25)))
      (catch $e2)))

  (func (export "payload-ref") (param externref) (result externref i32)
    (local $f funcref) (local $x externref)
    (try
      (do (throw $e3 (v128.const i32x4 1 2 3 4) (local.get 0) (ref.func $nothrow)))
      (catch $e3 (local.set $f) (local.set $x) (drop)))
    (local.get $x)
    (ref.is_null (local.get $f)))

  (func (export "payload-v128") (result i32)
    (try (result i32)
      (do (throw $e3 (v128.const i32x4 1 2 3 4) (ref.null extern) (ref.null func)))
      (catch $e3 (drop) (drop) (i32x4.extract_lane 2))))

  (func (export "many-values") (result i64)
    (local $s i64)
    (try
      (do (throw $big (i32.const 1) (i64.const 2) (i32.const 3) (i64.const 4) (i32.const 5)
                      (i64.const 6) (i32.const 7) (i64.const 8) (i32.const 9) (i64.const 10)))
      (catch $big
        (local.set $s)  ;; 10
        (drop)          ;; 9
        (i64.const 100) (i64.mul) (local.get $s) (i64.add) (local.set $s)  ;; 8 * 100 + 10
        (drop) (drop) (drop) (drop) (drop) (drop) (drop)))
    (local.get $s))

  ;; The first clause whose tag matches takes it; catch_all takes the rest.
  (func $dispatch (param i32) (result i32)
    (try (result i32)
      (do
        (if (i32.eq (local.get 0) (i32.const 0)) (then (throw $e0)))
        (if (i32.eq (local.get 0) (i32.const 1)) (then (throw $e1 (i32.const 41))))
        (if (i32.eq (local.get 0) (i32.const 2))
          (then (throw $e2 (i64.const 0) (f32.const 0) (f64.const 0))))
        (i32.const -1))
      (catch $e0 (i32.const 10))
      (catch $e1 (i32.add (i32.const 1)))
      (catch_all (i32.const 30))))
  (func (export "dispatch") (param i32) (result i32) (call $dispatch (local.get 0)))

  ;; No clause matches: the exception goes on to the caller's handler.
  (func $only-e0 (param i32) (result i32)
    (try (result i32)
      (do (call $thrower (local.get 0)))
      (catch $e0 (i32.const -1))))
  (func (export "uncaught-inner") (param i32) (result i32)
    (try (result i32)
      (do (call $only-e0 (local.get 0)))
      (catch $e1 (i32.mul (i32.const 2)))))

  ;; rethrow from a nested catch goes to the enclosing try's handler.
  (func (export "rethrow-outer") (result i32)
    (try (result i32)
      (do
        (try (result i32)
          (do (throw $e1 (i32.const 5)))
          (catch $e1 (drop) (rethrow 0))))
      (catch $e1 (i32.add (i32.const 100)))))
  (func (export "rethrow-depth") (result i32)
    (try (result i32)
      (do
        (try (result i32)
          (do (throw $e1 (i32.const 6)))
          (catch $e1
            (drop)
            (try (result i32)
              (do (throw $e0))
              (catch $e0 (rethrow 1))))))
      (catch $e1 (i32.add (i32.const 200)))
      (catch $e0 (i32.const -1))))

  ;; delegate: to an enclosing try's handler, past a block, or out to the caller.
  (func (export "delegate-outer") (result i32)
    (try (result i32)
      (do
        (block (result i32)
          (try (result i32)
            (do (throw $e1 (i32.const 7)))
            (delegate 1))))
      (catch $e1 (i32.add (i32.const 300)))))
  (func $delegate-caller
    (try (do (throw $e0)) (delegate 0)))
  (func (export "delegate-to-caller") (result i32)
    (try (result i32) (do (call $delegate-caller) (i32.const 0)) (catch $e0 (i32.const 400))))

  ;; call_indirect inside a try, and a br out of a catch body.
  (func (export "indirect") (param i32) (result i32)
    (block $out (result i32)
      (try (result i32)
        (do (call_indirect (type $ii) (i32.const 9) (local.get 0)))
        (catch $e1 (br $out (i32.add (i32.const 500)))))))

  ;; Deep recursion, caught at the bottom: every frame between is skipped.
  (func $down (param i32) (result i32)
    (if (i32.eqz (local.get 0)) (then (throw $e1 (i32.const 1))))
    (i32.add (call $down (i32.sub (local.get 0) (i32.const 1))) (i32.const 1)))
  (func (export "deep") (param i32) (result i32)
    (try (result i32) (do (call $down (local.get 0))) (catch $e1 (i32.const 600) (i32.add))))

  ;; A try with params: they are the body's, gone when the exception lands.
  (func (export "try-params") (result i32)
    (i32.const 3) (i32.const 4)
    (try (param i32 i32) (result i32)
      (do (i32.add) (throw $e1))
      (catch $e1 (i32.const 10) (i32.mul))))

  ;; Throws in a loop, caught each time: nothing is left over (stack pointer, values).
  (func (export "loop-throws") (param $n i32) (result i32)
    (local $i i32) (local $caught i32)
    (loop $l
      (try
        (do (drop (call $thrower (local.get $i))))
        (catch $e1 (local.set $caught (i32.add (local.get $caught)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $caught))

  (func (export "uncaught") (throw $e1 (i32.const 9)))

  ;; A tail call leaves the try with its frame: the callee's exception goes to our caller.
  (func $tail-thrower (param i32) (result i32) (throw $e1 (local.get 0)))
  (func $tail-in-try (param i32) (result i32)
    (try (result i32)
      (do (return_call $tail-thrower (local.get 0)))
      (catch $e1 (drop) (i32.const -7))))
  (func (export "tail-call-in-try") (param i32) (result i32)
    (try (result i32) (do (call $tail-in-try (local.get 0))) (catch $e1 (i32.const 1000) (i32.add))))
)

(assert_return (invoke "below-and-payload" (i32.const 5)) (i32.const 1006))
(assert_return (invoke "locals-after-throw" (i32.const 10)) (i32.const 10075))
(assert_return (invoke "memory-after-catch") (i32.const 77))
(assert_return (invoke "payload-types") (i64.const -5) (f32.const 1.5) (f64.const -2.25))
(assert_return (invoke "payload-v128") (i32.const 3))
(assert_return (invoke "payload-ref" (ref.extern 7)) (ref.extern 7) (i32.const 0))
(assert_return (invoke "many-values") (i64.const 810))
(assert_return (invoke "dispatch" (i32.const 0)) (i32.const 10))
(assert_return (invoke "dispatch" (i32.const 1)) (i32.const 42))
(assert_return (invoke "dispatch" (i32.const 2)) (i32.const 30))
(assert_return (invoke "dispatch" (i32.const 3)) (i32.const -1))
(assert_return (invoke "uncaught-inner" (i32.const 20)) (i32.const 42))
(assert_return (invoke "rethrow-outer") (i32.const 105))
(assert_return (invoke "rethrow-depth") (i32.const 206))
(assert_return (invoke "delegate-outer") (i32.const 307))
(assert_return (invoke "delegate-to-caller") (i32.const 400))
(assert_return (invoke "indirect" (i32.const 0)) (i32.const 510))
(assert_return (invoke "indirect" (i32.const 1)) (i32.const 27))
(assert_return (invoke "deep" (i32.const 10000)) (i32.const 601))
(assert_return (invoke "try-params") (i32.const 70))
(assert_return (invoke "loop-throws" (i32.const 1000)) (i32.const 500500))
(assert_exception (invoke "uncaught"))
(assert_return (invoke "tail-call-in-try" (i32.const 5)) (i32.const 1005))

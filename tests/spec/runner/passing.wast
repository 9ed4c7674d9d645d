;; Self-test of `wisp wast`: every judged command here must pass, the others are skipped.
;; Expected: 4 passed, 0 failed, 1 skipped (the text-form module).
(module (func (export "one") (result i32) (i32.const 1)))
(assert_return (invoke "one") (i32.const 1))
(assert_malformed (module binary "\00asm\01\00\00") "unexpected end")
(assert_malformed (module quote "(func") "unexpected token")
(assert_invalid (module (func (result i32) (i64.const 0))) "type mismatch")

;; Self-test of `wisp wast`: every command here must be judged a failure.
;; Expected: 0 passed, 4 failed, 0 skipped, and a non-zero exit status.
;; A valid module where an invalid one is expected.
(assert_invalid (module (func (result i32) (i32.const 0))) "type mismatch")
;; A well-formed (empty) module where a malformed one is expected.
(assert_malformed (module binary "\00asm\01\00\00\00") "unexpected end")
;; A malformed module where an invalid one is expected: the wrong kind of rejection.
(assert_invalid (module binary "\00asm\01\00\00") "type mismatch")
;; An invalid module where a valid one is expected.
(module (func (result i32) (i64.const 0)))

;; disas: tail-call
;; Tail calls. The arguments are staged as for a call, the stack ones in an area below the
;; frame; then the frame is replaced (MacroAssembler::replaceFrameForTailCall): the staged
;; stack arguments are copied, top word first, to end where this function's own parameter area
;; ends, the return address (r12) goes right below them, rbp is the caller's again (r13 when
;; the larger area reaches over it), rsp points at the return address, and a jmp replaces the
;; call. The callee pops its area as it returns (`ret N`), so the areas may differ in size.
(module
  (import "env" "host" (func $host (param i32) (result i32)))
  (type $unary (func (param i32) (result i32)))
  (table 1 funcref)

  (func $add (param $a i32) (param $b i32) (result i32)
    (i32.add (local.get $a) (local.get $b)))

  ;; No stack arguments on either side: the frame is left as by a return, then jmp rel32.
  (func $same_area (param $x i32) (result i32)
    (return_call $add (local.get $x) (i32.const 10)))

  ;; 8 integer parameters: two on the stack (a 16-byte area).
  (func $sum8 (param i64 i64 i64 i64 i64 i64 i64 i64) (result i64)
    (i64.add (local.get 0) (local.get 7)))

  ;; The area grows from none to 16 bytes: the return address and saved rbp move down.
  (func $grow (param $x i64) (result i64)
    (return_call $sum8 (local.get $x) (i64.const 2) (i64.const 3) (i64.const 4)
                       (i64.const 5) (i64.const 6) (i64.const 7) (i64.const 8)))

  ;; The area shrinks from 16 bytes to none: the return address moves up.
  (func $shrink (param i64 i64 i64 i64 i64 i64 i64 i64) (result i64)
    (return_call $grow (local.get 7)))

  ;; To an import: its VMFuncRef names the code (rax) and the vmctx (r14).
  (func $to_host (param $x i32) (result i32)
    (return_call $host (local.get $x)))

  ;; Through the table: its checks trap in this frame, before it is replaced.
  (func $indirect (param $x i32) (result i32)
    (return_call_indirect (type $unary) (local.get $x) (i32.const 0)))

  ;; A module that tail-calls out of its instance reloads the vmctx (and memory base) after
  ;; its direct calls too: the callee may return from another instance.
  (func $caller (param $x i32) (result i32)
    (i32.add (call $same_area (local.get $x)) (i32.const 1)))
)

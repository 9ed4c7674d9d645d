;; disas: fuel epochs
;; Fuel metering and epoch checks. The fuel counter lives in rbx (kFuelGp), loaded from
;; [limits + 32] at the entry and after calls, stored there before calls and returns; each
;; straight-line run begins with `add rbx, N` (N its instruction count, patched at its end; an
;; empty run's add is taken back). At the entry and at the loop header the add is followed by
;; `jg` to the out-of-fuel trap, and the flag at [limits + 40], which the engine raises once
;; its epoch reaches the store's deadline, is tested: `jne` to a slow path after the body that keeps
;; the locals in registers in their homes across the call of the epoch builtin and traps
;; (interrupt) unless it returns 0. Trap stubs store the counter first.
(module
  (func $sum_to (export "sum_to") (param $n i32) (result i32) (local $sum i32)
    (loop $again
      (local.set $sum (i32.add (local.get $sum) (local.get $n)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br_if $again (local.get $n)))
    (local.get $sum))
  (func $twice (param i32) (result i32)
    (call $sum_to (call $sum_to (local.get 0)))))

;; disas: baseline-cpu
;; On a CPU with nothing beyond SSE2 (isa::CpuFeatures{}, Config::cpu_features lowered to
;; CpuFeatures::baseline()): clz and ctz through bsr and bsf with zero mapped to the width,
;; popcnt by the SWAR sum (i64 with a temporary for its masks), and the roundings as calls to
;; the C library.
(module
  (func (export "clz32") (param i32) (result i32) (i32.clz (local.get 0)))
  (func (export "clz64") (param i64) (result i64) (i64.clz (local.get 0)))
  (func (export "ctz32") (param i32) (result i32) (i32.ctz (local.get 0)))
  (func (export "ctz64") (param i64) (result i64) (i64.ctz (local.get 0)))
  (func (export "popcnt32") (param i32) (result i32) (i32.popcnt (local.get 0)))
  (func (export "popcnt64") (param i64) (result i64) (i64.popcnt (local.get 0)))
  (func (export "floor64") (param f64) (result f64) (f64.floor (local.get 0)))
  (func (export "nearest32") (param f32) (result f32) (f32.nearest (local.get 0))))

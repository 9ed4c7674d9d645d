// A compiled module: decoded, validated and compiled to machine code once, instantiated any
// number of times in any store of its engine. Cheap to copy (shared).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "wisp/engine.h"
#include "wisp/result.h"
#include "wisp/types.h"

namespace wisp::runtime {
struct CompiledModule;
}

namespace wisp {

class Module {
 public:
  // Decodes, validates and compiles. Errors say what and where: Malformed or Invalid with the
  // byte offset (and function index inside a body), or Compile from the compiler.
  static Result<Module> compile(const Engine& engine, std::span<const uint8_t> bytes);
  // Decodes and validates only.
  static Result<void> validate(const Engine& engine, std::span<const uint8_t> bytes);

  // Ahead-of-time compilation (`wisp compile`): the module with its machine code, in a
  // versioned format that deserialize() loads without compiling, in this process or another,
  // into an engine whose settings the code allows (the same bounds-check mode, at least the
  // CPU features and WebAssembly features the code was compiled with, the same ISA and Wisp
  // version). The format is Wisp's own, not an object file. See docs/embedding.md.
  Result<std::vector<uint8_t>> serialize() const;
  // Loads what serialize() wrote. A file that is truncated, corrupted (its checksum), for
  // another ISA or version, or needs settings the engine lacks is refused with an error of
  // kind Deserialize saying which. The checksum catches accidents, not attacks: like a shared
  // library, a serialized module is machine code the host trusts.
  static Result<Module> deserialize(const Engine& engine, std::span<const uint8_t> bytes);
  // Whether `bytes` begin as a serialized module does (its 8-byte magic), to tell one apart
  // from a .wasm binary.
  static bool isSerialized(std::span<const uint8_t> bytes);

  std::vector<ImportType> imports() const;
  std::vector<ExportType> exports() const;
  // From the name section; empty when there is none.
  std::string name() const;

 private:
  friend struct detail::Access;
  Module(std::shared_ptr<detail::EngineState> engine,
         std::shared_ptr<const runtime::CompiledModule> compiled)
      : engine_(std::move(engine)), compiled_(std::move(compiled)) {}

  std::shared_ptr<detail::EngineState> engine_;
  std::shared_ptr<const runtime::CompiledModule> compiled_;
};

}  // namespace wisp

// What the compiler knows about one module's machine code, for the trap handler and
// backtraces: which function each code range belongs to, which instructions trap on purpose
// (and with what kind), and which wasm instruction each piece of code came from.
//
// All positions are offsets from the start of the module's code, not addresses: the data is
// position-independent, so it can be serialized with the code (`wisp compile`) and the code
// registry adds the load address. Queries are async-signal-safe after finish(): binary
// searches over sorted vectors, no allocation, no locks.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/result.h"
#include "runtime/trap.h"

namespace wisp::runtime {

struct FunctionCode {
  uint32_t function_index = 0;  // in the module's function index space
  uint32_t code_begin = 0;      // [code_begin, code_end) in the module's code
  uint32_t code_end = 0;
  // From the name section; may be empty. Points into text the CodeInfo keeps alive.
  std::string_view name;
  // Where the function's body (its locals, then its code) starts in the module binary, so a
  // backtrace can give offsets within the function as well.
  uint32_t body_offset = kUnknownWasmOffset;
};

// An instruction that traps on purpose (ud2 for `unreachable` or an out-of-line trap stub, a
// load that may fault on a null reference, ...). The handler reports `kind` when it faults.
struct TrapSite {
  uint32_t code_offset = 0;
  TrapKind kind = TrapKind::Unreachable;
  uint32_t wasm_offset = kUnknownWasmOffset;
};

// Code from `code_offset` up to the next entry was generated for the wasm instruction at
// `wasm_offset` (a byte offset in the module binary).
struct AddressMapEntry {
  uint32_t code_offset = 0;
  uint32_t wasm_offset = 0;
};

// A call that an exception may come out of, inside a try (or try_table) of its function: an
// exception unwinding to the call's return address resumes at the landing pad. Calls with no
// handler in their function have no entry: the exception goes on to the caller.
struct HandlerSite {
  uint32_t return_offset = 0;
  uint32_t landing_offset = 0;
};

struct FrameLocation {
  uint32_t function_index = 0;
  uint32_t wasm_offset = kUnknownWasmOffset;
};

class CodeInfo {
 public:
  CodeInfo() = default;
  CodeInfo(CodeInfo&&) = default;
  CodeInfo& operator=(CodeInfo&&) = default;
  CodeInfo(const CodeInfo&) = delete;  // the functions' names would point into the original's

  // Building, by the compiler. Any order; finish() sorts and checks. The function's name is
  // copied.
  void addFunction(FunctionCode function);
  void addTrapSite(TrapSite site);
  void addAddressMapEntry(AddressMapEntry entry);
  // The same in bulk, for a compiler that fills the tables itself (on several threads):
  // replaces them whole. Any order; finish() sorts and checks. The functions' names point
  // into `names`.
  void assign(std::vector<FunctionCode> functions, std::vector<TrapSite> trap_sites,
              std::vector<AddressMapEntry> address_map, std::shared_ptr<const std::string> names);
  void assignHandlers(std::vector<HandlerSite> handlers);
  // Sorts everything and checks that function ranges do not overlap and that no two trap
  // sites share an offset. Queries are valid only after it succeeds.
  Result<void> finish();

  // Queries (async-signal-safe).
  const FunctionCode* lookupFunction(uint32_t code_offset) const noexcept;
  const TrapSite* lookupTrap(uint32_t code_offset) const noexcept;  // exact offset only
  // The landing pad for an exception coming out of the call returning to `return_offset`.
  std::optional<uint32_t> lookupHandler(uint32_t return_offset) const noexcept;
  // The function containing `code_offset` and the wasm instruction it came from (the address
  // map entry at or before it within that function; kUnknownWasmOffset if there is none).
  std::optional<FrameLocation> lookupFrame(uint32_t code_offset) const noexcept;

  const std::vector<FunctionCode>& functions() const { return functions_; }
  const std::vector<TrapSite>& trapSites() const { return trap_sites_; }
  const std::vector<AddressMapEntry>& addressMap() const { return address_map_; }
  const std::vector<HandlerSite>& handlers() const { return handlers_; }
  bool finished() const { return finished_; }

 private:
  std::vector<FunctionCode> functions_;        // sorted by code_begin
  std::vector<TrapSite> trap_sites_;           // sorted by code_offset
  std::vector<AddressMapEntry> address_map_;   // sorted by code_offset
  std::vector<HandlerSite> handlers_;          // sorted by return_offset
  std::shared_ptr<const std::string> assigned_names_;  // what assign()'s names point into
  std::deque<std::string> added_names_;  // addFunction()'s, where they do not move
  bool finished_ = false;
};

}  // namespace wisp::runtime

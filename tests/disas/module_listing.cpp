#include "module_listing.h"

#include <cinttypes>
#include <cstdio>
#include <numeric>
#include <vector>

#include "listing.h"
#include "runtime/trap.h"
#include "wasm/module.h"
#include "wasm/opcodes.h"

namespace wisp::disas {
namespace {

std::string hex(uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%" PRIx64, value);
  return text;
}

// "@0x2a i32.load": the wasm instruction at a byte offset of the module.
std::string wasmInstruction(const wasm::Module& module, uint32_t offset) {
  if (offset == runtime::kUnknownWasmOffset) return "@?";
  std::string text = "@";
  text += hex(offset);
  if (offset >= module.bytes.size()) return text;
  // The compiler attributes the prologue to the body's start (its local declarations).
  for (const wasm::Function& f : module.functions)
    if (!f.imported && f.body_offset == offset) return text + " entry";
  const uint8_t byte = module.bytes[offset];
  wasm::Opcode op;
  bool known = false;
  if (byte == wasm::kPrefixMisc || byte == wasm::kPrefixSimd) {
    uint32_t code = 0;
    for (uint32_t i = offset + 1, shift = 0; i < module.bytes.size() && shift < 35; ++i, shift += 7) {
      code |= static_cast<uint32_t>(module.bytes[i] & 0x7F) << shift;
      if (!(module.bytes[i] & 0x80)) break;
    }
    known = wasm::lookupPrefixedOpcode(byte, code, &op);
  } else {
    known = wasm::lookupOpcode(byte, &op);
  }
  return known ? text + " " + wasm::opcodeName(op) : text;
}

std::string functionLabel(const wasm::Module& module, uint32_t index) {
  std::string label = "func[" + std::to_string(index) + "]";
  const std::string_view name = module.functionName(index);
  if (!name.empty()) label += " <" + std::string(name) + ">";
  return label;
}

}  // namespace

ModuleListing listModule(const Disassembler& disassembler, std::span<const uint8_t> wasm,
                         const wasm::Features& features, const codegen::CompileOptions& options) {
  wasm::DecodeOptions decode_options;
  decode_options.features = features;
  auto decoded = wasm::decodeModule(wasm, decode_options);
  if (!decoded) return {"", "decoding failed: " + decoded.error().message};
  const wasm::Module& module = **decoded;

  std::vector<uint32_t> type_ids(module.types.size());
  std::iota(type_ids.begin(), type_ids.end(), 0);
  codegen::CompileOptions single_threaded = options;
  single_threaded.threads = 1;
  auto compiled = codegen::compileModule(module, type_ids, single_threaded);
  if (!compiled) return {"", "compilation failed: " + compiled.error().message};
  const runtime::CompiledCode& code = **compiled;
  const auto* base = reinterpret_cast<const uint8_t*>(code.memory.begin());

  // Function starts by module code offset, to name direct call targets.
  std::vector<std::pair<uint32_t, uint32_t>> starts;  // (code offset, function index)
  for (const runtime::FunctionCode& f : code.info.functions())
    starts.emplace_back(f.code_begin, f.function_index);

  std::string text;
  for (const runtime::FunctionCode& function : code.info.functions()) {
    const uint32_t begin = function.code_begin;
    ListingNotes notes;
    notes.call_target = [&](uint64_t target) -> std::optional<std::string> {
      const uint32_t in_module = static_cast<uint32_t>(begin + target);  // wraps for calls back
      for (const auto& [start, index] : starts)
        if (start == in_module) return functionLabel(module, index);
      return std::nullopt;
    };
    notes.host_function = builtinName;
    for (const runtime::AddressMapEntry& entry : code.info.addressMap()) {
      if (entry.code_offset < begin || entry.code_offset >= function.code_end) continue;
      notes.comments[entry.code_offset - begin].push_back(wasmInstruction(module, entry.wasm_offset));
    }
    for (const runtime::TrapSite& site : code.info.trapSites()) {
      if (site.code_offset < begin || site.code_offset >= function.code_end) continue;
      notes.comments[site.code_offset - begin].push_back(
          "trap: " + std::string(runtime::trapMessage(site.kind)) + " (" +
          wasmInstruction(module, site.wasm_offset) + ")");
    }

    if (!text.empty()) text += '\n';
    text += ";; " + functionLabel(module, function.function_index) + " " +
            module.functionType(function.function_index).toString() + "\n";
    text += listCode(disassembler, {base + begin, function.code_end - begin}, notes);
  }
  return {text, ""};
}

}  // namespace wisp::disas

#include "explore_page.h"

#include <algorithm>
#include <cstdio>
#include <unordered_map>

#include "listing.h"
#include "runtime/trap.h"
#include "wasm/instruction_text.h"
#include "disassembler.h"

namespace wisp::cli {
namespace {

// Where the template takes the data (inside a <script type="application/json">).
constexpr std::string_view kDataMarker = "@WISP_EXPLORE_DATA@";

// Writes JSON as it goes (the data of a large module is tens of megabytes: no tree of values
// in between); the commas come by themselves.
class JsonWriter {
 public:
  explicit JsonWriter(std::string& out) : out_(out) {}

  void open(char bracket) {
    separate();
    out_ += bracket;
    first_ = true;
  }
  void close(char bracket) {
    out_ += bracket;
    first_ = false;
  }
  void key(std::string_view name) {
    string(name);
    out_ += ':';
    first_ = true;
  }
  void number(int64_t value) {
    separate();
    out_ += std::to_string(value);
  }
  // With '<' escaped, so that no "</script>" in a name can end the page's data early.
  void string(std::string_view text) {
    separate();
    out_ += '"';
    for (const char c : text) {
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '<': out_ += "\\u003c"; break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", static_cast<unsigned>(c));
            out_ += escaped;
          } else {
            out_ += c;
          }
      }
    }
    out_ += '"';
  }

 private:
  void separate() {
    if (!first_) out_ += ',';
    first_ = false;
  }

  std::string& out_;
  bool first_ = true;
};

// The row of `lines` (sorted by offset) for the instruction at `wasm_offset`: the one at that
// offset, else the last before it; -1 when there is none.
int64_t wasmRow(const std::vector<wasm::InstructionText>& lines, uint32_t wasm_offset) {
  if (wasm_offset == runtime::kUnknownWasmOffset) return -1;
  auto after = std::upper_bound(
      lines.begin(), lines.end(), wasm_offset,
      [](uint32_t offset, const wasm::InstructionText& line) { return offset < line.offset; });
  if (after == lines.begin()) return -1;
  return static_cast<int64_t>(after - lines.begin()) - 1;
}

class PageWriter {
 public:
  explicit PageWriter(const ExploredModule& explored)
      : explored_(explored),
        module_(explored.module),
        info_(explored.code.info),
        base_(reinterpret_cast<const uint8_t*>(explored.code.memory.begin())) {
    for (const runtime::FunctionCode& f : info_.functions())
      function_at_[f.code_begin] = f.function_index;
  }

  std::string data() {
    std::string out;
    JsonWriter json(out);
    json.open('{');
    json.key("file");
    json.string(explored_.file_name);
    json.key("imported");
    json.number(module_.imported_function_count);
    json.key("functions");
    json.open('[');
    for (const runtime::FunctionCode& function : info_.functions()) writeFunction(json, function);
    json.close(']');
    json.close('}');
    return out;
  }

 private:
  // "func[3] <name>", as the golden disassembly names call targets.
  std::string functionLabel(uint32_t index) const {
    std::string label = "func[" + std::to_string(index) + "]";
    const std::string_view name = module_.functionName(index);
    if (!name.empty()) label += " <" + std::string(name) + ">";
    return label;
  }

  // {"i": index, "n": name, "t": type, "b": body bytes, "c": code bytes, "ns": compile time,
  //  "w": [[module offset, depth, text]...], "a": [[code offset, bytes, text, wasm row,
  //  comment?]...], "e": why the body's text stops early (only then)}
  void writeFunction(JsonWriter& json, const runtime::FunctionCode& function) {
    const uint32_t index = function.function_index;
    const uint32_t defined = index - module_.imported_function_count;
    const wasm::BodyText body = wasm::bodyText(module_, index);
    json.open('{');
    json.key("i");
    json.number(index);
    json.key("n");
    json.string(function.name);
    json.key("t");
    json.string(module_.functionType(index).toString());
    json.key("b");
    json.number(module_.functions[index].body_size);
    json.key("c");
    json.number(function.code_end - function.code_begin);
    json.key("ns");
    json.number(defined < explored_.compile_times.size()
                    ? explored_.compile_times[defined].count()
                    : 0);
    if (!body.error.empty()) {
      json.key("e");
      json.string(body.error);
    }
    json.key("w");
    json.open('[');
    for (const wasm::InstructionText& line : body.lines) {
      json.open('[');
      json.number(line.offset);
      json.number(line.depth);
      json.string(line.text);
      json.close(']');
    }
    json.close(']');
    json.key("a");
    writeMachineCode(json, function, body.lines);
    json.close('}');
  }

  void writeMachineCode(JsonWriter& json, const runtime::FunctionCode& function,
                        const std::vector<wasm::InstructionText>& wasm_lines) {
    const uint32_t begin = function.code_begin, end = function.code_end;
    disas::ListingNotes notes;
    notes.call_target = [&](uint64_t target) -> std::optional<std::string> {
      const auto in_module = static_cast<uint32_t>(begin + target);  // wraps for calls back
      auto callee = function_at_.find(in_module);
      if (callee == function_at_.end()) return std::nullopt;
      return functionLabel(callee->second);
    };
    notes.host_function = disas::builtinName;
    const std::vector<disas::ListingLine> lines =
        disas::listLines(disassembler_, {base_ + begin, end - begin}, notes);

    // The address map's and trap sites' entries of this function, both sorted by offset.
    const auto& map = info_.addressMap();
    auto entry = std::lower_bound(map.begin(), map.end(), begin,
                                  [](const runtime::AddressMapEntry& e, uint32_t offset) {
                                    return e.code_offset < offset;
                                  });
    const auto& traps = info_.trapSites();
    auto trap = std::lower_bound(traps.begin(), traps.end(), begin,
                                 [](const runtime::TrapSite& t, uint32_t offset) {
                                   return t.code_offset < offset;
                                 });
    uint32_t wasm_offset = runtime::kUnknownWasmOffset;  // of the entry at or before the line
    json.open('[');
    for (const disas::ListingLine& line : lines) {
      const uint32_t at = begin + static_cast<uint32_t>(line.offset);
      while (entry != map.end() && entry->code_offset < end && entry->code_offset <= at)
        wasm_offset = (entry++)->wasm_offset;
      while (trap != traps.end() && trap->code_offset < at) ++trap;
      // A trap stub lies after the body, past the address map's last entry: it belongs to the
      // instruction its trap site names.
      std::string comment;
      uint32_t linked = wasm_offset;
      if (trap != traps.end() && trap->code_offset == at) {
        linked = trap->wasm_offset;
        comment = "trap: " + std::string(runtime::trapMessage(trap->kind));
      }
      for (const std::string& c : line.comments) comment += (comment.empty() ? "" : ", ") + c;
      // Padding, jump tables and constants are data, not any instruction's code.
      const bool data = line.text.starts_with('.') || line.text.starts_with('(');
      json.open('[');
      json.number(static_cast<int64_t>(line.offset));
      json.string(line.bytes);
      json.string(line.text);
      json.number(data ? -1 : wasmRow(wasm_lines, linked));
      if (!comment.empty()) json.string(comment);
      json.close(']');
    }
    json.close(']');
  }

  const ExploredModule& explored_;
  const wasm::Module& module_;
  const runtime::CodeInfo& info_;
  const uint8_t* base_;
  std::unordered_map<uint32_t, uint32_t> function_at_;  // code offset -> function index
  disas::Disassembler disassembler_;
};

}  // namespace

std::string renderExplorePage(const ExploredModule& explored) {
  const std::string_view page = explorePageTemplate();
  const size_t marker = page.find(kDataMarker);
  std::string out(page.substr(0, marker));
  out += PageWriter(explored).data();
  out += page.substr(marker + kDataMarker.size());
  return out;
}

}  // namespace wisp::cli

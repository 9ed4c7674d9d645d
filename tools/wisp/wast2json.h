// Converting a .wast script with wabt's wast2json into a JSON command list plus module files.
#pragma once

#include <filesystem>
#include <string>
#include <variant>
#include <vector>

namespace wisp::cli {

struct Wast2jsonSettings {
  std::string program = "wast2json";  // a name looked up in PATH, or a path
  std::vector<std::string> flags;     // passed through, e.g. "--enable-tail-call"
};

// Writes `<out_dir>/<stem>.json` and its `<stem>.N.wasm` files; returns the JSON's path, or
// why the conversion failed (with wast2json's own output).
std::variant<std::filesystem::path, std::string> convertWast(const std::filesystem::path& wast,
                                                             const std::filesystem::path& out_dir,
                                                             const Wast2jsonSettings& settings);

}  // namespace wisp::cli

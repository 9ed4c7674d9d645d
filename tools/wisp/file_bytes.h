// Reading and writing whole files, with errors that name the file and the OS reason.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace wisp::cli {

// The file's bytes, or a message such as "cannot read 'x.wasm': No such file or directory".
std::variant<std::vector<uint8_t>, std::string> readFileBytes(const std::filesystem::path& path);

// Writes through a temporary file renamed over `path`, so a failure never leaves a partial
// file where a complete one is expected. Empty on success, else why ("cannot write 'x': ...").
std::string writeFileAtomically(const std::string& path, std::span<const uint8_t> bytes);

}  // namespace wisp::cli

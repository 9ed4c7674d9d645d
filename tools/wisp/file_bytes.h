// Reading a whole file into memory, with an error that names the file and the OS reason.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <variant>
#include <vector>

namespace wisp::cli {

// The file's bytes, or a message such as "cannot read 'x.wasm': No such file or directory".
std::variant<std::vector<uint8_t>, std::string> readFileBytes(const std::filesystem::path& path);

}  // namespace wisp::cli

// A wast2json JSON file, loaded: the commands of one .wast script and where its modules are.
#pragma once

#include <filesystem>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

namespace wisp::cli {

struct WastScript {
  std::string source_name;            // the .wast as named in messages ("i32.wast:12: ...")
  std::filesystem::path module_dir;   // the JSON's folder: "filename" fields are relative to it
  nlohmann::json commands;            // a JSON array, in script order
};

// Reads and parses `json_path`. An empty `source_name` means: take the JSON's own
// "source_filename", or else the JSON's path.
std::variant<WastScript, std::string> loadWastScript(const std::filesystem::path& json_path,
                                                     std::string source_name);

}  // namespace wisp::cli

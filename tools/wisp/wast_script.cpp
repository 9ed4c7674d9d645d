#include "wast_script.h"

#include <vector>

#include "file_bytes.h"

namespace wisp::cli {

std::variant<WastScript, std::string> loadWastScript(const std::filesystem::path& json_path,
                                                     std::string source_name) {
  auto bytes = readFileBytes(json_path);
  if (auto* message = std::get_if<std::string>(&bytes)) return *message;
  const auto& content = std::get<std::vector<uint8_t>>(bytes);

  nlohmann::json document =
      nlohmann::json::parse(content.begin(), content.end(), nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded())
    return std::string("'") + json_path.string() + "' is not valid JSON";
  if (!document.is_object() || !document.contains("commands") || !document["commands"].is_array())
    return std::string("'") + json_path.string() + "' has no \"commands\" array: is it wast2json output?";

  if (source_name.empty()) {
    auto source = document.find("source_filename");
    source_name = source != document.end() && source->is_string() ? source->get<std::string>()
                                                                   : json_path.string();
  }
  std::filesystem::path module_dir = json_path.parent_path();
  if (module_dir.empty()) module_dir = ".";
  return WastScript{std::move(source_name), std::move(module_dir),
                    std::move(document["commands"])};
}

}  // namespace wisp::cli

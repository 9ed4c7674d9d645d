#include "wast2json.h"

#include <cerrno>
#include <cstring>
#include <unistd.h>

#include "file_bytes.h"
#include "subprocess.h"

namespace wisp::cli {
namespace {

// wast2json reports one error per problem, possibly many; a screenful is enough to act on.
constexpr size_t kMaxShownOutput = 4000;

std::string shownOutput(const std::filesystem::path& output_file) {
  auto bytes = readFileBytes(output_file);
  auto* content = std::get_if<std::vector<uint8_t>>(&bytes);
  if (content == nullptr || content->empty()) return "";
  std::string text(content->begin(), content->end());
  if (text.size() > kMaxShownOutput) text = text.substr(0, kMaxShownOutput) + "\n[...]";
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return "\n" + text;
}

}  // namespace

std::variant<std::filesystem::path, std::string> convertWast(const std::filesystem::path& wast,
                                                             const std::filesystem::path& out_dir,
                                                             const Wast2jsonSettings& settings) {
  // Checked here so that a typo reads as such, not as a wast2json failure.
  if (::access(wast.c_str(), R_OK) != 0)
    return "cannot read '" + wast.string() + "': " + std::strerror(errno);

  std::filesystem::path json = out_dir / (wast.stem().string() + ".json");
  std::filesystem::path output_file = out_dir / "wast2json.log";
  std::vector<std::string> argv{settings.program};
  argv.insert(argv.end(), settings.flags.begin(), settings.flags.end());
  argv.insert(argv.end(), {wast.string(), "-o", json.string()});

  ProcessOutcome outcome = runProcess(argv, output_file);
  if (!outcome.succeeded)
    return "wast2json could not convert '" + wast.string() + "': " + outcome.failure +
           shownOutput(output_file);
  return json;
}

}  // namespace wisp::cli

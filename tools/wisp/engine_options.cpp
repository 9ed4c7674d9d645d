#include "engine_options.h"

#include <map>

namespace wisp::cli {

CLI::Option* addBoundsChecksOption(CLI::App& command, BoundsChecks& mode, const std::string& note) {
  const std::map<std::string, BoundsChecks> modes = {{"guard", BoundsChecks::GuardRegion},
                                                     {"explicit", BoundsChecks::Explicit}};
  return command
      .add_option("--bounds-checks", mode,
                  "guard (the default: guard pages) or explicit (every access checked)" + note)
      ->transform(CLI::CheckedTransformer(modes, CLI::ignore_case).description(""))
      // A transform runs before those added earlier: the names are checked first, so an
      // error lists them rather than the enum's values.
      ->transform(CLI::IsMember({"guard", "explicit"}, CLI::ignore_case).description(""))
      ->type_name("guard|explicit");
}

CLI::Option* addCpuFeaturesOption(CLI::App& command, std::string& level, const std::string& help) {
  return command.add_option("--cpu-features", level, help)
      ->check(CLI::IsMember({"host", "sse4.1", "baseline"}).description(""))
      ->type_name("host|sse4.1|baseline");
}

}  // namespace wisp::cli

#include "engine_options.h"

#include <map>
#include <string_view>

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

void addFeatureOptions(CLI::App& command, Features& features) {
  struct Known {
    std::string_view name;
    bool Features::*feature;
  };
  static constexpr Known kFeatures[] = {
      {"simd", &Features::simd},         {"relaxed-simd", &Features::relaxed_simd},
      {"tail-call", &Features::tail_call}, {"extended-const", &Features::extended_const},
      {"multi-memory", &Features::multi_memory}, {"memory64", &Features::memory64},
      {"threads", &Features::threads},   {"exceptions", &Features::exceptions},
  };
  const Features defaults;
  for (const Known& known : kFeatures) {
    const bool on = defaults.*known.feature;
    bool* target = &(features.*known.feature);
    const std::string flag = std::string(on ? "--disable-" : "--enable-") + std::string(known.name);
    command.add_flag_callback(flag, [target, on] { *target = !on; },
                              std::string(on ? "Turn off " : "Turn on ") + std::string(known.name) +
                                  (on ? " (on by default)" : " (off by default)"))
        ->group("WebAssembly features");
  }
}

}  // namespace wisp::cli

#include "validate_command.h"

#include <cstdio>
#include <variant>

#include "api/conversions.h"
#include "file_bytes.h"
#include "wasm/module.h"

namespace wisp::cli {

int runValidate(const std::vector<std::string>& files, const Features& features) {
  int exit_code = 0;
  for (const std::string& file : files) {
    auto bytes = readFileBytes(file);
    if (auto* message = std::get_if<std::string>(&bytes)) {
      std::fflush(stdout);  // keep the verdicts and this message in file order
      std::fprintf(stderr, "wisp validate: %s\n", message->c_str());
      exit_code = 1;
      continue;
    }
    auto module = wasm::decodeModule(std::get<std::vector<uint8_t>>(bytes),
                                     {.features = detail::toWasm(features)});
    if (module.ok()) {
      std::printf("%s: ok\n", file.c_str());
    } else {
      std::printf("%s: %s\n", file.c_str(), module.error().describe().c_str());
      exit_code = 1;
    }
  }
  return exit_code;
}

}  // namespace wisp::cli

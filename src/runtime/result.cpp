#include "runtime/result.h"

#include <system_error>

namespace wisp::runtime {

Error systemError(std::string what, int errno_value) {
  return Error{std::move(what) + " failed: " + std::system_category().message(errno_value)};
}

}  // namespace wisp::runtime

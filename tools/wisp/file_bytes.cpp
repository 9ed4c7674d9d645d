#include "file_bytes.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace wisp::cli {
namespace {

std::string osError(const std::filesystem::path& path, int error_number) {
  return "cannot read '" + path.string() + "': " + std::strerror(error_number);
}

// Closes the descriptor on every path out of readFileBytes.
struct FileDescriptor {
  int fd;
  ~FileDescriptor() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::variant<std::vector<uint8_t>, std::string> readFileBytes(const std::filesystem::path& path) {
  // POSIX read() rather than iostreams: it reports why it failed (e.g. EISDIR, EACCES).
  FileDescriptor file{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (file.fd < 0) return osError(path, errno);

  std::vector<uint8_t> bytes;
  uint8_t chunk[64 * 1024];
  for (;;) {
    ssize_t count = ::read(file.fd, chunk, sizeof chunk);
    if (count == 0) break;
    if (count < 0) {
      if (errno == EINTR) continue;
      return osError(path, errno);
    }
    bytes.insert(bytes.end(), chunk, chunk + count);
  }
  return bytes;
}

}  // namespace wisp::cli

#include "file_bytes.h"

#include <cerrno>
#include <cstring>
#include <string>
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

std::string writeFileAtomically(const std::string& path, std::span<const uint8_t> bytes) {
  const std::string temporary = path + ".tmp-" + std::to_string(getpid());
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return "cannot write '" + path + "': " + std::strerror(errno);
  size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = std::strerror(n < 0 ? errno : EIO);
      ::close(fd);
      ::unlink(temporary.c_str());
      return "cannot write '" + path + "': " + why;
    }
    written += static_cast<size_t>(n);
  }
  if (::close(fd) != 0 || ::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    ::unlink(temporary.c_str());
    return "cannot write '" + path + "': " + why;
  }
  return {};
}


}  // namespace wisp::cli

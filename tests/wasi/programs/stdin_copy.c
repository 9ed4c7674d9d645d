// Copies stdin to stdout in odd-sized chunks, then reports the byte count on stderr. Before
// reading, it polls stdin (poll_oneoff with an fd_read subscription).
#include <poll.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
  struct pollfd wait_for_input = {.fd = 0, .events = POLLIN};
  if (poll(&wait_for_input, 1, 5000) != 1 || !(wait_for_input.revents & (POLLIN | POLLHUP))) {
    fprintf(stderr, "poll on stdin: not readable\n");
    return 1;
  }
  char buffer[777];
  long total = 0;
  ssize_t got;
  while ((got = read(0, buffer, sizeof buffer)) > 0) {
    for (ssize_t done = 0; done < got;) {
      ssize_t put = write(1, buffer + done, (size_t)(got - done));
      if (put <= 0) {
        perror("write");
        return 1;
      }
      done += put;
    }
    total += got;
  }
  if (got < 0) {
    perror("read");
    return 1;
  }
  fprintf(stderr, "copied %ld bytes\n", total);
  return 0;
}

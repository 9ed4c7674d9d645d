// poll_oneoff: waits until a clock subscription expires or a descriptor subscription is
// ready, then reports every subscription that is done. Descriptors go to the host's ppoll;
// clocks become its timeout (the nearest deadline, each turned into a relative wait on its
// own clock).
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <vector>

#include "wasi/calls.h"
#include "wasi/host_errno.h"
#include "wasi/wasi_context.h"

namespace wisp::wasi::calls {

namespace {

struct Subscription {
  uint64_t userdata = 0;
  uint8_t type = 0;
  // Clocks: when the wait is over, in nanoseconds of `clock`.
  clockid_t clock = CLOCK_MONOTONIC;
  uint64_t deadline = 0;
  // Descriptors: the index of its pollfd, or an error found while subscribing.
  size_t poll_index = 0;
  int host_fd = -1;
  Errno error = Errno::Success;
};

struct Event {
  uint64_t userdata;
  Errno error;
  uint8_t type;
  uint64_t nbytes;
  uint16_t flags;
};

uint64_t now(clockid_t clock) {
  timespec t;
  clock_gettime(clock, &t);
  return static_cast<uint64_t>(t.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(t.tv_nsec);
}

std::optional<clockid_t> hostClock(uint32_t clock_id) {
  switch (clock_id) {
    case clock_id::kRealtime: return CLOCK_REALTIME;
    case clock_id::kMonotonic: return CLOCK_MONOTONIC;
    case clock_id::kProcessCputime: return CLOCK_PROCESS_CPUTIME_ID;
    case clock_id::kThreadCputime: return CLOCK_THREAD_CPUTIME_ID;
    default: return std::nullopt;
  }
}

// How many bytes a ready descriptor offers: the rest of a regular file, or what the kernel
// has buffered for a stream.
uint64_t bytesAvailable(int host_fd, uint8_t type) {
  if (type != event_type::kFdRead) return 0;
  struct stat st;
  if (fstat(host_fd, &st) == 0 && S_ISREG(st.st_mode)) {
    const off_t position = lseek(host_fd, 0, SEEK_CUR);
    return position >= 0 && st.st_size > position ? static_cast<uint64_t>(st.st_size - position)
                                                  : 0;
  }
  int pending = 0;
  return ioctl(host_fd, FIONREAD, &pending) == 0 && pending > 0 ? static_cast<uint64_t>(pending)
                                                                : 0;
}

void storeEvent(const GuestMemory& memory, Ptr at, const Event& event) {
  std::memset(memory.bytes(at, layout::kEventSize), 0, layout::kEventSize);
  memory.store<uint64_t>(at + layout::kEventUserdata, event.userdata);
  memory.store<uint16_t>(at + layout::kEventError, static_cast<uint16_t>(event.error));
  memory.store<uint8_t>(at + layout::kEventType, event.type);
  memory.store<uint64_t>(at + layout::kEventNbytes, event.nbytes);
  memory.store<uint16_t>(at + layout::kEventFlags, event.flags);
}

}  // namespace

Errno pollOneoff(WasiContext& wasi, const GuestMemory& memory, Ptr subscriptions, Ptr events,
                 Size nsubscriptions, Ptr nevents_out) {
  if (nsubscriptions == 0) return Errno::Inval;  // it would wait forever
  const uint64_t in_size = static_cast<uint64_t>(nsubscriptions) * layout::kSubscriptionSize;
  const uint64_t out_size = static_cast<uint64_t>(nsubscriptions) * layout::kEventSize;
  if (!memory.contains(subscriptions, in_size) || !memory.contains(events, out_size) ||
      !memory.contains(nevents_out, 4))
    return Errno::Fault;

  std::vector<Subscription> subs(nsubscriptions);
  std::vector<pollfd> pollfds;
  std::vector<Event> ready;  // what is reported, in subscription order within each pass
  for (uint32_t i = 0; i < nsubscriptions; ++i) {
    const Ptr at = subscriptions + i * layout::kSubscriptionSize;
    Subscription& sub = subs[i];
    memory.load(at + layout::kSubscriptionUserdata, sub.userdata);
    memory.load(at + layout::kSubscriptionTag, sub.type);
    if (sub.type == event_type::kClock) {
      uint32_t id = 0;
      uint64_t timeout = 0;
      uint16_t flags = 0;
      memory.load(at + layout::kSubscriptionClockId, id);
      memory.load(at + layout::kSubscriptionClockTimeout, timeout);
      memory.load(at + layout::kSubscriptionClockFlags, flags);
      const std::optional<clockid_t> clock = hostClock(id);
      if (!clock) {
        sub.error = Errno::Inval;
        ready.push_back({sub.userdata, sub.error, sub.type, 0, 0});
        continue;
      }
      sub.clock = *clock;
      if (flags & kSubscriptionClockAbstime) {
        sub.deadline = timeout;
      } else {
        const uint64_t start = now(sub.clock);
        sub.deadline = timeout > UINT64_MAX - start ? UINT64_MAX : start + timeout;
      }
    } else if (sub.type == event_type::kFdRead || sub.type == event_type::kFdWrite) {
      uint32_t fd = 0;
      memory.load(at + layout::kSubscriptionFd, fd);
      FdEntry* entry;
      if (Errno e = wasi.fds().lookup(fd, right::kPollFdReadwrite, entry); e != Errno::Success) {
        sub.error = e;
        ready.push_back({sub.userdata, sub.error, sub.type, 0, 0});
        continue;
      }
      sub.host_fd = entry->host.get();
      sub.poll_index = pollfds.size();
      const short wanted = sub.type == event_type::kFdRead ? POLLIN : POLLOUT;
      pollfds.push_back({sub.host_fd, wanted, 0});
    } else {
      return Errno::Inval;
    }
  }

  // Wait for the nearest clock or a descriptor; not at all when a subscription already failed.
  // A signal interrupting the wait resumes it with what is left.
  const Subscription* nearest_clock = nullptr;
  int polled;
  while (true) {
    std::optional<uint64_t> wait_ns;
    if (!ready.empty()) wait_ns = 0;
    for (const Subscription& sub : subs) {
      if (sub.type != event_type::kClock || sub.error != Errno::Success) continue;
      const uint64_t current = now(sub.clock);
      const uint64_t wait = sub.deadline > current ? sub.deadline - current : 0;
      if (!wait_ns || wait < *wait_ns) {
        wait_ns = wait;
        nearest_clock = &sub;
      }
    }
    timespec timeout{};
    if (wait_ns) {
      timeout.tv_sec = static_cast<time_t>(*wait_ns / 1'000'000'000u);
      timeout.tv_nsec = static_cast<long>(*wait_ns % 1'000'000'000u);
    }
    polled = ppoll(pollfds.data(), pollfds.size(), wait_ns ? &timeout : nullptr, nullptr);
    if (polled >= 0) break;
    if (errno != EINTR) return lastHostError();
  }

  bool any_clock_fired = false;
  for (const Subscription& sub : subs) {
    if (sub.error != Errno::Success) continue;  // already reported
    if (sub.type == event_type::kClock) {
      if (now(sub.clock) >= sub.deadline) {
        ready.push_back({sub.userdata, Errno::Success, sub.type, 0, 0});
        any_clock_fired = true;
      }
      continue;
    }
    const short revents = pollfds[sub.poll_index].revents;
    if (revents == 0) continue;
    Event event{sub.userdata, Errno::Success, sub.type, 0, 0};
    if (revents & POLLNVAL) event.error = Errno::BadF;
    else if (revents & POLLERR) event.error = Errno::Io;
    if (revents & POLLHUP) event.flags |= kEventFdReadwriteHangup;
    if (event.error == Errno::Success) event.nbytes = bytesAvailable(sub.host_fd, sub.type);
    ready.push_back(event);
  }
  // ppoll timed out for the nearest clock, though reading the clock again may still come out
  // a hair early (another clock's rounding): its wait is over all the same.
  if (polled == 0 && !any_clock_fired && nearest_clock != nullptr && ready.empty())
    ready.push_back({nearest_clock->userdata, Errno::Success, event_type::kClock, 0, 0});

  for (size_t i = 0; i < ready.size(); ++i)
    storeEvent(memory, events + static_cast<uint32_t>(i) * layout::kEventSize, ready[i]);
  memory.store<uint32_t>(nevents_out, static_cast<uint32_t>(ready.size()));
  return Errno::Success;
}

}  // namespace wisp::wasi::calls

// SPDX-License-Identifier: MIT
#include "netlink_socket.h"

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <chrono>
#include <cstring>
#include <thread>
#include <utility>

#include <fmt/format.h>

namespace netprom {
namespace {

// One buffer for every datagram. The kernel caps a dump datagram at about 32 KiB
// (netlink_recvmsg: max_recvmsg_len), so this only has to be "surely big enough";
// a larger datagram would be cut, which receive() reports instead of parsing half.
constexpr std::size_t kBufferSize = std::size_t{1} << 20;

// Dumps are flow-controlled by the kernel (it fills the next datagram only after we read
// the last), so the receive buffer only matters for the first replies; ask for a lot anyway.
constexpr int kReceiveBufferBytes = 1 << 20;

// The kernel answers a dump within milliseconds; this only turns a lost reply (which
// should never happen) into an error instead of a hung run.
constexpr timeval kReceiveTimeout{.tv_sec = 10, .tv_usec = 0};

// mnl_nlmsg_ok() compares (int)nlmsg_len <= len, so an nlmsg_len of 2^31 or more turns negative
// and passes; mnl_nlmsg_next() would then jump gigabytes past the datagram, or stay on the same
// message forever when nlmsg_len is 0xffffffff (its 4-byte alignment wraps to 0). Compare it
// unsigned as well. mnl_nlmsg_ok() has checked first that the header itself fits in `left`.
bool message_fits(const nlmsghdr* nlh, int left) {
  return mnl_nlmsg_ok(nlh, left) && nlh->nlmsg_len <= static_cast<unsigned>(left);
}

}  // namespace

NetlinkSocket::NetlinkSocket() : buffer_(std::make_unique_for_overwrite<std::byte[]>(kBufferSize)) {
  int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) throw fmt::system_error(errno, "cannot open netlink socket");
  auto fail = [fd](const char* step) {
    int error = errno;
    ::close(fd);
    throw fmt::system_error(error, "cannot open netlink socket: {}", step);
  };
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &kReceiveBufferBytes, sizeof kReceiveBufferBytes) != 0)
    fail("SO_RCVBUF");
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &kReceiveTimeout, sizeof kReceiveTimeout) != 0)
    fail("SO_RCVTIMEO");
  // Strict checking (Linux 4.20) makes the kernel reject malformed requests and honour the
  // header filters of dump requests (rtm_table for routes). Older kernels lack the option
  // (ENOPROTOOPT); the parsers filter again, so that is not an error.
  int one = 1;
  if (::setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one, sizeof one) != 0 &&
      errno != ENOPROTOOPT)
    fail("NETLINK_GET_STRICT_CHK");
  sockaddr_nl local{};
  local.nl_family = AF_NETLINK;  // nl_pid 0: the kernel picks a unique port id
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0) fail("bind");
  socklen_t length = sizeof local;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) != 0) fail("getsockname");
  if (length != sizeof local || local.nl_family != AF_NETLINK) {
    errno = EINVAL;
    fail("getsockname");
  }
  fd_ = fd;
  portid_ = local.nl_pid;
}

NetlinkSocket::NetlinkSocket(NetlinkSocket&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      portid_(other.portid_),
      seq_(other.seq_),
      buffer_(std::move(other.buffer_)) {}

NetlinkSocket& NetlinkSocket::operator=(NetlinkSocket&& other) noexcept {
  if (this != &other) {
    if (fd_ != -1) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    portid_ = other.portid_;
    seq_ = other.seq_;
    buffer_ = std::move(other.buffer_);
  }
  return *this;
}

NetlinkSocket::~NetlinkSocket() {
  if (fd_ != -1) ::close(fd_);  // never retried on EINTR: the fd is gone either way
}

void NetlinkSocket::send(std::span<const std::byte> request) {
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  ssize_t sent;
  do {
    sent = ::sendto(fd_, request.data(), request.size(), 0,
                    reinterpret_cast<const sockaddr*>(&kernel), sizeof kernel);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) throw fmt::system_error(errno, "cannot send netlink request");
  // A netlink datagram is taken whole or not at all; a short count would be a kernel bug.
  if (static_cast<std::size_t>(sent) != request.size())
    throw fmt::system_error(EMSGSIZE, "cannot send netlink request: {} of {} bytes sent", sent,
                            request.size());
}

std::span<const std::byte> NetlinkSocket::receive() {
  for (;;) {
    sockaddr_nl from{};
    iovec iov{.iov_base = buffer_.get(), .iov_len = kBufferSize};
    msghdr message{};
    message.msg_name = &from;
    message.msg_namelen = sizeof from;
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    ssize_t received = ::recvmsg(fd_, &message, 0);
    if (received < 0) {
      if (errno == EINTR) continue;
      throw fmt::system_error(errno, "cannot receive netlink reply");
    }
    if (message.msg_flags & MSG_TRUNC)
      throw fmt::system_error(EMSGSIZE, "cannot receive netlink reply: datagram larger than {} bytes",
                              kBufferSize);
    // Only the kernel (port 0) answers our requests; a privileged process could unicast to
    // our port, and its bytes are not part of the dump.
    if (from.nl_pid != 0) continue;
    return {buffer_.get(), static_cast<std::size_t>(received)};
  }
}

DumpStatus parse_dump_datagram(std::span<const std::byte> datagram, std::uint32_t seq,
                               std::uint32_t portid, std::uint16_t type, std::string_view what,
                               const std::function<void(const nlmsghdr&)>& on_message) {
  DumpStatus status;
  if (datagram.size() > static_cast<std::size_t>(INT_MAX))
    throw fmt::system_error(EMSGSIZE, "cannot dump {}: datagram of {} bytes", what, datagram.size());
  if (reinterpret_cast<std::uintptr_t>(datagram.data()) % alignof(nlmsghdr) != 0)
    throw fmt::system_error(EINVAL, "cannot dump {}: datagram not aligned", what);
  int left = static_cast<int>(datagram.size());
  // message_fits() checks that the header fits and that nlmsg_len lies within [header, left],
  // so nothing below reads past the datagram whatever nlmsg_len says.
  const auto* nlh = reinterpret_cast<const nlmsghdr*>(datagram.data());
  for (; message_fits(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
    if (nlh->nlmsg_seq != seq)
      throw fmt::system_error(EPROTO, "cannot dump {}: reply with sequence number {}, expected {}",
                              what, nlh->nlmsg_seq, seq);
    if (nlh->nlmsg_pid != portid)
      throw fmt::system_error(ESRCH, "cannot dump {}: reply for port {}, expected {}", what,
                              nlh->nlmsg_pid, portid);
    if (nlh->nlmsg_flags & NLM_F_DUMP_INTR) status.interrupted = true;
    std::size_t payload = mnl_nlmsg_get_payload_len(nlh);
    if (nlh->nlmsg_type == NLMSG_ERROR || nlh->nlmsg_type == NLMSG_DONE) {
      // NLMSG_ERROR carries struct nlmsgerr, led by a negative errno (0 is an ACK).
      // A dump that fails after it started ends with NLMSG_DONE carrying the negative
      // errno instead (netlink_dump_done); an old kernel may send DONE with no payload.
      int error = 0;
      if (payload >= sizeof error) {
        std::memcpy(&error, mnl_nlmsg_get_payload(nlh), sizeof error);
      } else if (nlh->nlmsg_type == NLMSG_ERROR) {
        throw fmt::system_error(EBADMSG, "cannot dump {}: NLMSG_ERROR of {} bytes", what, payload);
      }
      if (error < 0) {
        if (error == INT_MIN)  // -INT_MIN does not exist; no errno is that large anyway
          throw fmt::system_error(EBADMSG, "cannot dump {}: error code {}", what, error);
        throw fmt::system_error(-error, "cannot dump {}", what);
      }
      if (nlh->nlmsg_type == NLMSG_DONE) {
        status.done = true;
        return status;
      }
      continue;
    }
    if (nlh->nlmsg_type == NLMSG_OVERRUN)
      throw fmt::system_error(ENOBUFS, "cannot dump {}: NLMSG_OVERRUN", what);
    if (nlh->nlmsg_type == type) on_message(*nlh);
  }
  // mnl_nlmsg_next() subtracts the aligned length, so a last message without its padding
  // leaves left slightly negative; that message was still whole. Bytes left over, though,
  // are a message cut short (or a header whose nlmsg_len is impossible).
  if (left > 0)
    throw fmt::system_error(EBADMSG, "cannot dump {}: truncated message at offset {}", what,
                            datagram.size() - static_cast<std::size_t>(left));
  return status;
}

void run_dump(NetlinkSocket& socket, std::span<std::byte> request, std::string_view what,
              const std::function<DumpStatus(std::span<const std::byte> datagram,
                                             std::uint32_t seq, std::uint32_t portid)>& parse,
              const std::function<void()>& restart) {
  nlmsghdr header;
  if (request.size() < sizeof header)
    throw fmt::system_error(EINVAL, "cannot dump {}: request of {} bytes", what, request.size());
  for (int attempt = 1;; ++attempt) {
    std::memcpy(&header, request.data(), sizeof header);
    header.nlmsg_seq = socket.next_seq();
    header.nlmsg_pid = socket.portid();
    std::memcpy(request.data(), &header, sizeof header);
    socket.send(request);
    // Read to NLMSG_DONE even after an interrupted datagram, so that no stale reply of
    // this dump is left in the socket for the next one.
    bool interrupted = false;
    for (bool done = false; !done;) {
      DumpStatus status = parse(socket.receive(), header.nlmsg_seq, socket.portid());
      interrupted = interrupted || status.interrupted;
      done = status.done;
    }
    if (!interrupted) return;
    if (attempt == kMaxDumpAttempts)
      throw fmt::system_error(EAGAIN, "cannot dump {}: interrupted by changes {} times in a row",
                              what, kMaxDumpAttempts);
    restart();
    // A burst of changes (containers starting) interrupts dumps back to back; a short, growing
    // pause lets it pass instead of failing the collector: 1, 2, 4, ... ms, 127 ms in all.
    std::this_thread::sleep_for(std::chrono::milliseconds(1 << (attempt - 1)));
  }
}

}  // namespace netprom

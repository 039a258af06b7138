// SPDX-License-Identifier: MIT
#include "netlink_socket.h"

#include <linux/netlink.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstring>
#include <exception>
#include <thread>

#include <fmt/format.h>

namespace netprom {
namespace {

// One buffer for every datagram. The kernel caps a dump datagram at about 32 KiB
// (netlink_recvmsg: max_recvmsg_len), but a single link with many attributes may need more
// (rtnl_calcit); mnl_socket_recvfrom() reports a datagram that did not fit (ENOSPC).
constexpr std::size_t kBufferSize = std::size_t{1} << 20;

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

// Messages must tile the datagram: mnl_cb_run2() walks with mnl_nlmsg_ok() and would both
// miss a cut message (it just stops) and follow an nlmsg_len of 2 GiB or more.
void check_framing(std::span<const std::byte> datagram, std::string_view what) {
  if (datagram.size() > static_cast<std::size_t>(INT_MAX))
    throw fmt::system_error(EMSGSIZE, "cannot dump {}: datagram of {} bytes", what, datagram.size());
  if (reinterpret_cast<std::uintptr_t>(datagram.data()) % alignof(nlmsghdr) != 0)
    throw fmt::system_error(EINVAL, "cannot dump {}: datagram not aligned", what);
  int left = static_cast<int>(datagram.size());
  const auto* nlh = reinterpret_cast<const nlmsghdr*>(datagram.data());
  while (message_fits(nlh, left)) nlh = mnl_nlmsg_next(nlh, &left);
  // mnl_nlmsg_next() subtracts the aligned length, so a last message without its padding
  // leaves left slightly negative; that message was still whole.
  if (left > 0)
    throw fmt::system_error(EBADMSG, "cannot dump {}: truncated message at offset {}", what,
                            datagram.size() - static_cast<std::size_t>(left));
}

struct DumpRun {
  const std::function<void(const nlmsghdr&)>& on_message;
  std::uint16_t type;
  std::exception_ptr thrown;  // from on_message: C frames (libmnl) are not unwound through
  int error = 0;              // errno of an NLMSG_ERROR, NLMSG_DONE or NLMSG_OVERRUN
  std::string_view detail;    // what was wrong with it, when the errno alone does not say
};

// A libmnl callback must not throw through C: runs `f`, keeps what it throws in `thrown` and
// stops the walk (MNL_CB_ERROR) so the caller can rethrow it.
template <typename F>
int guarded(std::exception_ptr& thrown, F&& f) {
  try {
    f();
  } catch (...) {
    thrown = std::current_exception();
    return MNL_CB_ERROR;
  }
  return MNL_CB_OK;
}

int on_data(const nlmsghdr* nlh, void* data) {
  auto& run = *static_cast<DumpRun*>(data);
  if (nlh->nlmsg_type != run.type) return MNL_CB_OK;
  return guarded(run.thrown, [&] { run.on_message(*nlh); });
}

// NLMSG_ERROR carries struct nlmsgerr, led by a negative errno (0 is an acknowledgement).
// A dump that fails after it started ends with an NLMSG_DONE carrying the negative errno
// (netlink_dump_done), which libmnl 1.0.4's default handler drops; an old kernel may send
// NLMSG_DONE with no payload. Both end the reply.
int on_error_or_done(const nlmsghdr* nlh, void* data) {
  auto& run = *static_cast<DumpRun*>(data);
  int error = 0;
  if (mnl_nlmsg_get_payload_len(nlh) >= sizeof error) {
    std::memcpy(&error, mnl_nlmsg_get_payload(nlh), sizeof error);
  } else if (nlh->nlmsg_type == NLMSG_ERROR) {
    run.error = EBADMSG;
    run.detail = "NLMSG_ERROR without its error code";
    return MNL_CB_ERROR;
  }
  if (error >= 0) return MNL_CB_STOP;
  run.error = error == INT_MIN ? EBADMSG : -error;  // -INT_MIN does not exist
  if (error == INT_MIN) run.detail = "NLMSG_ERROR with error code INT_MIN";
  return MNL_CB_ERROR;
}

int on_overrun(const nlmsghdr*, void* data) {
  static_cast<DumpRun*>(data)->error = ENOBUFS;
  static_cast<DumpRun*>(data)->detail = "NLMSG_OVERRUN";
  return MNL_CB_ERROR;
}

// Control messages below NLMSG_MIN_TYPE: a type with no entry here (NLMSG_NOOP) is skipped.
constexpr std::array<mnl_cb_t, NLMSG_MIN_TYPE> kControl = [] {
  std::array<mnl_cb_t, NLMSG_MIN_TYPE> control{};
  control[NLMSG_ERROR] = on_error_or_done;
  control[NLMSG_DONE] = on_error_or_done;
  control[NLMSG_OVERRUN] = on_overrun;
  return control;
}();

struct AttributeWalk {
  const std::function<void(const nlattr&)>& visit;
  const std::byte* end_seen;  // just past the (aligned) last attribute visited
  std::exception_ptr thrown;
};

int on_attribute(const nlattr* attr, void* data) {
  auto& walk = *static_cast<AttributeWalk*>(data);
  walk.end_seen = reinterpret_cast<const std::byte*>(attr) + MNL_ALIGN(attr->nla_len);
  return guarded(walk.thrown, [&] { walk.visit(*attr); });
}

}  // namespace

MnlSocket open_netlink_socket() {
  MnlSocket socket(mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC));
  if (!socket) throw fmt::system_error(errno, "cannot open netlink socket");
  if (::setsockopt(mnl_socket_get_fd(socket.get()), SOL_SOCKET, SO_RCVTIMEO, &kReceiveTimeout,
                   sizeof kReceiveTimeout) != 0)
    throw fmt::system_error(errno, "cannot open netlink socket: SO_RCVTIMEO");
  // Strict checking (Linux 4.20) makes the kernel reject malformed requests and honour the
  // header filters of dump requests (rtm_table for routes). Older kernels lack the option
  // (ENOPROTOOPT); the parsers filter again, so that is not an error.
  int one = 1;
  if (mnl_socket_setsockopt(socket.get(), NETLINK_GET_STRICT_CHK, &one, sizeof one) != 0 &&
      errno != ENOPROTOOPT)
    throw fmt::system_error(errno, "cannot open netlink socket: NETLINK_GET_STRICT_CHK");
  if (mnl_socket_bind(socket.get(), 0, MNL_SOCKET_AUTOPID) != 0)
    throw fmt::system_error(errno, "cannot open netlink socket: bind");
  return socket;
}

DumpStatus parse_dump_datagram(std::span<const std::byte> datagram, std::uint32_t seq,
                               std::uint32_t portid, std::uint16_t type, std::string_view what,
                               const std::function<void(const nlmsghdr&)>& on_message) {
  check_framing(datagram, what);
  DumpRun run{.on_message = on_message, .type = type, .thrown = {}, .error = 0, .detail = {}};
  auto control = kControl;  // libmnl 1.0.4 takes the array as non-const
  errno = 0;
  int result = mnl_cb_run2(datagram.data(), datagram.size(), seq, portid, on_data, &run,
                           control.data(), control.size());
  int error = errno;
  if (result == MNL_CB_STOP) return DumpStatus{.done = true};
  if (result != MNL_CB_ERROR) return DumpStatus{};
  if (run.thrown) std::rethrow_exception(run.thrown);
  if (run.error != 0) {
    if (run.detail.empty()) throw fmt::system_error(run.error, "cannot dump {}", what);
    throw fmt::system_error(run.error, "cannot dump {}: {}", what, run.detail);
  }
  // Set by mnl_cb_run2() itself, before it looks at the message's type.
  if (error == EINTR) return DumpStatus{.interrupted = true};
  if (error == EPROTO) throw fmt::system_error(error, "cannot dump {}: reply to another request", what);
  if (error == ESRCH) throw fmt::system_error(error, "cannot dump {}: reply for another socket", what);
  throw fmt::system_error(error, "cannot dump {}", what);
}

bool parse_attributes(const void* payload, std::size_t length,
                      const std::function<void(const nlattr&)>& visit) {
  AttributeWalk walk{.visit = visit, .end_seen = static_cast<const std::byte*>(payload), .thrown = {}};
  mnl_attr_parse_payload(payload, length, on_attribute, &walk);
  if (walk.thrown) std::rethrow_exception(walk.thrown);
  // The last attribute may lack its padding; anything short of the end is an attribute cut
  // short (or an nla_len below its header), where libmnl stops without a word.
  return walk.end_seen >= static_cast<const std::byte*>(payload) + length;
}

bool parse_attributes(const nlmsghdr& nlh, std::size_t header_bytes,
                      const std::function<void(const nlattr&)>& visit) {
  // mnl_attr_parse() would walk to the message's aligned end, up to 3 bytes past a last
  // message without padding; give mnl_attr_parse_payload() the exact length instead.
  std::size_t payload = mnl_nlmsg_get_payload_len(&nlh);
  std::size_t skip = MNL_ALIGN(header_bytes);
  return parse_attributes(mnl_nlmsg_get_payload_offset(&nlh, header_bytes),
                          payload > skip ? payload - skip : 0, visit);
}

void retry_interrupted_dump(std::string_view what, const std::function<bool()>& attempt,
                            const std::function<void()>& restart) {
  for (int number = 1;; ++number) {
    if (!attempt()) return;
    if (number == kMaxDumpAttempts)
      throw fmt::system_error(EAGAIN, "cannot dump {}: interrupted by changes {} times in a row",
                              what, kMaxDumpAttempts);
    restart();
    // A burst of changes (containers starting) interrupts dumps back to back; a short, growing
    // pause lets it pass instead of failing the collector: 1, 2, 4, ... ms, 127 ms in all.
    std::this_thread::sleep_for(std::chrono::milliseconds(1 << (number - 1)));
  }
}

void run_dump(std::uint16_t type, std::span<const std::byte> body, std::string_view what,
              const std::function<DumpStatus(std::span<const std::byte> datagram,
                                             std::uint32_t seq, std::uint32_t portid)>& parse,
              const std::function<void()>& restart) {
  auto buffer = std::make_unique_for_overwrite<std::byte[]>(kBufferSize);
  std::uint32_t seq = 0;
  retry_interrupted_dump(what, [&] {
    // A fresh socket each attempt: mnl_cb_run2() stops at the first interrupted message, and
    // the rest of that dump must not reach the next one.
    MnlSocket socket = open_netlink_socket();
    const std::uint32_t portid = mnl_socket_get_portid(socket.get());
    nlmsghdr* request = mnl_nlmsg_put_header(buffer.get());
    request->nlmsg_type = type;
    request->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    request->nlmsg_seq = ++seq;
    std::memcpy(mnl_nlmsg_put_extra_header(request, body.size()), body.data(), body.size());
    if (mnl_socket_sendto(socket.get(), request, request->nlmsg_len) < 0)
      throw fmt::system_error(errno, "cannot dump {}: cannot send the request", what);
    DumpStatus status;
    while (!status.done && !status.interrupted) {
      ssize_t received = mnl_socket_recvfrom(socket.get(), buffer.get(), kBufferSize);
      if (received < 0 && errno == EINTR) continue;
      if (received < 0) throw fmt::system_error(errno, "cannot dump {}: cannot receive the reply", what);
      status = parse({buffer.get(), static_cast<std::size_t>(received)}, seq, portid);
    }
    return status.interrupted;
  }, restart);
}

}  // namespace netprom

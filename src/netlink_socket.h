// SPDX-License-Identifier: MIT
// NETLINK_ROUTE transport (bytes only) plus the framing rules every rtnetlink dump shares.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include <linux/netlink.h>

namespace netprom {

/// A dump is redone at most this many times when the kernel flags it NLM_F_DUMP_INTR, with a
/// pause of 1, 2, 4, ... ms before each retry.
inline constexpr int kMaxDumpAttempts = 8;

/// What one reply datagram of a dump said about the dump as a whole.
struct DumpStatus {
  bool done = false;         ///< NLMSG_DONE was seen: the dump is complete
  bool interrupted = false;  ///< a message carried NLM_F_DUMP_INTR: the result may be inconsistent
};

/// Owns one bound NETLINK_ROUTE socket and one large receive buffer. Moves bytes only;
/// interpreting them is the job of the pure parse_* functions. Move-only.
class NetlinkSocket {
 public:
  /// Opens (SOCK_CLOEXEC), binds and queries the kernel-assigned port id.
  /// Throws std::system_error ("cannot open netlink socket: ...").
  NetlinkSocket();
  NetlinkSocket(NetlinkSocket&& other) noexcept;
  NetlinkSocket& operator=(NetlinkSocket&& other) noexcept;
  NetlinkSocket(const NetlinkSocket&) = delete;
  NetlinkSocket& operator=(const NetlinkSocket&) = delete;
  ~NetlinkSocket();

  /// The port id the kernel addresses its replies to.
  std::uint32_t portid() const noexcept { return portid_; }
  /// A fresh sequence number for the next request.
  std::uint32_t next_seq() noexcept { return ++seq_; }
  /// Sends one complete request to the kernel. Throws std::system_error.
  void send(std::span<const std::byte> request);
  /// Blocks for the next datagram from the kernel (datagrams from other ports are dropped)
  /// and returns a view of it that stays valid until the next receive(). The view is aligned
  /// for nlmsghdr. Throws std::system_error, with EMSGSIZE for a datagram that did not fit.
  std::span<const std::byte> receive();

 private:
  int fd_ = -1;
  std::uint32_t portid_ = 0;
  std::uint32_t seq_ = 0;
  std::unique_ptr<std::byte[]> buffer_;
};

/// Walks the messages of one dump reply datagram, checking the framing that every
/// rtnetlink dump shares, and calls on_message for each message of type `type`; other types
/// (NLMSG_NOOP, an NLMSG_ERROR acknowledgement) are skipped. Stops at NLMSG_DONE.
/// `datagram` must be aligned for nlmsghdr (NetlinkSocket::receive() guarantees that).
/// Throws std::system_error with the message "cannot dump <what>: ...":
/// the errno of an NLMSG_ERROR or of a failing NLMSG_DONE; EPROTO for a message whose
/// sequence number is not `seq` and ESRCH for one whose port id is not `portid` (a dump
/// reply always carries both, so anything else is not ours and the dump cannot be trusted);
/// EBADMSG for a message whose length runs past the datagram or below its header.
DumpStatus parse_dump_datagram(std::span<const std::byte> datagram, std::uint32_t seq,
                               std::uint32_t portid, std::uint16_t type, std::string_view what,
                               const std::function<void(const nlmsghdr&)>& on_message);

/// Runs one dump to completion over `socket`: stamps `request` (a complete nlmsghdr-led
/// message) with a fresh sequence number and our port id, sends it and feeds every reply
/// datagram to `parse` until it reports done. If any datagram reported NLM_F_DUMP_INTR, calls
/// `restart` (to drop the partial result) and redoes the dump, at most kMaxDumpAttempts
/// times in all; then throws std::system_error(EAGAIN, "cannot dump <what>: ...").
void run_dump(NetlinkSocket& socket, std::span<std::byte> request, std::string_view what,
              const std::function<DumpStatus(std::span<const std::byte> datagram,
                                             std::uint32_t seq, std::uint32_t portid)>& parse,
              const std::function<void()>& restart);

/// Runs a complete NLM_F_DUMP request of `type` whose body (ifinfomsg, rtmsg, if_stats_msg)
/// is `body` with run_dump(): `parse` sees every reply datagram, `restart` is called before a
/// retry.
template <typename Body>
void dump_request(NetlinkSocket& socket, std::uint16_t type, const Body& body, std::string_view what,
                  const std::function<DumpStatus(std::span<const std::byte> datagram, std::uint32_t seq,
                                                 std::uint32_t portid)>& parse,
                  const std::function<void()>& restart) {
  struct {
    nlmsghdr header;
    Body body;
  } request{};
  static_assert(sizeof request == NLMSG_LENGTH(sizeof(Body)), "no padding between header and body");
  request.header.nlmsg_len = sizeof request;
  request.header.nlmsg_type = type;
  request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  request.body = body;
  run_dump(socket, std::as_writable_bytes(std::span(&request, 1)), what, parse, restart);
}

/// Runs a complete dump (dump_request) and collects what `parse` (one of the pure
/// parse_*_dump functions) appends for each reply datagram; an interrupted dump starts again
/// from an empty vector.
template <typename Body, typename Result>
std::vector<Result> dump_all(NetlinkSocket& socket, std::uint16_t type, const Body& body, std::string_view what,
                             DumpStatus (*parse)(std::span<const std::byte> datagram, std::uint32_t seq,
                                                 std::uint32_t portid, std::vector<Result>& out)) {
  std::vector<Result> out;
  dump_request(
      socket, type, body, what,
      [&out, parse](std::span<const std::byte> datagram, std::uint32_t seq, std::uint32_t portid) {
        return parse(datagram, seq, portid, out);
      },
      [&out] { out.clear(); });
  return out;
}

}  // namespace netprom

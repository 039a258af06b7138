// SPDX-License-Identifier: MIT
// rtnetlink dumps through libmnl: the socket (mnl_socket), the dump loop (mnl_socket_sendto,
// mnl_socket_recvfrom, mnl_cb_run2) and the one attribute walker (mnl_attr_parse), with the
// few checks libmnl 1.0.4 leaves to its caller.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include <libmnl/libmnl.h>
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

struct MnlSocketClose {
  void operator()(mnl_socket* socket) const noexcept { mnl_socket_close(socket); }
};
/// The one owner of a netlink socket's fd.
using MnlSocket = std::unique_ptr<mnl_socket, MnlSocketClose>;

/// Opens (close-on-exec) and binds a NETLINK_ROUTE socket with a kernel-chosen port id.
/// Throws std::system_error ("cannot open netlink socket: ...").
MnlSocket open_netlink_socket();

/// Interprets one dump reply datagram (pure: bytes in, calls out) with mnl_cb_run2(), which
/// checks every message's sequence number (EPROTO) and port id (ESRCH), stops at NLMSG_DONE
/// and reports NLM_F_DUMP_INTR (as `interrupted`; the rest of the datagram is not read).
/// Calls on_message for each message of type `type`; other types are skipped. Before that,
/// checks that the messages tile the datagram exactly (EBADMSG "truncated message at offset
/// N"), which libmnl does not: mnl_nlmsg_ok() compares a signed nlmsg_len and silently stops
/// at a cut message. An NLMSG_ERROR or NLMSG_DONE carrying a negative errno throws that errno
/// (libmnl 1.0.4's default NLMSG_DONE handler ignores it: a dump that failed half-way would
/// pass for complete); an NLMSG_ERROR of 0 (an acknowledgement) ends the reply like
/// NLMSG_DONE. `datagram` must be aligned for nlmsghdr (EINVAL otherwise).
/// Errors are std::system_error "cannot dump <what>: ..."; an exception thrown by on_message
/// is passed on unchanged.
DumpStatus parse_dump_datagram(std::span<const std::byte> datagram, std::uint32_t seq,
                               std::uint32_t portid, std::uint16_t type, std::string_view what,
                               const std::function<void(const nlmsghdr&)>& on_message);

/// Calls visit for each attribute of a message after its `header_bytes` family header
/// (mnl_attr_parse), or of a nested payload (mnl_attr_parse_payload). Returns false when
/// bytes were left over, i.e. the last attribute runs past its container (mnl_attr_parse
/// stops there without saying so). An exception thrown by visit is passed on.
bool parse_attributes(const nlmsghdr& nlh, std::size_t header_bytes,
                      const std::function<void(const nlattr&)>& visit);
bool parse_attributes(const void* payload, std::size_t length,
                      const std::function<void(const nlattr&)>& visit);

/// Calls `attempt` (one whole dump; returns true when it was interrupted) until a dump
/// completes; before each retry calls `restart` and pauses 1, 2, 4, ... ms. After
/// kMaxDumpAttempts interrupted attempts throws std::system_error(EAGAIN, "cannot dump
/// <what>: interrupted by changes 8 times in a row"). Exceptions of `attempt` pass through.
void retry_interrupted_dump(std::string_view what, const std::function<bool()>& attempt,
                            const std::function<void()>& restart);

/// Runs one complete NLM_F_DUMP request of `type` with family header `body` (ifinfomsg,
/// rtmsg) on a fresh socket and hands every reply datagram to `parse` until it reports done.
/// An interrupted dump (NLM_F_DUMP_INTR) calls `restart` and starts over on a new socket
/// (retry_interrupted_dump()). Throws
/// std::system_error ("cannot dump <what>: ...") for send and receive failures.
void run_dump(std::uint16_t type, std::span<const std::byte> body, std::string_view what,
              const std::function<DumpStatus(std::span<const std::byte> datagram,
                                             std::uint32_t seq, std::uint32_t portid)>& parse,
              const std::function<void()>& restart);

/// run_dump() collecting what `parse` (one of the pure parse_*_dump functions) appends for
/// each reply datagram; an interrupted dump starts again from an empty vector.
template <typename Body, typename Result>
std::vector<Result> dump_all(std::uint16_t type, const Body& body, std::string_view what,
                             DumpStatus (*parse)(std::span<const std::byte> datagram, std::uint32_t seq,
                                                 std::uint32_t portid, std::vector<Result>& out)) {
  std::vector<Result> out;
  run_dump(
      type, std::as_bytes(std::span(&body, 1)), what,
      [&out, parse](std::span<const std::byte> datagram, std::uint32_t seq, std::uint32_t portid) {
        return parse(datagram, seq, portid, out);
      },
      [&out] { out.clear(); });
  return out;
}

}  // namespace netprom

// SPDX-License-Identifier: MIT
#include "ping_matcher.h"

#include <array>
#include <cstring>

#include "icmp_packet.h"

namespace netprom {

namespace {

using Address16 = std::array<std::uint8_t, 16>;

Match matched(Verdict verdict, std::uint32_t request) {
  Match match;
  match.verdict = verdict;
  match.request = request;
  return match;
}

Address16 address_bytes(const SocketAddress& address) {
  Address16 bytes{};
  if (address.base.sa_family == AF_INET) std::memcpy(bytes.data(), &address.v4.sin_addr, 4);
  if (address.base.sa_family == AF_INET6) std::memcpy(bytes.data(), &address.v6.sin6_addr, 16);
  return bytes;
}

bool matches_quoted(const SocketAddress& address, const Address16& quoted) {
  if (address.base.sa_family == AF_INET) return std::memcmp(&address.v4.sin_addr, quoted.data(), 4) == 0;
  if (address.base.sa_family == AF_INET6) return std::memcmp(&address.v6.sin6_addr, quoted.data(), 16) == 0;
  return false;
}

// The request that `echo` (a reply, or the request quoted in an error) names by its payload,
// when nonce, identifier (raw sockets), number and socket fit. The caller checks the peer.
std::optional<std::uint32_t> named_request(const PingSeed& seed, std::uint16_t slot, bool check_identifier,
                                           const IcmpEcho& echo, const PingLedger& ledger, bool& intact) {
  if (check_identifier && echo.identifier != seed.identifier) return std::nullopt;
  const std::optional<ProbePayload> probe = parse_probe_payload(echo.payload, 0);
  if (!probe || probe->nonce != seed.nonce || probe->index >= ledger.sent()) return std::nullopt;
  const PingDestination& destination = ledger.destination(ledger.destination_of(probe->index));
  if (destination.slot != slot) return std::nullopt;
  intact = parse_probe_payload(echo.payload, destination.size)->intact && echo.sequence == sequence_of(seed, probe->index);
  return probe->index;
}

Match match_error(const PingSeed& seed, std::uint16_t slot, bool check_identifier, const IcmpEcho& quoted,
                  const Address16& destination, const PingLedger& ledger) {
  if (check_identifier && quoted.identifier != seed.identifier) return {};
  if (parse_probe_payload(quoted.payload, 0)) {
    bool intact = false;
    const std::optional<std::uint32_t> r = named_request(seed, slot, check_identifier, quoted, ledger, intact);
    if (!r || quoted.sequence != sequence_of(seed, *r) ||
        !matches_quoted(ledger.destination(ledger.destination_of(*r)).address, destination)) {
      return {};
    }
    return matched(Verdict::error, *r);
  }
  // Only the 8-byte echo header was quoted. Every pending request lies in
  // [first_pending, sent), and those with this sequence are 65,536 apart.
  const std::uint32_t first = ledger.first_pending();
  const auto residue = static_cast<std::uint16_t>(quoted.sequence - seed.sequence_start);
  std::uint64_t r = first + static_cast<std::uint16_t>(residue - static_cast<std::uint16_t>(first & 0xffff));
  for (; r < ledger.sent(); r += 65536) {
    const auto request = static_cast<std::uint32_t>(r);
    const PingDestination& d = ledger.destination(ledger.destination_of(request));
    if (ledger.state(request) == RequestState::pending && d.slot == slot && matches_quoted(d.address, destination)) {
      return matched(Verdict::error, request);
    }
  }
  return {};
}

// The type, sender and MTU of an error-queue entry about a request to a `family` destination.
void describe_queued(Family family, const std::optional<QueuedError>& error, Match& match) {
  if (!error) return;
  const bool icmp = error->origin == QueuedError::Origin::icmp || error->origin == QueuedError::Origin::icmp6;
  if (!icmp) return;  // a local failure: no router, type other
  match.error_type = classify_icmp_error(family, error->type, error->code);
  match.error_from = error->offender;
  if (match.error_type == IcmpErrorType::packet_too_big && error->info != 0) match.mtu = error->info;
}

}  // namespace

Match match_message(const PingSeed& seed, Family family, std::uint16_t slot, SocketKind kind,
                    const Datagram& datagram, const PingLedger& ledger) {
  const bool raw = kind == SocketKind::raw;
  const IcmpWire wire = family == Family::v6 ? IcmpWire::ipv6 : raw ? IcmpWire::ipv4_raw : IcmpWire::ipv4_datagram;
  const std::optional<IcmpMessage> message = parse_icmp_message(wire, datagram.bytes);
  if (!message) return {};
  if (datagram.from_error_queue) {
    // The entry carries our request as sent (the kernel's identifier, not ours), and its
    // address is where the request went.
    if (message->kind != IcmpKind::echo_request) return {};
    Match match = match_error(seed, slot, false, message->echo, address_bytes(datagram.peer), ledger);
    if (match.verdict == Verdict::error) describe_queued(family, datagram.error, match);
    return match;
  }
  if (message->kind == IcmpKind::error) {
    Match match = match_error(seed, slot, raw, message->echo, message->quoted_destination, ledger);
    if (match.verdict == Verdict::error) {
      match.error_type = classify_icmp_error(family, message->type, message->code);
      match.error_from = datagram.peer;
      match.mtu = message->mtu;
    }
    return match;
  }
  if (message->kind != IcmpKind::echo_reply) return {};
  bool intact = false;
  const std::optional<std::uint32_t> r = named_request(seed, slot, raw, message->echo, ledger, intact);
  if (!r || !same_host(datagram.peer, ledger.destination(ledger.destination_of(*r)).address)) return {};
  if (!message->checksum_ok || !intact) return matched(Verdict::corrupt, *r);
  return matched(Verdict::reply, *r);
}

}  // namespace netprom

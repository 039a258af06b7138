// SPDX-License-Identifier: MIT
#include "pmtu_prober.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <utility>

#include "icmp_packet.h"
#include "pmtu.h"

namespace netprom {

namespace {

struct Destination {
  std::size_t entry;  // index into `addresses` and the result
  SocketAddress address;
  std::uint8_t slot;  // 0: IPv4 socket, 1: IPv6 socket
  PathMtuSearch search;
  std::optional<std::uint32_t> in_flight;  // the probe waited for
  bool failed = false;                     // a send failed for another reason than the size
};

struct Probe {
  std::uint32_t destination;
  int size;  // IP packet bytes
  MonoTime expires;
};

class ProbeLoop {
 public:
  ProbeLoop(Clock& clock, IcmpSocket* v4, IcmpSocket* v6, const PingSeed& seed, const PathMtuOptions& options,
            MonoTime deadline)
      : clock_(clock), sockets_{v4, v6}, seed_(seed), nonce_(path_mtu_nonce(seed)), options_(options),
        deadline_(deadline), packet_(kIcmpHeaderSize + kMaxPayloadSize) {}

  void add(std::size_t entry, const SocketAddress& address) {
    const Family family = family_of(address);
    const auto slot = static_cast<std::uint8_t>(family == Family::v6);
    if (sockets_[slot] == nullptr) return;
    destinations_.push_back({entry, address, slot, PathMtuSearch(family, max_path_mtu(family), options_.attempts), {}, false});
  }

  std::vector<std::optional<int>> run(std::size_t entries) {
    for (;;) {
      receive_ready();
      const MonoTime now = clock_.mono_now();
      if (now >= deadline_) break;
      expire(now);
      send_due();
      std::optional<MonoTime> wake;
      for (const Destination& d : destinations_)
        if (d.in_flight) wake = std::min(wake.value_or(MonoTime::max()), probes_[*d.in_flight].expires);
      if (!wake && !blocked_[0] && !blocked_[1]) break;  // every search is over
      wait(std::min(wake.value_or(deadline_), deadline_));
    }
    std::vector<std::optional<int>> out(entries);
    for (const Destination& d : destinations_)
      if (!d.failed) out[d.entry] = d.search.result();
    return out;
  }

 private:
  void expire(MonoTime now) {
    for (Destination& d : destinations_) {
      if (!d.in_flight || probes_[*d.in_flight].expires > now) continue;
      d.search.on_timeout(probes_[*d.in_flight].size);
      d.in_flight.reset();
    }
  }

  // Sends the next probe of every destination that waits for none. A probe larger than the
  // device's MTU fails at once with EMSGSIZE; the next size goes right after it.
  void send_due() {
    for (std::uint32_t i = 0; i < destinations_.size(); ++i) {
      Destination& d = destinations_[i];
      while (!d.in_flight && !d.failed && !blocked_[d.slot]) {
        const std::optional<int> size = d.search.next_size();
        if (!size) break;
        IcmpSocket& socket = *sockets_[d.slot];
        const auto index = static_cast<std::uint32_t>(probes_.size());
        const auto payload = static_cast<std::size_t>(*size - probe_overhead(socket.family()));
        const std::size_t length = render_echo_request(packet_, socket.family(), seed_.identifier,
                                                       static_cast<std::uint16_t>(index), nonce_, index, payload);
        const MonoTime sent = clock_.mono_now();
        const int error = socket.send(d.address, std::span(packet_).first(length));
        if (error == EAGAIN) {
          blocked_[d.slot] = true;  // send buffer full: wait for POLLOUT
        } else if (error == EMSGSIZE) {
          // IPv4 queues the device's MTU on the error queue as a local error (ip_local_error);
          // IPv6 ping sockets report none (ipv6_local_rxpmtu needs IPV6_RECVPATHMTU, which
          // they do not read), and the search bisects instead.
          local_mtu_.reset();
          readable_[d.slot] = true;
          receive_ready();
          std::optional<int> mtu;
          if (local_mtu_ && same_host(local_mtu_->first, d.address)) mtu = static_cast<int>(local_mtu_->second);
          d.search.on_too_big(*size, mtu);
        } else if (error != 0) {
          d.failed = true;  // no route, a firewall: no path to measure
        } else {
          probes_.push_back({i, *size, sent + options_.timeout});
          d.in_flight = index;
        }
      }
    }
  }

  void receive_ready() {
    for (std::uint8_t slot = 0; slot < 2; ++slot) {
      if (sockets_[slot] == nullptr || !readable_[slot]) continue;
      readable_[slot] = false;
      for (;;) {
        const std::size_t n = sockets_[slot]->receive(received_);
        for (std::size_t i = 0; i < n; ++i) handle(slot, received_[i]);
        if (n < received_.size()) break;
      }
    }
  }

  // The probe an echo message (a reply, or the request an error quotes) is about, if ours.
  std::optional<std::uint32_t> probe_of(const IcmpEcho& echo, const IcmpSocket& socket) const {
    if (socket.kind() == SocketKind::raw && echo.identifier != seed_.identifier) return std::nullopt;
    const std::optional<ProbePayload> p = parse_probe_payload(echo.payload, echo.payload.size());
    if (!p || p->nonce != nonce_ || p->index >= probes_.size()) return std::nullopt;
    return p->index;
  }

  void handle(std::uint8_t slot, const Datagram& datagram) {
    const IcmpSocket& socket = *sockets_[slot];
    const bool v6 = socket.family() == Family::v6;
    if (datagram.from_error_queue && datagram.bytes.empty()) {  // a local error: the send that just failed
      if (const auto mtu = reported_mtu(datagram)) local_mtu_.emplace(datagram.peer, *mtu);
      return;
    }
    // Error-queue entries start at the quoted request's ICMP header on both socket kinds.
    const IcmpWire wire = v6 ? IcmpWire::ipv6
                          : socket.kind() == SocketKind::raw && !datagram.from_error_queue ? IcmpWire::ipv4_raw
                                                                                            : IcmpWire::ipv4_datagram;
    const std::optional<IcmpMessage> message = parse_icmp_message(wire, datagram.bytes);
    const IcmpKind want = datagram.from_error_queue ? IcmpKind::echo_request : IcmpKind::echo_reply;
    // Raw sockets also get the ICMP errors themselves: the error-queue copy is the one used.
    if (!message || message->kind != want || !message->checksum_ok) return;
    const std::optional<std::uint32_t> index = probe_of(message->echo, socket);
    if (!index) return;
    const Probe& probe = probes_[*index];
    Destination& d = destinations_[probe.destination];
    if (!same_host(datagram.peer, d.address)) return;
    if (datagram.from_error_queue) {
      if (d.in_flight != index) return;  // already timed out: its answer is too late to count
      d.in_flight.reset();
      if (const auto mtu = reported_mtu(datagram)) {
        d.search.on_too_big(probe.size, static_cast<int>(*mtu));
      } else {
        d.search.on_timeout(probe.size);  // unreachable and the like: this probe is lost
      }
      return;
    }
    const auto payload = static_cast<std::size_t>(probe.size - probe_overhead(socket.family()));
    const std::optional<ProbePayload> p = parse_probe_payload(message->echo.payload, payload);
    if (!p || !p->intact) return;  // cut or mangled on the way: not proof of the size
    if (d.in_flight == index) d.in_flight.reset();
    d.search.on_reply(probe.size);  // a late reply still proves the size passes
  }

  void wait(MonoTime until) {
    std::array<pollfd, 2> fds{};
    std::array<std::uint8_t, 2> slot_of{};
    std::size_t n = 0;
    for (std::uint8_t slot = 0; slot < 2; ++slot) {
      if (sockets_[slot] == nullptr) continue;
      fds[n].fd = sockets_[slot]->fd();
      fds[n].events = static_cast<short>(POLLIN | (blocked_[slot] ? POLLOUT : 0));
      slot_of[n++] = slot;
    }
    clock_.wait(std::span(fds.data(), n), until);
    for (std::size_t i = 0; i < n; ++i) {
      if (fds[i].revents & (POLLOUT | POLLERR)) blocked_[slot_of[i]] = false;
      if (fds[i].revents & (POLLIN | POLLERR | POLLHUP | POLLNVAL)) readable_[slot_of[i]] = true;
    }
  }

  Clock& clock_;
  std::array<IcmpSocket*, 2> sockets_;
  PingSeed seed_;
  std::uint64_t nonce_;
  PathMtuOptions options_;
  MonoTime deadline_;
  std::vector<Destination> destinations_;
  std::vector<Probe> probes_;
  std::vector<std::byte> packet_;
  std::array<bool, 2> blocked_{};
  std::array<bool, 2> readable_{};
  std::optional<std::pair<SocketAddress, std::uint32_t>> local_mtu_;
  std::array<Datagram, kMaxBatch> received_{};
};

}  // namespace

std::uint64_t path_mtu_nonce(const PingSeed& seed) { return ~seed.nonce; }

std::vector<std::optional<int>> probe_path_mtus(Clock& clock, IcmpSocket* v4, IcmpSocket* v6, const PingSeed& seed,
                                                std::span<const std::optional<SocketAddress>> addresses,
                                                const PathMtuOptions& options, MonoTime deadline) {
  ProbeLoop loop(clock, v4, v6, seed, options, deadline);
  for (std::size_t i = 0; i < addresses.size(); ++i)
    if (addresses[i]) loop.add(i, *addresses[i]);
  return loop.run(addresses.size());
}

}  // namespace netprom

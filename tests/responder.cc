// SPDX-License-Identifier: MIT
// netprom-responder: an ICMP echo peer for the namespace tests and the benchmark. It runs in a
// network namespace whose kernel echo replies are switched off and answers echo requests itself,
// with a chosen delay, loss, duplicates, bad checksums, altered payloads, foreign identifiers or
// destination-unreachable errors. Modes are documented in tests/RESPONDER.md.

#include <arpa/inet.h>
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <queue>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <cxxopts.hpp>
#include <fmt/core.h>
#include <fmt/format.h>

#include "errors.h"  // UsageError
#include "unique_fd.h"

namespace netprom {
namespace {

using Clock = std::chrono::steady_clock;
using Bytes = std::vector<std::uint8_t>;

constexpr std::size_t kIcmpHeader = 8;
constexpr std::size_t kIpv6Header = 40;
constexpr std::size_t kMaxPacket = 65536;
// RFC 1812 4.3.2.3 and RFC 4443 2.4(c): an error carries as much of the offending packet as fits
// in the minimum MTU of the family.
constexpr std::size_t kMaxErrorV4 = 576;
constexpr std::size_t kMaxErrorV6 = 1280;


enum class Action { reply, drop, corrupt, mangle, foreign_id, unreachable };

std::string_view action_name(Action a) {
  switch (a) {
    case Action::reply: return "reply";
    case Action::drop: return "drop";
    case Action::corrupt: return "corrupt";
    case Action::mangle: return "mangle";
    case Action::foreign_id: return "foreign-id";
    case Action::unreachable: return "unreachable";
  }
  return "?";
}

struct Options {
  std::chrono::microseconds delay{0};
  std::map<std::uint64_t, std::chrono::microseconds> delay_for;  // request number -> delay
  std::set<std::uint64_t> drop, corrupt, mangle, foreign_id, unreachable;
  std::uint64_t drop_every = 0;
  int dup = 0;
  std::string ready_file, count_file;
  double max_seconds = 0;
  std::vector<std::string> silent_dns;
  bool ipv4 = true, ipv6 = true, verbose = false;
};

std::uint64_t parse_number(std::string_view s, std::string_view what, std::uint64_t min) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v < min)
    throw UsageError(fmt::format("{}: '{}' is not a number >= {}", what, s, min));
  return v;
}

double parse_double(std::string_view s, std::string_view what) {
  // std::from_chars for double is in libstdc++ 11+, but keep strtod for its familiar syntax.
  std::string copy(s);
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(copy.c_str(), &end);
  if (copy.empty() || *end != '\0' || errno != 0 || !(v >= 0))
    throw UsageError(fmt::format("{}: '{}' is not a non-negative number", what, s));
  return v;
}

std::chrono::microseconds parse_ms(std::string_view s, std::string_view what) {
  return std::chrono::microseconds(static_cast<std::int64_t>(parse_double(s, what) * 1000.0 + 0.5));
}

/// "2,4,7-9" -> {2,4,7,8,9}; request numbers start at 1.
std::set<std::uint64_t> parse_list(std::string_view s, std::string_view what) {
  std::set<std::uint64_t> out;
  while (!s.empty()) {
    std::size_t comma = s.find(',');
    std::string_view item = s.substr(0, comma);
    s = comma == std::string_view::npos ? std::string_view() : s.substr(comma + 1);
    std::size_t dash = item.find('-');
    std::uint64_t lo = parse_number(item.substr(0, dash), what, 1);
    std::uint64_t hi = dash == std::string_view::npos ? lo : parse_number(item.substr(dash + 1), what, 1);
    if (hi < lo || hi - lo > 1000000) throw UsageError(fmt::format("{}: bad range '{}'", what, item));
    for (std::uint64_t i = lo; i <= hi; ++i) out.insert(i);
  }
  return out;
}

/// nullopt when --help was asked for (and printed).
std::optional<Options> parse_options(int argc, char** argv) {
  cxxopts::Options spec("netprom-responder",
                        "Answers ICMP/ICMPv6 echo requests in a test network namespace (kernel echo "
                        "replies must be off there). LISTs are 1-based request numbers per source "
                        "address, e.g. 2,4,7-9.");
  spec.add_options()
      ("delay", "reply after MS milliseconds (fractions allowed)", cxxopts::value<std::string>())
      ("delay-for", "per-request delays N:MS[,N:MS...], overriding --delay", cxxopts::value<std::string>())
      ("drop", "do not answer these requests", cxxopts::value<std::string>())
      ("drop-every", "do not answer every Nth request (N, 2N, ...)", cxxopts::value<std::string>())
      ("dup", "send N extra copies of every packet sent", cxxopts::value<std::string>())
      ("corrupt", "answer these with a bad checksum (and no good reply)", cxxopts::value<std::string>())
      ("mangle", "answer these with altered payload bytes, valid checksum", cxxopts::value<std::string>())
      ("foreign-id", "answer these with a different identifier", cxxopts::value<std::string>())
      ("unreachable", "answer these with destination unreachable", cxxopts::value<std::string>())
      ("silent-dns", "bind UDP port 53 on ADDR, read queries, never answer (repeatable)",
       cxxopts::value<std::vector<std::string>>())
      ("ready-file", "written (with the pid) once every socket is open", cxxopts::value<std::string>())
      ("count-file", "request counts, written at exit and on SIGUSR1", cxxopts::value<std::string>())
      ("max-seconds", "exit by itself after S seconds", cxxopts::value<std::string>())
      ("4", "IPv4 only")
      ("6", "IPv6 only")
      ("v,verbose", "log every request and its action to stderr")
      ("h,help", "this help");
  cxxopts::ParseResult r = spec.parse(argc, argv);
  if (r.count("help")) {
    fmt::print("{}", spec.help());
    return std::nullopt;
  }
  if (!r.unmatched().empty()) throw UsageError(fmt::format("unexpected argument '{}'", r.unmatched()[0]));
  Options o;
  auto str = [&](const char* k) { return r[k].as<std::string>(); };
  if (r.count("delay")) o.delay = parse_ms(str("delay"), "--delay");
  if (r.count("delay-for")) {
    std::string_view s = r["delay-for"].as<std::string>();
    std::string all(s);
    std::string_view rest = all;
    while (!rest.empty()) {
      std::size_t comma = rest.find(',');
      std::string_view item = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      std::size_t colon = item.find(':');
      if (colon == std::string_view::npos) throw UsageError(fmt::format("--delay-for: '{}' is not N:MS", item));
      o.delay_for[parse_number(item.substr(0, colon), "--delay-for", 1)] =
          parse_ms(item.substr(colon + 1), "--delay-for");
    }
  }
  if (r.count("drop")) o.drop = parse_list(str("drop"), "--drop");
  if (r.count("drop-every")) o.drop_every = parse_number(str("drop-every"), "--drop-every", 1);
  if (r.count("dup")) o.dup = static_cast<int>(parse_number(str("dup"), "--dup", 0));
  if (o.dup > 1000) throw UsageError("--dup: at most 1000");
  if (r.count("corrupt")) o.corrupt = parse_list(str("corrupt"), "--corrupt");
  if (r.count("mangle")) o.mangle = parse_list(str("mangle"), "--mangle");
  if (r.count("foreign-id")) o.foreign_id = parse_list(str("foreign-id"), "--foreign-id");
  if (r.count("unreachable")) o.unreachable = parse_list(str("unreachable"), "--unreachable");
  if (r.count("silent-dns")) o.silent_dns = r["silent-dns"].as<std::vector<std::string>>();
  if (r.count("ready-file")) o.ready_file = str("ready-file");
  if (r.count("count-file")) o.count_file = str("count-file");
  if (r.count("max-seconds")) o.max_seconds = parse_double(str("max-seconds"), "--max-seconds");
  if (r.count("4") && r.count("6")) throw UsageError("-4 and -6 exclude each other");
  if (r.count("4")) o.ipv6 = false;
  if (r.count("6")) o.ipv4 = false;
  o.verbose = r.count("verbose") > 0;
  return o;
}

std::uint16_t inet_checksum(const std::uint8_t* data, std::size_t len, std::uint32_t sum = 0) {
  for (std::size_t i = 0; i + 1 < len; i += 2) sum += static_cast<std::uint32_t>(data[i] << 8 | data[i + 1]);
  if (len % 2) sum += static_cast<std::uint32_t>(data[len - 1] << 8);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xffff);
}

void put16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v & 0xff);
}

std::uint16_t get16(const std::uint8_t* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }

/// ICMPv6 checksum over the pseudo-header (RFC 8200 8.1), for packets we send without the
/// kernel's help (the IPPROTO_RAW socket used by --corrupt).
std::uint16_t icmp6_checksum(const in6_addr& src, const in6_addr& dst, const Bytes& icmp) {
  std::uint32_t sum = 0;
  for (const in6_addr* a : {&src, &dst})
    for (int i = 0; i < 16; i += 2) sum += static_cast<std::uint32_t>(a->s6_addr[i] << 8 | a->s6_addr[i + 1]);
  sum += static_cast<std::uint32_t>(icmp.size() >> 16) + static_cast<std::uint32_t>(icmp.size() & 0xffff);
  sum += IPPROTO_ICMPV6;
  return inet_checksum(icmp.data(), icmp.size(), sum);
}

std::string address_text(const sockaddr_storage& ss) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (ss.ss_family == AF_INET) {
    sockaddr_in sin;
    std::memcpy(&sin, &ss, sizeof sin);
    inet_ntop(AF_INET, &sin.sin_addr, buf, sizeof buf);
  } else {
    sockaddr_in6 sin6;
    std::memcpy(&sin6, &ss, sizeof sin6);
    inet_ntop(AF_INET6, &sin6.sin6_addr, buf, sizeof buf);
  }
  return buf;
}

/// A packet waiting for its send time.
struct Pending {
  Clock::time_point due;
  std::uint64_t order;  // FIFO among packets due at the same instant
  int fd;
  sockaddr_storage to;
  socklen_t to_len;
  Bytes packet;
  Bytes control;  // cmsg: IP_PKTINFO / IPV6_PKTINFO for the source address
  bool operator>(const Pending& o) const { return due != o.due ? due > o.due : order > o.order; }
};

class Responder {
 public:
  explicit Responder(Options o) : opt_(std::move(o)) {}

  void open_sockets() {
    if (opt_.ipv4) {
      icmp4_ = open_socket(AF_INET, SOCK_RAW, IPPROTO_ICMP, "raw ICMP socket");
      // Only echo requests: everything else (including our own kind of replies on loopback) is
      // noise. ICMP_FILTER is a mask of types to *drop*.
      icmp_filter filter{~(1U << ICMP_ECHO)};
      set_option(icmp4_, SOL_RAW, ICMP_FILTER, &filter, sizeof filter, "ICMP_FILTER");
      int on = 1;
      set_option(icmp4_, IPPROTO_IP, IP_PKTINFO, &on, sizeof on, "IP_PKTINFO");
      grow_buffers(icmp4_);
    }
    if (opt_.ipv6) {
      icmp6_ = open_socket(AF_INET6, SOCK_RAW, IPPROTO_ICMPV6, "raw ICMPv6 socket");
      icmp6_filter filter;
      std::memset(&filter, 0xff, sizeof filter);  // block all ...
      filter.data[ICMPV6_ECHO_REQUEST >> 5] &= ~(1U << (ICMPV6_ECHO_REQUEST & 31));  // ... but echo requests
      set_option(icmp6_, IPPROTO_ICMPV6, ICMPV6_FILTER, &filter, sizeof filter, "ICMPV6_FILTER");
      int on = 1;
      set_option(icmp6_, IPPROTO_IPV6, IPV6_RECVPKTINFO, &on, sizeof on, "IPV6_RECVPKTINFO");
      set_option(icmp6_, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof on, "IPV6_RECVHOPLIMIT");
      grow_buffers(icmp6_);
      // A raw ICMPv6 socket always has the kernel fill in the checksum (RFC 3542 3.1: IPV6_CHECKSUM
      // is EINVAL on it), so a deliberately wrong one needs an IPPROTO_RAW socket, where we write
      // the IPv6 header and the checksum ourselves and the kernel leaves both alone.
      if (!opt_.corrupt.empty()) raw6_ = open_socket(AF_INET6, SOCK_RAW, IPPROTO_RAW, "IPPROTO_RAW IPv6 socket");
    }
    for (const std::string& addr : opt_.silent_dns) dns_.push_back(open_silent_dns(addr));
    sigset_t mask;
    sigemptyset(&mask);
    for (int s : {SIGTERM, SIGINT, SIGHUP, SIGUSR1}) sigaddset(&mask, s);
    if (sigprocmask(SIG_BLOCK, &mask, nullptr) != 0) throw fmt::system_error(errno, "cannot block signals");
    signals_.reset(signalfd(-1, &mask, SFD_CLOEXEC | SFD_NONBLOCK));
    if (signals_.get() < 0) throw fmt::system_error(errno, "cannot create signalfd");
  }

  int run() {
    if (!opt_.ready_file.empty()) write_file(opt_.ready_file, fmt::format("{}\n", getpid()));
    const std::optional<Clock::time_point> end =
        opt_.max_seconds > 0 ? std::optional(Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                                 std::chrono::duration<double>(opt_.max_seconds)))
                             : std::nullopt;
    std::vector<pollfd> fds;
    for (const UniqueFd* f : {&signals_, &icmp4_, &icmp6_})
      if (f->get() >= 0) fds.push_back({f->get(), POLLIN, 0});
    for (const UniqueFd& f : dns_) fds.push_back({f.get(), POLLIN, 0});
    for (;;) {
      Clock::time_point now = Clock::now();
      flush_due(now);
      if (end && now >= *end) break;
      std::optional<Clock::time_point> wake = end;
      if (!pending_.empty() && (!wake || pending_.top().due < *wake)) wake = pending_.top().due;
      timespec ts{};
      timespec* tsp = nullptr;
      if (wake) {
        auto left = std::max(Clock::duration::zero(), *wake - Clock::now());
        auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
        ts.tv_sec = static_cast<time_t>(ns / 1000000000);
        ts.tv_nsec = static_cast<long>(ns % 1000000000);
        tsp = &ts;
      }
      int n = ppoll(fds.data(), fds.size(), tsp, nullptr);
      if (n < 0) {
        if (errno == EINTR) continue;
        throw fmt::system_error(errno, "cannot poll");
      }
      for (const pollfd& p : fds) {
        if (!(p.revents & (POLLIN | POLLERR))) continue;
        if (p.fd == signals_.get()) {
          if (handle_signals()) {
            write_counts();
            return 0;
          }
        } else if (p.fd == icmp4_.get()) {
          drain(icmp4_, AF_INET);
        } else if (p.fd == icmp6_.get()) {
          drain(icmp6_, AF_INET6);
        } else {
          drain_dns(p.fd);
        }
      }
    }
    write_counts();
    return 0;
  }

 private:
  static UniqueFd open_socket(int family, int type, int protocol, std::string_view what) {
    UniqueFd fd(socket(family, type | SOCK_CLOEXEC | SOCK_NONBLOCK, protocol));
    if (fd.get() < 0) throw fmt::system_error(errno, "cannot open {}", what);
    return fd;
  }

  static void set_option(const UniqueFd& fd, int level, int name, const void* v, socklen_t len,
                         std::string_view what) {
    if (setsockopt(fd.get(), level, name, v, len) != 0) throw fmt::system_error(errno, "cannot set {}", what);
  }

  static void grow_buffers(const UniqueFd& fd) {
    // The benchmark sends bursts of thousands of requests; as root, FORCE ignores rmem_max.
    // Failure is harmless (smaller buffer), so it is not checked.
    int size = 4 << 20;
    setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size);
    setsockopt(fd.get(), SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof size);
  }

  static UniqueFd open_silent_dns(const std::string& addr) {
    sockaddr_storage ss{};
    socklen_t len = 0;
    sockaddr_in sin{};
    sockaddr_in6 sin6{};
    if (inet_pton(AF_INET, addr.c_str(), &sin.sin_addr) == 1) {
      sin.sin_family = AF_INET;
      sin.sin_port = htons(53);
      std::memcpy(&ss, &sin, sizeof sin);
      len = sizeof sin;
    } else if (inet_pton(AF_INET6, addr.c_str(), &sin6.sin6_addr) == 1) {
      sin6.sin6_family = AF_INET6;
      sin6.sin6_port = htons(53);
      std::memcpy(&ss, &sin6, sizeof sin6);
      len = sizeof sin6;
    } else {
      throw UsageError(fmt::format("--silent-dns: '{}' is not an address literal", addr));
    }
    UniqueFd fd = open_socket(ss.ss_family, SOCK_DGRAM, 0, "UDP socket");
    if (bind(fd.get(), reinterpret_cast<const sockaddr*>(&ss), len) != 0)
      throw fmt::system_error(errno, "cannot bind UDP port 53 on {}", addr);
    return fd;
  }

  void write_file(const std::string& path, const std::string& text) {
    // Atomic, so a test polling for the file never reads it half written.
    std::string tmp = path + ".tmp";
    std::FILE* out = std::fopen(tmp.c_str(), "w");
    if (out == nullptr) throw fmt::system_error(errno, "cannot create {}", tmp);
    const bool written = std::fwrite(text.data(), 1, text.size(), out) == text.size();
    if (std::fclose(out) != 0 || !written) throw fmt::system_error(errno, "cannot write {}", tmp);
    if (rename(tmp.c_str(), path.c_str()) != 0) throw fmt::system_error(errno, "cannot rename {}", tmp);
  }

  void write_counts() {
    if (opt_.count_file.empty()) return;
    std::string text = fmt::format("total {}\nipv4 {}\nipv6 {}\ndns {}\n", count4_ + count6_, count4_, count6_, dns_queries_);
    for (const auto& [source, n] : per_source_) text += fmt::format("source {} {}\n", source, n);
    for (const auto& [action, n] : per_action_) text += fmt::format("{} {}\n", action, n);
    write_file(opt_.count_file, text);
  }

  /// Returns true when the responder should exit.
  bool handle_signals() {
    signalfd_siginfo si;
    bool stop = false;
    while (read(signals_.get(), &si, sizeof si) == static_cast<ssize_t>(sizeof si)) {
      if (si.ssi_signo == SIGUSR1)
        write_counts();
      else
        stop = true;
    }
    return stop;
  }

  void drain_dns(int fd) {
    std::uint8_t buf[4096];
    while (recv(fd, buf, sizeof buf, 0) >= 0) ++dns_queries_;
  }

  Action choose(std::uint64_t n) const {
    if (opt_.drop.count(n) || (opt_.drop_every && n % opt_.drop_every == 0)) return Action::drop;
    if (opt_.unreachable.count(n)) return Action::unreachable;
    if (opt_.corrupt.count(n)) return Action::corrupt;
    if (opt_.mangle.count(n)) return Action::mangle;
    if (opt_.foreign_id.count(n)) return Action::foreign_id;
    return Action::reply;
  }

  void drain(const UniqueFd& fd, int family) {
    // Bounded so a flood on one family cannot starve the timer or the other socket.
    for (int i = 0; i < 256; ++i) {
      sockaddr_storage from{};
      iovec iov{buf_.data(), buf_.size()};
      alignas(cmsghdr) std::uint8_t control[256];
      msghdr msg{};
      msg.msg_name = &from;
      msg.msg_namelen = sizeof from;
      msg.msg_iov = &iov;
      msg.msg_iovlen = 1;
      msg.msg_control = control;
      msg.msg_controllen = sizeof control;
      ssize_t len = recvmsg(fd.get(), &msg, 0);
      if (len < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return;
        if (errno == EINTR) continue;
        throw fmt::system_error(errno, "cannot receive");
      }
      Clock::time_point now = Clock::now();
      if (family == AF_INET)
        handle_v4(from, msg, static_cast<std::size_t>(len), now);
      else
        handle_v6(from, msg, static_cast<std::size_t>(len), now);
    }
  }

  std::uint64_t number_request(const sockaddr_storage& from) {
    std::uint64_t n = ++per_source_[address_text(from)];
    return n;
  }

  std::chrono::microseconds delay_of(std::uint64_t n) const {
    auto it = opt_.delay_for.find(n);
    return it != opt_.delay_for.end() ? it->second : opt_.delay;
  }

  void log(int family, const sockaddr_storage& from, std::uint64_t n, std::uint16_t id, std::uint16_t seq,
           Action a) const {
    if (!opt_.verbose) return;
    fmt::print(stderr, "netprom-responder: {} request {} from {} id {} seq {}: {}\n",
               family == AF_INET ? "ipv4" : "ipv6", n, address_text(from), id, seq, action_name(a));
  }

  void handle_v4(const sockaddr_storage& from, const msghdr& msg, std::size_t len, Clock::time_point now) {
    // A raw IPv4 socket hands us the IP header too (with tot_len in network order on Linux).
    const std::uint8_t* ip = buf_.data();
    if (len < 20) return;
    std::size_t ihl = static_cast<std::size_t>(ip[0] & 0x0f) * 4;
    if (ihl < 20 || len < ihl + kIcmpHeader) return;
    const std::uint8_t* icmp = ip + ihl;
    std::size_t icmp_len = len - ihl;
    if (icmp[0] != ICMP_ECHO || icmp[1] != 0) return;
    // Raw sockets see packets before the kernel checks the ICMP checksum; a bad request is not
    // one the pinger meant to send, so it is neither counted nor answered.
    if (inet_checksum(icmp, icmp_len) != 0) return;
    ++count4_;
    std::uint64_t n = number_request(from);
    Action action = choose(n);
    log(AF_INET, from, n, get16(icmp + 4), get16(icmp + 6), action);
    ++per_action_[std::string(action_name(action))];
    if (action == Action::drop) return;

    in_pktinfo info{};
    bool have_info = false;
    for (cmsghdr* c = CMSG_FIRSTHDR(const_cast<msghdr*>(&msg)); c; c = CMSG_NXTHDR(const_cast<msghdr*>(&msg), c)) {
      if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
        std::memcpy(&info, CMSG_DATA(c), sizeof info);
        have_info = true;
      }
    }
    Bytes control;
    if (have_info) {
      // Answer from the address the request was sent to, even with several on the link.
      in_pktinfo out{};
      std::memcpy(&out.ipi_spec_dst, ip + 16, 4);
      control.resize(CMSG_SPACE(sizeof out));
      cmsghdr c{};
      c.cmsg_len = CMSG_LEN(sizeof out);
      c.cmsg_level = IPPROTO_IP;
      c.cmsg_type = IP_PKTINFO;
      std::memcpy(control.data(), &c, sizeof c);
      std::memcpy(control.data() + (CMSG_DATA(reinterpret_cast<cmsghdr*>(control.data())) - control.data()), &out,
                  sizeof out);
    }

    Bytes packet;
    if (action == Action::unreachable) {
      // Host unreachable, quoting the request's IP header and as much of it as fits in 576 bytes.
      std::size_t quoted = std::min(len, kMaxErrorV4 - 20 - kIcmpHeader);
      packet.assign(kIcmpHeader, 0);
      packet[0] = ICMP_DEST_UNREACH;
      packet[1] = ICMP_HOST_UNREACH;
      packet.insert(packet.end(), ip, ip + quoted);
    } else {
      packet.assign(icmp, icmp + icmp_len);
      packet[0] = ICMP_ECHOREPLY;
      apply_payload_actions(packet, action);
    }
    packet[2] = packet[3] = 0;
    put16(&packet[2], inet_checksum(packet.data(), packet.size()));
    if (action == Action::corrupt) packet[2] ^= 0x5a;  // valid any other way: only the checksum is wrong
    schedule(now + delay_of(n), icmp4_.get(), from, sizeof(sockaddr_in), std::move(packet), std::move(control));
  }

  static void apply_payload_actions(Bytes& packet, Action action) {
    if (action == Action::mangle) {
      // Every payload byte changes, so whatever the pinger keeps there (nonce, index, time) no
      // longer matches; id and sequence stay, so only the payload can tell it apart.
      for (std::size_t i = kIcmpHeader; i < packet.size(); ++i) packet[i] ^= 0xa5;
    } else if (action == Action::foreign_id) {
      put16(&packet[4], static_cast<std::uint16_t>(get16(&packet[4]) ^ 0x5a5a));
    }
  }

  void handle_v6(const sockaddr_storage& from, const msghdr& msg, std::size_t len, Clock::time_point now) {
    // A raw ICMPv6 socket hands us only the ICMPv6 message; the kernel already checked its checksum.
    const std::uint8_t* icmp = buf_.data();
    if (len < kIcmpHeader || icmp[0] != ICMPV6_ECHO_REQUEST || icmp[1] != 0) return;
    in6_pktinfo info{};
    bool have_info = false;
    int hop_limit = 64;
    for (cmsghdr* c = CMSG_FIRSTHDR(const_cast<msghdr*>(&msg)); c; c = CMSG_NXTHDR(const_cast<msghdr*>(&msg), c)) {
      if (c->cmsg_level != IPPROTO_IPV6) continue;
      if (c->cmsg_type == IPV6_PKTINFO) {
        std::memcpy(&info, CMSG_DATA(c), sizeof info);
        have_info = true;
      } else if (c->cmsg_type == IPV6_HOPLIMIT) {
        std::memcpy(&hop_limit, CMSG_DATA(c), sizeof hop_limit);
      }
    }
    if (!have_info) return;  // cannot happen with IPV6_RECVPKTINFO; needed for the source address
    ++count6_;
    std::uint64_t n = number_request(from);
    Action action = choose(n);
    log(AF_INET6, from, n, get16(icmp + 4), get16(icmp + 6), action);
    ++per_action_[std::string(action_name(action))];
    if (action == Action::drop) return;

    sockaddr_in6 peer;
    std::memcpy(&peer, &from, sizeof peer);
    Bytes control(CMSG_SPACE(sizeof info));
    {
      cmsghdr c{};
      c.cmsg_len = CMSG_LEN(sizeof info);
      c.cmsg_level = IPPROTO_IPV6;
      c.cmsg_type = IPV6_PKTINFO;
      std::memcpy(control.data(), &c, sizeof c);
      std::memcpy(control.data() + (CMSG_DATA(reinterpret_cast<cmsghdr*>(control.data())) - control.data()), &info,
                  sizeof info);
    }

    Bytes packet;
    if (action == Action::unreachable) {
      // Address unreachable (RFC 4443 3.1). The raw socket did not give us the request's IPv6
      // header, so rebuild it from what we know: the kernel's error handler only needs the
      // addresses, next header and the echo header behind it to find the pinger's socket.
      packet.assign(kIcmpHeader, 0);
      packet[0] = ICMPV6_DEST_UNREACH;
      packet[1] = ICMPV6_ADDR_UNREACH;
      std::uint8_t ip6[kIpv6Header] = {};
      ip6[0] = 0x60;
      put16(ip6 + 4, static_cast<std::uint16_t>(len));
      ip6[6] = IPPROTO_ICMPV6;
      ip6[7] = static_cast<std::uint8_t>(hop_limit);
      std::memcpy(ip6 + 8, &peer.sin6_addr, 16);
      std::memcpy(ip6 + 24, &info.ipi6_addr, 16);
      packet.insert(packet.end(), ip6, ip6 + kIpv6Header);
      std::size_t quoted = std::min(len, kMaxErrorV6 - kIpv6Header - kIcmpHeader - kIpv6Header);
      packet.insert(packet.end(), icmp, icmp + quoted);
    } else {
      packet.assign(icmp, icmp + len);
      packet[0] = ICMPV6_ECHO_REPLY;
      apply_payload_actions(packet, action);
    }
    packet[2] = packet[3] = 0;  // the kernel computes it, except on the IPPROTO_RAW path below

    if (action == Action::corrupt) {
      put16(&packet[2], static_cast<std::uint16_t>(icmp6_checksum(info.ipi6_addr, peer.sin6_addr, packet) ^ 0x5a5a));
      Bytes whole(kIpv6Header + packet.size(), 0);
      whole[0] = 0x60;
      put16(&whole[4], static_cast<std::uint16_t>(packet.size()));
      whole[6] = IPPROTO_ICMPV6;
      whole[7] = 64;
      std::memcpy(&whole[8], &info.ipi6_addr, 16);
      std::memcpy(&whole[24], &peer.sin6_addr, 16);
      // memcpy, not insert: GCC 12 reports a false -Warray-bounds on vector::insert here.
      std::memcpy(&whole[kIpv6Header], packet.data(), packet.size());
      // The destination's port must be 0 (or the protocol) on an IPPROTO_RAW socket.
      peer.sin6_port = 0;
      peer.sin6_scope_id = info.ipi6_ifindex;
      sockaddr_storage to{};
      std::memcpy(&to, &peer, sizeof peer);
      schedule(now + delay_of(n), raw6_.get(), to, sizeof peer, std::move(whole), {});
      return;
    }
    schedule(now + delay_of(n), icmp6_.get(), from, sizeof(sockaddr_in6), std::move(packet), std::move(control));
  }

  void schedule(Clock::time_point due, int fd, const sockaddr_storage& to, socklen_t to_len, Bytes packet,
                Bytes control) {
    for (int i = 0; i <= opt_.dup; ++i) {
      Pending p{due, next_order_++, fd, to, to_len, i == opt_.dup ? std::move(packet) : packet,
                i == opt_.dup ? std::move(control) : control};
      if (due <= Clock::now() && pending_.empty())
        send(p);
      else
        pending_.push(std::move(p));
    }
  }

  void flush_due(Clock::time_point now) {
    while (!pending_.empty() && pending_.top().due <= now) {
      send(pending_.top());
      pending_.pop();
    }
  }

  void send(const Pending& p) {
    iovec iov{const_cast<std::uint8_t*>(p.packet.data()), p.packet.size()};
    msghdr msg{};
    msg.msg_name = const_cast<sockaddr_storage*>(&p.to);
    msg.msg_namelen = p.to_len;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    if (!p.control.empty()) {
      msg.msg_control = const_cast<std::uint8_t*>(p.control.data());
      msg.msg_controllen = p.control.size();
    }
    for (;;) {
      if (sendmsg(p.fd, &msg, 0) >= 0) return;
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
        // Under a benchmark burst the send buffer may fill; wait for room rather than drop a
        // reply the test will count.
        pollfd pf{p.fd, POLLOUT, 0};
        poll(&pf, 1, 100);
        continue;
      }
      // An unreachable peer (neighbour gone) is not the responder's failure; report and go on.
      fmt::print(stderr, "netprom-responder: warning: cannot send to {}: {}\n", address_text(p.to),
                 std::strerror(errno));
      return;
    }
  }

  Options opt_;
  UniqueFd icmp4_, icmp6_, raw6_, signals_;
  std::vector<UniqueFd> dns_;
  Bytes buf_ = Bytes(kMaxPacket);
  std::priority_queue<Pending, std::vector<Pending>, std::greater<Pending>> pending_;
  std::uint64_t next_order_ = 0;
  std::uint64_t count4_ = 0, count6_ = 0, dns_queries_ = 0;
  std::map<std::string, std::uint64_t> per_source_;
  std::map<std::string, std::uint64_t> per_action_;
};

}  // namespace
}  // namespace netprom

int main(int argc, char** argv) {
  try {
    std::optional<netprom::Options> options = netprom::parse_options(argc, argv);
    if (!options) return 0;
    // Delays are the point of this program: ask for timer wake-ups without the default 50 us slack.
    prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
    netprom::Responder responder(std::move(*options));
    responder.open_sockets();
    return responder.run();
  } catch (const netprom::UsageError& e) {
    fmt::print(stderr, "netprom-responder: error: {}\n", e.what());
    return 64;
  } catch (const cxxopts::exceptions::exception& e) {
    fmt::print(stderr, "netprom-responder: error: {}\n", e.what());
    return 64;
  } catch (const std::system_error& e) {
    fmt::print(stderr, "netprom-responder: error: {}\n", e.what());
    return 1;
  } catch (const std::exception& e) {
    fmt::print(stderr, "netprom-responder: internal error: {}\n", e.what());
    return 70;
  }
}

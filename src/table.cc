// SPDX-License-Identifier: MIT
#include "table.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "exposition.h"
#include "rtt_stats.h"

namespace netprom {
namespace {

constexpr std::size_t kSparkCells = 10;
constexpr std::string_view kBlocks[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
constexpr std::string_view kAsciiBlocks[] = {"_", ".", "-", ":", "=", "+", "*", "#"};

struct Colors {
  std::string_view green, yellow, red, dim, reset;
};
constexpr Colors kAnsi{"\033[32m", "\033[33m", "\033[31m", "\033[2m", "\033[0m"};
constexpr Colors kPlain{"", "", "", "", ""};

// Control bytes and the like in names would break the columns (or the terminal): show them
// escaped, as `ip link` does.
std::string printable(std::string_view raw) {
  std::string out;
  const std::string s = utf8_name(raw);  // bytes that are not UTF-8 as \xHH, as in the .prom file
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f)
      out += fmt::format("\\x{:02x}", u);
    else
      out.push_back(c);
  }
  return out;
}

// Display width of UTF-8 text, counting each code point as one column.
std::size_t columns(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xc0) != 0x80;
  }));
}

// A name in its column, never cut (two long names must not look the same): one that does not
// fit goes on a line of its own, and the row starts with an empty column.
std::string name_cell(std::string_view name, std::size_t width) {
  if (columns(name) > width) return fmt::format("{}\n{:{}}", name, "", width);
  return std::string(name).append(width - columns(name), ' ');
}

// Milliseconds right-aligned in `width` columns, with fewer decimals for long round trips
// (a reply can take up to the 3,600 s timeout).
std::string ms(double seconds, std::size_t width = 7) {
  const double v = seconds * 1000;
  std::string text;
  for (int decimals = 3; decimals >= 0; --decimals) {
    text = fmt::format("{:.{}f}", v, decimals);
    if (text.size() <= width) break;
  }
  return fmt::format("{:>{}}", text, width);
}

std::string human_bytes(std::uint64_t b) {
  static constexpr std::string_view kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double v = static_cast<double>(b);
  std::size_t u = 0;
  while (v >= 1024 && u + 1 < std::size(kUnits)) {
    v /= 1024;
    ++u;
  }
  return u == 0 ? fmt::format("{} B", b) : fmt::format("{:.1f} {}", v, kUnits[u]);
}

// A count in at most `width` columns: exact when it fits, else in the unit of 1000^k (k, M,
// G, T, P, E; as `ip -h -s link` prints packets) that leaves 1 to 999 before it, with one
// decimal when there is room. A busy link passes 10^8 packets in days; the columns must
// hold its counters for years.
std::string fit_count(std::uint64_t n, std::size_t width) {
  std::string exact = fmt::format("{}", n);
  if (exact.size() <= width) return exact;
  double v = static_cast<double>(n);
  for (char unit : std::string_view("kMGTPE")) {
    v /= 1000;
    if (v >= 999.5) continue;  // would round to 1000: the next unit reads better
    for (std::string s : {fmt::format("{:.1f}{}", v, unit), fmt::format("{:.0f}{}", v, unit)})
      if (s.size() <= width) return s;
  }
  return exact;  // not reached for widths of 3 or more: 2^64 - 1 is "18E"
}

}  // namespace

std::string render_sparkline(const std::vector<double>& rtt, std::size_t cells, bool utf8) {
  if (rtt.empty()) return "";
  double lo = INFINITY, hi = -INFINITY;
  for (double x : rtt)
    if (!std::isnan(x)) lo = std::min(lo, x), hi = std::max(hi, x);
  std::size_t group = (rtt.size() + cells - 1) / cells;
  std::string out;
  for (std::size_t start = 0; start < rtt.size(); start += group) {
    std::size_t end = std::min(rtt.size(), start + group);
    double worst = -INFINITY;
    std::size_t lost = 0;
    for (std::size_t i = start; i < end; ++i) {
      if (std::isnan(rtt[i]))
        ++lost;
      else
        worst = std::max(worst, rtt[i]);
    }
    if (lost == end - start) {
      out += utf8 ? "×" : "x";
    } else if (lost > 0) {
      out += utf8 ? "╳" : "X";
    } else {
      // The full height spans at least half the slowest reply: 2.211 vs 2.247 ms stays flat.
      const double span = std::max(hi - lo, hi / 2);
      const double scaled = span > 0 ? (worst - lo) / span : 0;
      const std::size_t level = std::min(std::size_t{7}, static_cast<std::size_t>(scaled * 7 + 0.5));
      out += utf8 ? kBlocks[level] : kAsciiBlocks[level];
    }
  }
  return out;
}

std::string render_table(const RunReport& r, bool color, bool utf8) {
  const Colors& c = color ? kAnsi : kPlain;
  std::string out;
  auto it = std::back_inserter(out);
  if (r.ping_enabled && r.ping_ok) {
    // SENT/RECV takes what it needs from the name column ("10000/10000" at -n 10000).
    std::vector<std::string> counts;
    std::size_t counts_width = 9;
    for (const DestinationReport& d : r.destinations) {
      counts.push_back(fmt::format("{}/{}", d.ping.sent, d.ping.received));
      counts_width = std::max(counts_width, counts.back().size());
    }
    const std::size_t name_width = 18 - (counts_width - 9);
    fmt::format_to(it, "{}{} {:>{}} {:>5} {:>3} {:>7} {:>7} {:>7} {:>6} {}{}\n", c.dim,
                   name_cell(name_width >= 21 ? "DESTINATION (ADDRESS)" : "DESTINATION", name_width),
                   "SENT/RECV", counts_width, "LOSS", "TTL", "MIN ms", "AVG ms", "MAX ms", "SDEV", "RTT", c.reset);
    for (std::size_t i = 0; i < r.destinations.size(); ++i) {
      const PingResult& p = r.destinations[i].ping;
      const std::string& dest = r.destinations[i].target.name;
      std::string name = printable(dest);
      const std::string address = p.address ? format_address(*p.address) : "";
      if (p.address && address != dest) name += " (" + address + ")";
      if (!p.address) {
        fmt::format_to(it, "{} {:>{}} {}{:>5} {}{}\n", name_cell(name, name_width), counts[i], counts_width, c.red, "-",
                       "name did not resolve", c.reset);
        continue;
      }
      double loss = p.sent ? 1.0 - static_cast<double>(p.received) / static_cast<double>(p.sent) : 1.0;
      std::string_view tint = p.received == 0 ? c.red : loss > 0 ? c.yellow : c.green;
      std::string loss_text = fmt::format("{:.0f}%", loss * 100);
      auto stats = summarize_rtts(p.rtt_seconds);
      std::string rtts = stats ? fmt::format("{} {} {} {}", ms(stats->min), ms(stats->avg), ms(stats->max),
                                             ms(stats->stddev, 6))
                               : fmt::format("{:>7} {:>7} {:>7} {:>6}", "-", "-", "-", "-");
      const std::string spark = render_sparkline(p.rtt_seconds, kSparkCells, utf8);
      std::string extra;
      if (p.late) extra += fmt::format(" {} late", p.late);
      if (p.duplicates) extra += fmt::format(" {} dup", p.duplicates);
      if (p.errors) extra += fmt::format(" {} icmp err", p.errors);
      if (p.errors && p.last_error) {
        // As ping says it: "From 198.18.1.2: time exceeded" (the last error; a local one has no sender).
        std::string said(icmp_error_type_name(p.last_error->first));
        std::replace(said.begin(), said.end(), '_', ' ');
        if (!p.last_error->second.empty()) said = fmt::format("From {}: {}", p.last_error->second, said);
        extra += fmt::format(" ({})", said);
      }
      // The row is 70 columns before the sparkline; notes that do not fit in 80 go on a line
      // of their own below it, ending in column 80.
      constexpr std::size_t kBeforeSpark = 70;
      if (!extra.empty() && kBeforeSpark + columns(spark) + extra.size() > 80)
        extra = fmt::format("\n{:>80}", std::string_view(extra).substr(1));
      const std::string ttl = p.reply_ttl ? fmt::format("{}", *p.reply_ttl) : "-";
      fmt::format_to(it, "{} {:>{}} {}{:>5}{} {:>3} {} {}{}{}{}\n", name_cell(name, name_width), counts[i], counts_width,
                     tint, loss_text, c.reset, ttl, rtts, tint, spark, c.reset, extra);
    }
  } else if (r.ping_enabled) {
    fmt::format_to(it, "{}ping failed: see the error above{}\n", c.red, c.reset);
  }
  if (r.interfaces_enabled && r.interfaces_ok) {
    if (!out.empty()) out += '\n';
    fmt::format_to(it, "{}{} {:<4} {:>10} {:>8} {:>4} {:>5} {:>10} {:>8} {:>4} {:>5}{}\n", c.dim, name_cell("DEVICE", 12),
                   "LINK", "RX", "PACKETS", "ERR", "DROP", "TX", "PACKETS", "ERR", "DROP", c.reset);
    for (const LinkStats& l : r.links) {
      fmt::format_to(it, "{} {}{:<4}{} {:>10} {:>8} {:>4} {:>5} {:>10} {:>8} {:>4} {:>5}\n", name_cell(printable(l.name), 12),
                     l.oper_up ? c.green : c.red, l.oper_up ? "up" : "down", c.reset, human_bytes(l.rx_bytes),
                     fit_count(l.rx_packets, 8), fit_count(l.rx_errs, 4), fit_count(l.rx_drop, 5),
                     human_bytes(l.tx_bytes), fit_count(l.tx_packets, 8), fit_count(l.tx_errs, 4),
                     fit_count(l.tx_drop, 5));
    }
  } else if (r.interfaces_enabled) {
    fmt::format_to(it, "{}interfaces failed: see the error above{}\n", c.red, c.reset);
  }
  return out;
}

}  // namespace netprom

// SPDX-License-Identifier: MIT
#include "options.h"

#include <arpa/inet.h>
#include <net/if.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "icmp_packet.h"
#include "interface_filter.h"
#include "targets.h"

namespace netprom {
namespace {

// The payload carries a per-run nonce and a request index (icmp_packet.h).
constexpr double kMinPayload = kMinPayloadSize;
constexpr double kMaxPayload = kMaxPayloadSize;

template <typename T>
T get(const OptionValue& v) {
  return std::get<T>(v);
}

const std::array kOptions = {
    OptionDef{"output", "o", "PATH",
              "write the .prom file here, atomically; '-' = standard output; from the config only when no "
              "terminal is attached",
              "standard output, a table at a terminal",
              ValueKind::text, 0, 0, {},
              [](Settings& s, const OptionValue& v) { s.output = get<std::string>(v); }},
    OptionDef{"targets-file", "f", "FILE", "read destinations from FILE, one DEST a line, '#' comments; '-' = stdin",
              "", ValueKind::text, 0, 0, {},
              [](Settings& s, const OptionValue& v) { s.targets_file = get<std::string>(v); }},
    OptionDef{"file-sd", "", "FILE", "also ping the targets of a Prometheus file_sd file (JSON or YAML); repeatable",
              "", ValueKind::paths, 0, 0, {},
              [](Settings& s, const OptionValue& v) { s.file_sd.push_back(get<std::string>(v)); }},
    OptionDef{"mesh", "", "FILE", "fleet mesh: ping peers chosen from the members listed in FILE (file_sd)", "",
              ValueKind::text, 0, 0, {},
              [](Settings& s, const OptionValue& v) { s.mesh = get<std::string>(v); }},
    OptionDef{"self", "", "NAME", "this host's member name in the --mesh list", "the host name", ValueKind::text, 0,
              0, {}, [](Settings& s, const OptionValue& v) { s.self = get<std::string>(v); }},
    OptionDef{"mesh-peers", "", "K", "members each member of the --mesh list pings", "all others",
              ValueKind::integer, 1, 100000, {},
              [](Settings& s, const OptionValue& v) { s.mesh_peers = static_cast<int>(get<std::int64_t>(v)); }},
    OptionDef{"count", "c", "N", "echo requests per destination", "5", ValueKind::integer, 1, 10000, {},
              nullptr, [](ProbeSettings& s, const OptionValue& v) { s.count = static_cast<int>(get<std::int64_t>(v)); }},
    OptionDef{"interval", "i", "SECONDS", "time between requests to one destination", "1",
              ValueKind::seconds, 0.001, 3600, {},
              nullptr, [](ProbeSettings& s, const OptionValue& v) { s.interval = get<double>(v); }},
    OptionDef{"timeout", "W", "SECONDS", "wait this long for each reply", "2", ValueKind::seconds, 0.001, 3600, {},
              nullptr, [](ProbeSettings& s, const OptionValue& v) { s.timeout = get<double>(v); }},
    OptionDef{"deadline", "w", "SECONDS", "hard bound on the whole run, name resolution included", "50",
              ValueKind::seconds, 0.01, 86400, {},
              [](Settings& s, const OptionValue& v) { s.deadline = get<double>(v); }},
    OptionDef{"ipv4", "4", "", "resolve names to IPv4 addresses only", "", ValueKind::flag, 0, 0, {},
              [](Settings& s, const OptionValue& v) {
                if (get<bool>(v)) s.family = Family::v4;
              }},
    OptionDef{"ipv6", "6", "", "resolve names to IPv6 addresses only", "", ValueKind::flag, 0, 0, {},
              [](Settings& s, const OptionValue& v) {
                if (get<bool>(v)) s.family = Family::v6;
              }},
    OptionDef{"size", "s", "BYTES", "ICMP payload bytes", "56", ValueKind::integer, kMinPayload, kMaxPayload, {},
              nullptr, [](ProbeSettings& s, const OptionValue& v) { s.size = static_cast<int>(get<std::int64_t>(v)); }},
    OptionDef{"ttl", "t", "N", "IP time to live / IPv6 hop limit", "system default", ValueKind::integer, 1, 255, {},
              nullptr, [](ProbeSettings& s, const OptionValue& v) { s.ttl = static_cast<int>(get<std::int64_t>(v)); }},
    OptionDef{"tos", "Q", "N", "IPv4 type of service / IPv6 traffic class", "0", ValueKind::integer, 0, 255, {},
              nullptr, [](ProbeSettings& s, const OptionValue& v) { s.tos = static_cast<int>(get<std::int64_t>(v)); }},
    OptionDef{"source", "", "ADDR", "send from this source address; names resolve to its family", "", ValueKind::address, 0, 0, {},
              nullptr, [](ProbeSettings& s, const OptionValue& v) { s.source = get<std::string>(v); }},
    OptionDef{"interface", "I", "IFNAME", "send through this interface (SO_BINDTODEVICE)", "", ValueKind::ifname, 0, 0,
              {}, nullptr, [](ProbeSettings& s, const OptionValue& v) { s.interface = get<std::string>(v); }},
    OptionDef{"dont-fragment", "M", "do|dont",
              "do: don't fragment (DF set; too big for the path is an error), as ping -M do",
              "dont", ValueKind::flag, 0, 0, "do,dont", nullptr,
              [](ProbeSettings& s, const OptionValue& v) { s.dont_fragment = get<bool>(v); }},
    OptionDef{"rate", "", "PPS", "cap on echo requests per second, all destinations together", "no cap",
              ValueKind::number, 0.1, 10'000'000, {},
              [](Settings& s, const OptionValue& v) { s.rate = get<double>(v); }},
    OptionDef{"pmtu", "", "",
              "find the path MTU (largest IP packet, don't fragment) of every destination that answered",
              "", ValueKind::flag, 0, 0, {}, nullptr,
              [](ProbeSettings& s, const OptionValue& v) { s.pmtu = get<bool>(v); }},
    OptionDef{"state-dir", "", "DIR", "keep cumulative counters and an RTT histogram across runs in DIR", "",
              ValueKind::text, 0, 0, {},
              [](Settings& s, const OptionValue& v) { s.state_dir = get<std::string>(v); }},
    OptionDef{"buckets", "", "LIST", "RTT histogram bucket bounds in seconds, comma-separated",
              "0.00005 doubling to 26.2144", ValueKind::list, 1e-9, 3600, {},
              [](Settings& s, const OptionValue& v) { s.buckets = get<std::vector<double>>(v); }},
    OptionDef{"label", "", "NAME=VALUE", "constant label on every series of the run; repeatable", "",
              ValueKind::label, 0, 0, {},
              [](Settings& s, const OptionValue& v) { add_constant_label(s, get<std::string>(v)); }},
    OptionDef{"no-ping", "", "", "do not ping (interface counters only)", "", ValueKind::flag, 0, 0, {},
              [](Settings& s, const OptionValue& v) { s.no_ping = get<bool>(v); }},
    OptionDef{"no-interfaces", "", "", "do not read interface counters", "", ValueKind::flag, 0, 0, {},
              [](Settings& s, const OptionValue& v) { s.no_interfaces = get<bool>(v); }},
    OptionDef{"interface-include", "", "REGEX", "only interfaces whose whole name matches REGEX (RE2 syntax)", "all",
              ValueKind::regex, 0, 0, {},
              [](Settings& s, const OptionValue& v) { s.interface_include = get<std::string>(v); }},
    OptionDef{"interface-exclude", "", "REGEX", "skip interfaces whose whole name matches REGEX (RE2 syntax)", "none",
              ValueKind::regex, 0, 0, {},
              [](Settings& s, const OptionValue& v) { s.interface_exclude = get<std::string>(v); }},
    OptionDef{"format", "", "FORMAT", "prom (text format 0.0.4) or table (a summary for people)",
              "table on standard output at a terminal, else prom",
              ValueKind::choice, 0, 0, "prom,table",
              [](Settings& s, const OptionValue& v) {
                s.format = get<std::string>(v) == "table" ? OutputFormat::table : OutputFormat::prom;
              }},
};

std::string describe_range(const OptionDef& def) {
  switch (def.kind) {
    case ValueKind::integer:
      return fmt::format("a whole number from {} to {}", def.min, def.max);
    case ValueKind::seconds:
      return fmt::format("a number of seconds from {} to {}", def.min, def.max);
    case ValueKind::number:
      return fmt::format("a number from {} to {}", def.min, def.max);
    default:
      return "";
  }
}

void check_number(const OptionDef& def, double x, std::string_view text) {
  if (!std::isfinite(x) || x < def.min || x > def.max)
    throw OptionValueError(fmt::format("must be {}, got {}", describe_range(def), text));
}

double parse_decimal(std::string_view text, const OptionDef& def) {
  double x = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, x, std::chars_format::general);
  if (text.empty() || ec != std::errc() || ptr != end) {
    throw OptionValueError(fmt::format("must be {}, got '{}'", describe_range(def), text));
  }
  return x;
}

void check_list(const OptionDef& def, const std::vector<double>& list) {
  if (list.empty() || list.size() > 64)
    throw OptionValueError(fmt::format("must hold 1 to 64 bounds, got {}", list.size()));
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (!std::isfinite(list[i]) || list[i] < def.min || list[i] > def.max)
      throw OptionValueError(
          fmt::format("bounds must be seconds from {} to {}, got {}", def.min, def.max, list[i]));
    if (i > 0 && list[i] <= list[i - 1])
      throw OptionValueError(fmt::format("bounds must increase, got {} after {}", list[i], list[i - 1]));
  }
}

void check_text(const OptionDef& def, const std::string& text) {
  switch (def.kind) {
    case ValueKind::text:
    case ValueKind::paths:
      if (text.empty()) throw OptionValueError("must not be empty");
      break;
    case ValueKind::address: {
      unsigned char buf[16];
      if (inet_pton(AF_INET, text.c_str(), buf) != 1 && inet_pton(AF_INET6, text.c_str(), buf) != 1)
        throw OptionValueError(fmt::format("must be an IPv4 or IPv6 address, got '{}'", text));
      break;
    }
    case ValueKind::ifname:
      // The kernel's dev_valid_name(): 1 to IFNAMSIZ-1 bytes, no '/', ':' or white space.
      if (text.empty() || text.size() >= IFNAMSIZ || text == "." || text == ".." ||
          text.find_first_of("/: \t\n\r\v\f") != std::string::npos)
        throw OptionValueError(fmt::format("must be an interface name (1 to {} bytes, no '/', ':' or spaces), got '{}'",
                                           IFNAMSIZ - 1, text));
      break;
    case ValueKind::regex:
      if (std::string problem = interface_pattern_problem(text); !problem.empty())
        throw OptionValueError(fmt::format("is not a valid RE2 pattern: '{}': {}", text, problem));
      break;
    case ValueKind::label:
      if (auto p = constant_label_problem(text); !p.empty()) throw OptionValueError(p);
      break;
    case ValueKind::choice: {
      bool ok = false;
      std::string_view rest = def.choices;
      while (!rest.empty()) {
        auto comma = rest.find(',');
        if (rest.substr(0, comma) == text) ok = true;
        rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      }
      if (!ok) {
        std::string choices(def.choices);
        std::replace(choices.begin(), choices.end(), ',', '|');
        throw OptionValueError(fmt::format("must be one of {}, got '{}'", choices, text));
      }
      break;
    }
    default:
      break;
  }
}

}  // namespace

std::span<const OptionDef> option_table() { return kOptions; }

void apply_option(const OptionDef& def, Settings& settings, const OptionValue& value) {
  if (def.apply_probe) def.apply_probe(settings, value);
  else def.apply(settings, value);
}

const OptionDef* find_option(std::string_view key) {
  for (const OptionDef& def : kOptions) {
    if (def.name.size() != key.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < key.size() && same; ++i) {
      char k = key[i] == '_' ? '-' : key[i];
      same = k == def.name[i];
    }
    if (same) return &def;
  }
  return nullptr;
}

std::string config_key(const OptionDef& def) {
  std::string key(def.name);
  std::replace(key.begin(), key.end(), '-', '_');
  return key;
}

OptionValue parse_option_text(const OptionDef& def, std::string_view text) {
  switch (def.kind) {
    case ValueKind::flag:
      if (!def.choices.empty()) {  // "yes,no" spellings on the command line: -M do|dont
        const auto comma = def.choices.find(',');
        if (text == def.choices.substr(0, comma)) return true;
        if (text == def.choices.substr(comma + 1)) return false;
        throw OptionValueError(fmt::format("must be {} or {}, got '{}'", def.choices.substr(0, comma),
                                           def.choices.substr(comma + 1), text));
      }
      if (text == "true") return true;
      if (text == "false") return false;
      throw OptionValueError(fmt::format("must be true or false, got '{}'", text));
    case ValueKind::integer: {
      std::int64_t n = 0;
      const char* end = text.data() + text.size();
      auto [ptr, ec] = std::from_chars(text.data(), end, n);
      if (text.empty() || ec != std::errc() || ptr != end)
        throw OptionValueError(fmt::format("must be {}, got '{}'", describe_range(def), text));
      check_number(def, static_cast<double>(n), text);
      return n;
    }
    case ValueKind::seconds:
    case ValueKind::number: {
      double x = parse_decimal(text, def);
      check_number(def, x, text);
      return x;
    }
    case ValueKind::list: {
      std::vector<double> list;
      std::string_view rest = text;
      while (true) {
        auto comma = rest.find(',');
        std::string_view item = rest.substr(0, comma);
        double x = 0;
        const char* end = item.data() + item.size();
        auto [ptr, ec] = std::from_chars(item.data(), end, x, std::chars_format::general);
        if (item.empty() || ec != std::errc() || ptr != end)
          throw OptionValueError(fmt::format("must be comma-separated seconds, got '{}'", text));
        list.push_back(x);
        if (comma == std::string_view::npos) break;
        rest = rest.substr(comma + 1);
      }
      check_list(def, list);
      return list;
    }
    default: {
      std::string s(text);
      check_text(def, s);
      return s;
    }
  }
}

void check_option_value(const OptionDef& def, const OptionValue& value) {
  switch (def.kind) {
    case ValueKind::flag:
      if (!std::holds_alternative<bool>(value)) throw OptionValueError("must be true or false");
      break;
    case ValueKind::integer:
      if (!std::holds_alternative<std::int64_t>(value))
        throw OptionValueError(fmt::format("must be {}", describe_range(def)));
      check_number(def, static_cast<double>(std::get<std::int64_t>(value)),
                   std::to_string(std::get<std::int64_t>(value)));
      break;
    case ValueKind::seconds:
    case ValueKind::number:
      if (!std::holds_alternative<double>(value))
        throw OptionValueError(fmt::format("must be {}", describe_range(def)));
      check_number(def, std::get<double>(value), fmt::format("{}", std::get<double>(value)));
      break;
    case ValueKind::list:
      if (!std::holds_alternative<std::vector<double>>(value))
        throw OptionValueError("must be an array of seconds");
      check_list(def, std::get<std::vector<double>>(value));
      break;
    default:
      if (!std::holds_alternative<std::string>(value)) throw OptionValueError("must be a string");
      check_text(def, std::get<std::string>(value));
      break;
  }
}

void check_settings(const Settings& s) {
  if (s.no_ping && s.no_interfaces)
    throw OptionValueError("--no-ping with --no-interfaces leaves nothing to do; drop one of them");
  if (!s.mesh && (s.self || s.mesh_peers))
    throw OptionValueError(fmt::format("--{} needs --mesh (the member list)", s.self ? "self" : "mesh-peers"));
  if (s.no_ping) return;
  // The run lasts as long as its longest per-destination plan.
  auto plan = [](const ProbeSettings& p) { return (p.count - 1) * p.interval + p.timeout; };
  const TargetSpec* longest = nullptr;
  for (const TargetSpec& t : s.targets)
    if (plan(t.probe) > plan(longest ? longest->probe : s)) longest = &t;
  if (longest && plan(longest->probe) > s.deadline)
    throw TargetPlanError(fmt::format(
        "target '{}' ({}) needs (count - 1) * interval + timeout = {} s, more than --deadline {} s; "
        "raise --deadline or lower the target's count, interval or timeout",
        longest->name, longest->origin, plan(longest->probe), s.deadline));
  double needed = plan(s);
  if (needed > s.deadline)
    throw OptionValueError(fmt::format(
        "--deadline {} s is shorter than the requests need ((count - 1) * interval + timeout = {} s); "
        "raise --deadline or lower --count, --interval or --timeout",
        s.deadline, needed));
  // --rate caps all destinations together: N requests take at least (N - 1) / rate seconds,
  // plus the last one's timeout, which may be any destination's: the longest.
  if (s.rate && *s.rate > 0) {
    double requests = s.targets.empty() ? s.count : 0;
    double timeout = s.targets.empty() ? s.timeout : 0;
    for (const TargetSpec& t : s.targets) {
      requests += t.probe.count;
      timeout = std::max(timeout, t.probe.timeout);
    }
    const double paced = (requests - 1) / *s.rate + timeout;
    if (paced > s.deadline)
      throw OptionValueError(fmt::format(
          "--deadline {} s is shorter than --rate {} allows for {} requests ((requests - 1) / rate + {}timeout = {} "
          "s); raise --deadline or --rate, or lower --count",
          s.deadline, *s.rate, requests, timeout > s.timeout ? "the longest " : "", paced));
  }
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

std::string closest_key(std::string_view key, std::span<const std::string> candidates) {
  // Suggest only when about a third of the key differs at most.
  std::string best;
  std::size_t best_distance = key.size() / 3 + 2;
  for (const std::string& c : candidates) {
    if (std::size_t d = edit_distance(key, c); d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

std::vector<double> default_buckets() {
  std::vector<double> b;
  for (double x = 0.00005; x < 30; x *= 2) b.push_back(x);
  return b;
}

}  // namespace netprom

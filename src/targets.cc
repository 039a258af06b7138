// SPDX-License-Identifier: MIT
#include "targets.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <unordered_map>

#include <fmt/compile.h>
#include <fmt/format.h>

#include "errors.h"
#include "options.h"

namespace netprom {
namespace {

// Longest DNS name (RFC 1035) plus room for an IPv6 "%scope" suffix.
constexpr std::size_t kMaxHost = 253 + 16;

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    std::uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1f) : n == 3 ? (c & 0x0f) : (c & 0x07);
    for (std::size_t k = 1; k < n; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc >> 6) != 0x2) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8.
    static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n;
  }
  return true;
}

// A host written like an address must be one, or it would go to the resolver: an all-numeric
// dotted name is never a host name ("300.1.1.1", "1.2.3"), and only IPv6 literals have ':'
// ("127.0.0.1:80" is a port, which ICMP does not have) or a "%zone".
// "host 'H'", or "host 'H' of target 'N'" when the target has a name of its own.
std::string subject(const TargetSpec& t) {
  if (t.name == t.host) return fmt::format("host '{}'", t.host);
  return fmt::format("host '{}' of target '{}'", t.host, t.name);
}

std::string literal_problem(const TargetSpec& t) {
  const std::string& h = t.host;
  unsigned char buf[16];
  if (h.find_first_not_of("0123456789.") == std::string::npos) {
    if (inet_pton(AF_INET, h.c_str(), buf) != 1)
      return fmt::format("{} is not an IPv4 address (an all-numeric dotted name is never a host name)",
                         subject(t));
    if (t.family == Family::v6)
      return fmt::format("{} is an IPv4 address, but its family is ipv6", subject(t));
    return {};
  }
  auto percent = h.find('%');
  if (h.find(':') == std::string::npos) {
    if (percent != std::string::npos)
      return fmt::format("{}: only an IPv6 address may carry a %zone", subject(t));
    return {};
  }
  std::string address = h.substr(0, percent);
  if (inet_pton(AF_INET6, address.c_str(), buf) != 1) {
    bool port = std::count(h.begin(), h.end(), ':') == 1;
    return fmt::format("{} is not an IPv6 address{}", subject(t), port ? " (ICMP has no ports)" : "");
  }
  if (percent != std::string::npos && percent + 1 == h.size())
    return fmt::format("{} has an empty %zone", subject(t));
  if (t.family == Family::v4)
    return fmt::format("{} is an IPv6 address, but its family is ipv4", subject(t));
  return {};
}

}  // namespace

std::string label_name_problem(std::string_view name) {
  if (name.empty()) return "label names must not be empty";
  auto ok_first = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  auto ok_rest = [&](char c) { return ok_first(c) || (c >= '0' && c <= '9'); };
  if (!ok_first(name[0]) || !std::all_of(name.begin() + 1, name.end(), ok_rest))
    return fmt::format("label name '{}' must match [a-zA-Z_][a-zA-Z0-9_]*", name);
  if (name.starts_with("__")) return fmt::format("label name '{}' is reserved: names starting with '__' are Prometheus's own", name);
  for (std::string_view own : {"dest", "address", "family", "le"})
    if (name == own) return fmt::format("label name '{}' is reserved: netprom sets it itself", name);
  return {};
}

std::string label_value_problem(std::string_view value) {
  if (!valid_utf8(value)) return "label values must be valid UTF-8";
  return {};
}

std::string constant_label_problem(std::string_view text) {
  auto eq = text.find('=');
  if (eq == std::string_view::npos) return fmt::format("must be NAME=VALUE, got '{}'", text);
  std::string_view name = text.substr(0, eq);
  if (auto p = label_name_problem(name); !p.empty()) return p;
  for (std::string_view own : {"device", "collector", "version"})
    if (name == own) return fmt::format("label name '{}' is reserved: netprom sets it itself", name);
  if (auto p = scrape_label_problem(name); !p.empty()) return p;
  if (auto p = label_value_problem(text.substr(eq + 1)); !p.empty()) return fmt::format("label '{}': {}", name, p);
  return {};
}

void add_constant_label(Settings& s, std::string_view text) {
  auto eq = text.find('=');
  std::string name(text.substr(0, eq)), value(text.substr(eq + 1));
  for (auto& [n, v] : s.labels)
    if (n == name) return void(v = std::move(value));
  s.labels.emplace_back(std::move(name), std::move(value));
}

std::string label_clash_problem(const Settings& s) {
  for (const TargetSpec& t : s.targets)
    for (const auto& [name, value] : t.labels)
      for (const auto& [constant, v] : s.labels)
        if (name == constant)
          return fmt::format("{}: target '{}' has its own label '{}', which is also a constant label of the run",
                             t.origin, t.name, name);
  return {};
}

void check_target(const TargetSpec& t) {
  if (t.name.empty()) throw OptionValueError("target name must not be empty");
  if (auto p = label_value_problem(t.name); !p.empty())
    throw OptionValueError(fmt::format("target name is not a valid label value: {}", p));
  if (t.host.empty()) throw OptionValueError(fmt::format("target '{}' has no host", t.name));
  if (t.host.size() > kMaxHost)
    throw OptionValueError(fmt::format("host of target '{}' is longer than {} bytes", t.name, kMaxHost));
  // Host names (letters, digits, '.', '-', '_'; UTF-8 for IDN), IPv4 and IPv6 literals with a
  // "%zone": anything else (an '=' from a mistyped NAME=HOST, a space, a quote) is a typo.
  auto bad = std::find_if(t.host.begin(), t.host.end(), [](char c) {
    auto u = static_cast<unsigned char>(c);
    return !(std::isalnum(u) || u >= 0x80 || c == '.' || c == '-' || c == '_' || c == ':' || c == '%');
  });
  if (bad != t.host.end())
    throw OptionValueError(fmt::format("host '{}' of target '{}' is not a host name or address",
                                       t.host, t.name));
  if (std::string p = literal_problem(t); !p.empty()) throw OptionValueError(p);
  for (const auto& [name, value] : t.labels) {
    if (auto p = label_name_problem(name); !p.empty()) throw OptionValueError(p);
    if (auto p = label_value_problem(value); !p.empty())
      throw OptionValueError(fmt::format("label '{}': {}", name, p));
  }
}

TargetSpec parse_dest(std::string_view text, std::string origin) {
  TargetSpec t;
  t.origin = std::move(origin);
  auto eq = text.find('=');
  if (eq == std::string_view::npos) {
    t.host = t.name = std::string(text);
  } else {
    t.name = std::string(text.substr(0, eq));
    t.host = std::string(text.substr(eq + 1));
    if (t.name.empty()) throw OptionValueError(fmt::format("'{}': the NAME before '=' is empty", text));
  }
  check_target(t);
  return t;
}

std::vector<TargetSpec> parse_targets_file(std::string_view text, std::string_view path) {
  std::vector<TargetSpec> targets;
  // A byte-order mark (Windows editors write one) is not part of the first name.
  if (text.starts_with("\xef\xbb\xbf")) text.remove_prefix(3);
  targets.reserve(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
  std::size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    auto first = line.find_first_not_of(" \t\r");
    if (first == std::string_view::npos) continue;
    auto last = line.find_last_not_of(" \t\r");
    std::string_view dest = line.substr(first, last - first + 1);
    // Kept by every target for messages about it; FMT_COMPILE: 10,000 lines cost 2 M
    // instructions instead of 14 M.
    std::string where = fmt::format(FMT_COMPILE("{}:{}:{}"), path, line_no, first + 1);
    if (dest.find_first_of(" \t") != std::string_view::npos)
      throw ConfigError(fmt::format("{}: one destination a line, got '{}'", where, dest));
    try {
      targets.push_back(parse_dest(dest, where));
    } catch (const OptionValueError& e) {
      throw ConfigError(fmt::format("{}: {}", where, e.what()));
    }
  }
  // Not a quiet switch to the default gateways: a list emptied by mistake is an error.
  if (targets.empty())
    throw ConfigError(fmt::format("{}: no destinations, only blank lines and comments; give one DEST a line", path));
  return targets;
}

void check_destinations(const std::vector<TargetSpec>& targets, Family family,
                        const std::function<bool(const std::string&)>& interface_exists) {
  for (const TargetSpec& t : targets) {
    std::string problem;
    bool v6 = t.host.find(':') != std::string::npos;
    bool literal = v6 || t.host.find_first_not_of("0123456789.") == std::string::npos;
    Family wanted = t.family != Family::any ? t.family : family;
    if (literal && wanted == Family::v4 && v6)
      problem = fmt::format("{} is an IPv6 address, but -4 (ipv4) asks for IPv4 only", subject(t));
    else if (literal && wanted == Family::v6 && !v6)
      problem = fmt::format("{} is an IPv4 address, but -6 (ipv6) asks for IPv6 only", subject(t));
    auto percent = t.host.find('%');
    if (problem.empty() && v6 && percent != std::string::npos) {
      std::string zone = t.host.substr(percent + 1);
      if (zone.find_first_not_of("0123456789") != std::string::npos && !interface_exists(zone))
        problem = fmt::format("{}: no interface '{}' on this host", subject(t), zone);
    }
    if (problem.empty()) continue;
    if (t.origin.starts_with("argument ")) throw UsageError(fmt::format("destination '{}': {}", t.host, problem));
    throw ConfigError(fmt::format("{}: {}", t.origin, problem));
  }
}

Family literal_family(std::string_view host) {
  unsigned char buf[16];
  std::string address(host.substr(0, host.find('%')));
  if (inet_pton(AF_INET, address.c_str(), buf) == 1) return Family::v4;
  if (inet_pton(AF_INET6, address.c_str(), buf) == 1) return Family::v6;
  return Family::any;
}

void check_source_family(const std::vector<TargetSpec>& targets, const std::string& source,
                         bool source_on_command_line) {
  const Family from = literal_family(source);
  auto name = [](Family f) { return f == Family::v4 ? "IPv4" : "IPv6"; };
  for (const TargetSpec& t : targets) {
    const Family literal = literal_family(t.host);
    const Family to = literal != Family::any ? literal : t.family;
    if (to == Family::any || to == from) continue;
    std::string problem = fmt::format("{} is {} {}, but --source {} is {}; ping each family in a run of its own with "
                                      "a source of that family, or leave out --source",
                                      subject(t), literal != Family::any ? "an" : "of family",
                                      literal != Family::any ? fmt::format("{} address", name(to)) : name(to),
                                      source, name(from));
    if (t.origin.starts_with("argument ") || source_on_command_line)
      throw UsageError(fmt::format("destination '{}': {}", t.host, problem));
    throw ConfigError(fmt::format("{}: {}", t.origin, problem));
  }
}

std::string scrape_label_problem(std::string_view name) {
  if (name != "job" && name != "instance") return {};
  return fmt::format("label name '{}' is set by Prometheus when it scrapes (yours would become 'exported_{}'); "
                     "choose another name, e.g. 'site' or 'role'",
                     name, name);
}

std::pair<std::string, const TargetSpec*> duplicate_name_problem(const std::vector<TargetSpec>& targets) {
  std::unordered_map<std::string_view, const TargetSpec*> seen;
  seen.reserve(targets.size());
  for (const TargetSpec& t : targets) {
    auto [it, inserted] = seen.emplace(t.name, &t);
    if (!inserted)
      return {fmt::format("duplicate target name '{}' (first at {}); give each a distinct name", t.name,
                          it->second->origin),
              &t};
  }
  return {};
}

Family ping_family(const ProbeSettings& s) {
  return s.family != Family::any ? s.family : s.source ? literal_family(*s.source) : Family::any;
}

}  // namespace netprom

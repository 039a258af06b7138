// SPDX-License-Identifier: MIT
#include "history.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <charconv>
#include <cmath>
#include <iterator>
#include <type_traits>
#include <unordered_map>

#include <fmt/format.h>

#include "exposition.h"
#include "unique_fd.h"

namespace netprom {
namespace {

// The first line of every state file. A file with another first line is not ours to read.
// Version 2 added the output line: version 1 files were shared by every output of a state dir.
constexpr std::string_view kMagic = "netprom-state 2";

// No total of a run kept for years reaches 2^53 (10^15 requests); a larger one was not written
// by netprom, and sums of them must not wrap.
constexpr std::uint64_t kMaxTotal = std::uint64_t{1} << 53;

// The widest a state line's number can be printed: 20 digits of a u64, 24 of a double, a space.
constexpr std::size_t kMaxNumber = 25;
constexpr std::size_t kMaxBuckets = 64;  // --buckets takes at most 64 bounds

// Splits off the next space-separated word of `line`.
std::string_view next_word(std::string_view& line) {
  auto start = line.find_first_not_of(' ');
  if (start == std::string_view::npos) return line = {}, std::string_view();
  line.remove_prefix(start);
  auto end = line.find(' ');
  std::string_view word = line.substr(0, end);
  line.remove_prefix(end == std::string_view::npos ? line.size() : end);
  return word;
}

template <typename T>
T parse_number(std::string_view word, std::size_t line_no) {
  T value{};
  auto [ptr, ec] = std::from_chars(word.data(), word.data() + word.size(), value);
  if (word.empty() || ec != std::errc() || ptr != word.data() + word.size())
    throw StateError(fmt::format("line {}: '{}' is not a number", line_no, word));
  if constexpr (std::is_same_v<T, std::uint64_t>) {
    if (value > kMaxTotal) throw StateError(fmt::format("line {}: {} is past 2^53, no run counts that far", line_no, word));
  }
  return value;
}

// The dest name is stored quoted with the exposition's escaping, so any byte survives one line.
std::string parse_quoted(std::string_view& line, std::size_t line_no) {
  auto start = line.find_first_not_of(' ');
  if (start == std::string_view::npos || line[start] != '"') throw StateError(fmt::format("line {}: no quoted name", line_no));
  std::string out;
  for (std::size_t i = start + 1; i < line.size(); ++i) {
    char c = line[i];
    if (c == '"') {
      line.remove_prefix(i + 1);
      return out;
    }
    if (c == '\\') {
      if (++i == line.size()) break;
      c = line[i] == 'n' ? '\n' : line[i];
      if (line[i] != 'n' && line[i] != '\\' && line[i] != '"')
        throw StateError(fmt::format("line {}: bad escape in name", line_no));
    }
    out.push_back(c);
  }
  throw StateError(fmt::format("line {}: unterminated name", line_no));
}

}  // namespace

std::string render_history(const History& h) {
  std::string out(kMagic);
  out += "\noutput \"";
  append_escaped_label_value(out, h.output);
  out += "\"\nbuckets";
  for (double b : h.bounds) fmt::format_to(std::back_inserter(out), " {}", b);
  out += '\n';
  for (const DestHistory& d : h.dests) {
    out += "dest \"";
    append_escaped_label_value(out, d.name);
    fmt::format_to(std::back_inserter(out), "\" {} {} {} {} {} {}", d.sent, d.received, d.duplicates, d.send_errors, d.count, d.sum);
    for (std::uint64_t b : d.buckets) fmt::format_to(std::back_inserter(out), " {}", b);
    out += '\n';
  }
  out += "end\n";  // a file cut short (full disk before the rename was impossible, but a copy) is caught
  return out;
}

History parse_history(std::string_view text) {
  History h;
  std::size_t line_no = 0;
  bool have_output = false, have_buckets = false, ended = false;
  while (!text.empty()) {
    auto nl = text.find('\n');
    if (nl == std::string_view::npos) throw StateError(fmt::format("line {}: no final newline", line_no + 1));
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl + 1);
    ++line_no;
    if (ended) throw StateError(fmt::format("line {}: text after 'end'", line_no));
    if (line_no == 1) {
      if (line != kMagic) throw StateError(fmt::format("line 1: not a '{}' state file", kMagic));
      continue;
    }
    std::string_view kind = next_word(line);
    if (kind == "output" && !have_output) {
      have_output = true;
      h.output = parse_quoted(line, line_no);
      if (!next_word(line).empty()) throw StateError(fmt::format("line {}: text after the output", line_no));
    } else if (kind == "buckets" && have_output && !have_buckets) {
      have_buckets = true;
      for (std::string_view w = next_word(line); !w.empty(); w = next_word(line)) {
        double b = parse_number<double>(w, line_no);
        if (!std::isfinite(b) || b <= 0 || (!h.bounds.empty() && b <= h.bounds.back()) || h.bounds.size() == kMaxBuckets)
          throw StateError(fmt::format("line {}: bucket bounds must be positive and increasing", line_no));
        h.bounds.push_back(b);
      }
    } else if (kind == "dest" && have_buckets) {
      DestHistory d;
      d.name = parse_quoted(line, line_no);
      d.sent = parse_number<std::uint64_t>(next_word(line), line_no);
      d.received = parse_number<std::uint64_t>(next_word(line), line_no);
      d.duplicates = parse_number<std::uint64_t>(next_word(line), line_no);
      d.send_errors = parse_number<std::uint64_t>(next_word(line), line_no);
      d.count = parse_number<std::uint64_t>(next_word(line), line_no);
      d.sum = parse_number<double>(next_word(line), line_no);
      bool too_many = false;  // stop at one past the bounds: a line of a million buckets costs nothing
      for (std::string_view w = next_word(line); !w.empty() && !too_many; w = next_word(line)) {
        too_many = d.buckets.size() > h.bounds.size();
        if (!too_many) d.buckets.push_back(parse_number<std::uint64_t>(w, line_no));
      }
      std::uint64_t in_buckets = 0;  // at most 65 values below 2^53: no wrap
      for (std::uint64_t b : d.buckets) in_buckets += b;
      // Every RTT sample is a received reply; the sum of samples below 26 s each stays below
      // count * the largest timeout (3,600 s).
      if (too_many || d.buckets.size() != h.bounds.size() + 1 || in_buckets != d.count ||
          d.received > d.sent || d.count > d.received || !std::isfinite(d.sum) || d.sum < 0 ||
          d.sum > static_cast<double>(d.count) * 3600)
        throw StateError(fmt::format("line {}: inconsistent totals for '{}'", line_no, d.name));
      h.dests.push_back(std::move(d));
    } else if (kind == "end" && line.empty()) {
      ended = true;
    } else {
      throw StateError(fmt::format("line {}: unexpected '{}'", line_no, kind));
    }
  }
  if (!ended) throw StateError("the file is cut short (no 'end' line)");
  return h;
}

History update_history(const History& previous, std::span<const TargetSpec> targets,
                       std::span<const PingResult> results, const std::vector<double>& bounds) {
  std::unordered_map<std::string_view, const DestHistory*> old;
  for (const DestHistory& d : previous.dests) old.emplace(d.name, &d);
  bool same_bounds = previous.bounds == bounds;

  History h;
  h.bounds = bounds;
  h.dests.reserve(targets.size());
  for (std::size_t i = 0; i < targets.size(); ++i) {
    DestHistory d;
    d.name = targets[i].name;
    d.buckets.assign(bounds.size() + 1, 0);
    if (auto it = old.find(d.name); it != old.end()) {
      d.sent = it->second->sent;
      d.received = it->second->received;
      d.duplicates = it->second->duplicates;
      d.send_errors = it->second->send_errors;
      if (same_bounds) {
        d.buckets = it->second->buckets;
        d.count = it->second->count;
        d.sum = it->second->sum;
      }
    }
    const PingResult& r = results[i];
    d.sent += r.sent;
    d.received += r.received;
    d.duplicates += r.duplicates;
    d.send_errors += r.send_errors;
    for (double rtt : r.rtt_seconds) {
      if (std::isnan(rtt)) continue;
      // Prometheus buckets are "less than or equal": the first bound >= rtt.
      auto at = std::lower_bound(bounds.begin(), bounds.end(), rtt) - bounds.begin();
      ++d.buckets[static_cast<std::size_t>(at)];
      ++d.count;
      d.sum += rtt;
    }
    h.dests.push_back(std::move(d));
  }
  return h;
}

std::string history_path(const std::string& state_dir, const std::string& output) {
  std::string name = output == "-" ? "stdout" : output.substr(output.rfind('/') + 1);
  return (state_dir.ends_with('/') ? state_dir : state_dir + "/") + name + ".state";
}

std::size_t history_size_limit(std::span<const TargetSpec> targets) {
  // A state kept in other bounds is read too (its counters go on): count 64 bounds for each.
  std::size_t limit = 64 * 1024 + kMaxBuckets * kMaxNumber;  // magic, output path, buckets line
  for (const TargetSpec& t : targets)
    limit += 16 + 2 * t.name.size() + (5 + kMaxBuckets + 1) * kMaxNumber;
  return limit;
}

History read_history(const std::string& path, std::size_t max_bytes, std::string& warning) {
  auto fresh = [&](std::string_view why) {
    warning = fmt::format("state {} {}; starting fresh", path, why);
    return History{};
  };
  // O_NONBLOCK: opening a FIFO put in its place must not wait for a writer.
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) return {};  // no state yet: the first run, nothing to say
    return fresh(fmt::format("cannot be read: {}", errno == ELOOP ? "it is a symbolic link" : std::strerror(errno)));
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return fresh(fmt::format("cannot be read: {}", std::strerror(errno)));
  if (!S_ISREG(st.st_mode)) return fresh("is not a regular file");
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes)
    return fresh(fmt::format("is {} bytes, more than the {} the configured destinations can need",
                             st.st_size, max_bytes));
  // Read at most one byte past the limit: a file that grows while we read is refused too.
  std::string text(max_bytes + 1, '\0');
  std::size_t used = 0;
  while (used < text.size()) {
    ssize_t n = ::read(fd.get(), text.data() + used, text.size() - used);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fresh(fmt::format("cannot be read: {}", std::strerror(errno)));
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
  }
  if (used > max_bytes) return fresh(fmt::format("grew past {} bytes while read", max_bytes));
  text.resize(used);
  try {
    return parse_history(text);
  } catch (const StateError& e) {
    warning = fmt::format("state {} is unusable: {}; starting fresh", path, e.what());
    return {};
  }
}

}  // namespace netprom

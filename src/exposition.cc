// SPDX-License-Identifier: MIT
#include "exposition.h"

#include <fmt/compile.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>

namespace netprom {
namespace {

// Copies the runs between characters to escape in one piece each: most label values and
// help texts have none, and a push_back per character was 5 % of a 10,000-destination run.
void append_escaped(std::string& out, std::string_view text, bool quote) {
  std::size_t from = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c != '\\' && c != '\n' && (c != '"' || !quote)) continue;
    out.append(text.substr(from, i - from));
    out.append(c == '\\' ? "\\\\" : c == '\n' ? "\\n" : "\\\"");
    from = i + 1;
  }
  out.append(text.substr(from));
}

// memcpy for the short pieces of a sample line (a name, a label set: mostly 10-60 bytes),
// inline: fixed-size moves, the last one overlapping, instead of a call into libc per piece.
[[gnu::always_inline]] inline char* copy_short(char* out, std::string_view text) {
  const char* from = text.data();
  const std::size_t n = text.size();
  if (n >= 16) {
    for (std::size_t i = 0; i + 16 < n; i += 16) std::memcpy(out + i, from + i, 16);
    std::memcpy(out + n - 16, from + n - 16, 16);
  } else if (n >= 8) {
    std::memcpy(out, from, 8);
    std::memcpy(out + n - 8, from + n - 8, 8);
  } else if (n >= 4) {
    std::memcpy(out, from, 4);
    std::memcpy(out + n - 4, from + n - 4, 4);
  } else if (n > 0) {
    out[0] = from[0];
    out[n / 2] = from[n / 2];
    out[n - 1] = from[n - 1];
  }
  return out + n;
}

std::string_view type_word(MetricType type) {
  switch (type) {
    case MetricType::counter: return "counter";
    case MetricType::histogram: return "histogram";
    case MetricType::gauge: break;
  }
  return "gauge";
}

// The length of the valid UTF-8 sequence at the start of `s`, or 0 when it is not one
// (overlong forms, surrogates and code points past U+10FFFF are not UTF-8).
std::size_t utf8_sequence(std::string_view s) {
  const auto c = static_cast<unsigned char>(s[0]);
  const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
  if (n == 0 || n > s.size()) return 0;
  std::uint32_t cp = n == 1 ? c : n == 2 ? (c & 0x1fu) : n == 3 ? (c & 0x0fu) : (c & 0x07u);
  for (std::size_t k = 1; k < n; ++k) {
    const auto cc = static_cast<unsigned char>(s[k]);
    if ((cc >> 6) != 0x2) return 0;
    cp = (cp << 6) | (cc & 0x3fu);
  }
  static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

}  // namespace

std::string utf8_name(std::string_view raw) {
  bool plain = true;
  for (std::size_t i = 0; i < raw.size() && plain;) {
    const std::size_t n = utf8_sequence(raw.substr(i));
    plain = n > 0 && !(raw[i] == '\\' && i + 3 < raw.size() && raw[i + 1] == 'x' && is_hex(raw[i + 2]) &&
                       is_hex(raw[i + 3]));
    i += n;
  }
  if (plain) return std::string(raw);
  std::string out;
  for (std::size_t i = 0; i < raw.size();) {
    const std::size_t n = utf8_sequence(raw.substr(i));
    if (n == 0) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(raw[i]));
      ++i;
      continue;
    }
    if (raw[i] == '\\') out += '\\';
    out.append(raw.substr(i, n));
    i += n;
  }
  return out;
}

LabelSet& LabelSet::add(std::string_view name, std::string_view value) {
  if (!text_.empty()) text_.push_back(',');
  text_.append(name);
  text_.append("=\"");
  append_escaped_label_value(text_, value);
  text_.push_back('"');
  return *this;
}

void append_escaped_label_value(std::string& out, std::string_view value) { append_escaped(out, value, true); }

std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  return fmt::format(FMT_COMPILE("{}"), value);
}

void ExpositionWriter::family(std::string_view name, std::string_view help, MetricType type) {
  pending_header_.assign("# HELP ").append(name).push_back(' ');
  append_escaped(pending_header_, help, false);  // HELP escapes only backslash and newline
  pending_header_.append("\n# TYPE ").append(name).append(" ").append(type_word(type)).push_back('\n');
}

[[gnu::always_inline]] inline char* ExpositionWriter::start_line(std::size_t bytes) {
  // One size check and straight copies into room made once: this runs for every sample
  // (34,000 for 2,000 interfaces), and appends to a std::string (a resize that zero-fills,
  // then copies) cost twice as many instructions.
  bytes += pending_header_.size();
  if (used_ + bytes > buffer_.size()) buffer_.resize(std::max(2 * buffer_.size(), used_ + bytes));
  char* out = buffer_.data() + used_;
  if (!pending_header_.empty()) {
    out = copy_short(out, pending_header_);
    pending_header_.clear();
  }
  return out;
}

[[gnu::always_inline]] inline void ExpositionWriter::end_line(char* end) {
  *end++ = '\n';
  used_ = static_cast<std::size_t>(end - buffer_.data());
  if (sink_ && used_ >= kChunk) {
    sink_(text());
    used_ = 0;
  }
}

void ExpositionWriter::line(std::string_view name, std::string_view labels, std::string_view extra,
                            std::string_view value) {
  const bool braces = !labels.empty() || !extra.empty();
  const bool comma = !labels.empty() && !extra.empty();
  char* out = start_line(name.size() + labels.size() + extra.size() + value.size() + (braces ? 2 : 0) + comma + 2);
  out = copy_short(out, name);
  if (braces) *out++ = '{';
  out = copy_short(out, labels);
  if (comma) *out++ = ',';
  out = copy_short(out, extra);
  if (braces) *out++ = '}';
  *out++ = ' ';
  out = copy_short(out, value);
  end_line(out);
}

void ExpositionWriter::start_samples(std::string_view name, std::string_view extra) {
  head_.assign(name).push_back('{');
  extra_.assign(extra);
  tail_.clear();
  if (!extra.empty()) tail_.append(",").append(extra);
  tail_.append("} ");
}

void ExpositionWriter::next_sample(std::string_view labels, std::uint64_t value) {
  if (labels.empty()) {
    fmt::format_int digits(value);
    return line(std::string_view(head_).substr(0, head_.size() - 1), {}, extra_, {digits.data(), digits.size()});
  }
  constexpr std::size_t kMaxDigits = 20;  // 18446744073709551615
  char* out = start_line(head_.size() + labels.size() + tail_.size() + kMaxDigits + 1);
  out = copy_short(out, head_);
  out = copy_short(out, labels);
  out = copy_short(out, tail_);
  if (value < 10) {
    *out++ = static_cast<char>('0' + value);  // most error and drop counters are 0
  } else {
    out = fmt::format_to(out, FMT_COMPILE("{}"), value);
  }
  end_line(out);
}

void ExpositionWriter::finish() {
  if (sink_ && used_ > 0) {
    sink_(text());
    used_ = 0;
  }
}

void ExpositionWriter::sample(std::string_view name, std::string_view labels, double value, std::string_view extra) {
  if (std::isnan(value) || std::isinf(value)) return line(name, labels, extra, format_value(value));
  // Shortest round-trip: at most 24 characters ("-2.2250738585072014e-308"), so straight
  // into the array. FMT_COMPILE: the "{}" is parsed at compile time, not for each of the
  // 70,000 values of a 10,000-destination run.
  char digits[32];
  line(name, labels, extra, std::string_view(digits, fmt::format_to(digits, FMT_COMPILE("{}"), value)));
}

void ExpositionWriter::sample(std::string_view name, std::string_view labels, std::uint64_t value,
                              std::string_view extra) {
  fmt::format_int digits(value);
  line(name, labels, extra, std::string_view(digits.data(), digits.size()));
}

}  // namespace netprom

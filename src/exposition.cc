// SPDX-License-Identifier: MIT
#include "exposition.h"

#include <fmt/compile.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>

namespace netprom {
namespace {

template <typename Buffer>
void append_escaped(Buffer& out, std::string_view text, bool quote) {
  for (char c : text) {
    switch (c) {
      case '\\': out.append(std::string_view("\\\\")); break;
      case '\n': out.append(std::string_view("\\n")); break;
      case '"':
        if (quote) {
          out.append(std::string_view("\\\""));
          break;
        }
        [[fallthrough]];
      default: out.push_back(c);
    }
  }
}

std::string_view type_word(MetricType type) {
  switch (type) {
    case MetricType::counter: return "counter";
    case MetricType::histogram: return "histogram";
    case MetricType::gauge: break;
  }
  return "gauge";
}

}  // namespace

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

void ExpositionWriter::line(std::string_view name, std::string_view labels, std::string_view extra,
                            std::string_view value) {
  // One size check and straight copies into room made once: this runs for every sample
  // (34,000 for 2,000 interfaces), and appends to a std::string (a resize that zero-fills,
  // then copies) cost twice as many instructions.
  const bool braces = !labels.empty() || !extra.empty();
  const bool comma = !labels.empty() && !extra.empty();
  const std::size_t bytes = pending_header_.size() + name.size() + labels.size() + extra.size() + value.size() +
                            (braces ? 2 : 0) + comma + 2;
  if (used_ + bytes > buffer_.size()) buffer_.resize(std::max(2 * buffer_.size(), used_ + bytes));
  char* out = buffer_.data() + used_;
  auto put = [&out](std::string_view text) {
    if (text.empty()) return;  // an empty view may hold a null pointer, which memcpy must not get
    std::memcpy(out, text.data(), text.size());
    out += text.size();
  };
  if (!pending_header_.empty()) {
    put(pending_header_);
    pending_header_.clear();
  }
  put(name);
  if (braces) *out++ = '{';
  put(labels);
  if (comma) *out++ = ',';
  put(extra);
  if (braces) *out++ = '}';
  *out++ = ' ';
  put(value);
  *out++ = '\n';
  used_ = static_cast<std::size_t>(out - buffer_.data());
  if (sink_ && used_ >= kChunk) {
    sink_(text());
    used_ = 0;
  }
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

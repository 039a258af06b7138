// SPDX-License-Identifier: MIT
#include "exposition.h"

#include <cmath>
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
  return fmt::format("{}", value);
}

void ExpositionWriter::family(std::string_view name, std::string_view help, MetricType type) {
  pending_header_.clear();
  fmt::format_to(std::back_inserter(pending_header_), "# HELP {} ", name);
  append_escaped(pending_header_, help, false);  // HELP escapes only backslash and newline
  fmt::format_to(std::back_inserter(pending_header_), "\n# TYPE {} {}\n", name, type_word(type));
}

void ExpositionWriter::name_and_labels(std::string_view name, std::string_view labels, std::string_view extra) {
  if (!pending_header_.empty()) {
    buffer_.append(pending_header_);
    pending_header_.clear();
  }
  buffer_.append(name);
  if (!labels.empty() || !extra.empty()) {
    buffer_.push_back('{');
    buffer_.append(labels);
    if (!labels.empty() && !extra.empty()) buffer_.push_back(',');
    buffer_.append(extra);
    buffer_.push_back('}');
  }
  buffer_.push_back(' ');
}

void ExpositionWriter::end_line() {
  buffer_.push_back('\n');
  if (sink_ && buffer_.size() >= kChunk) {
    sink_(std::string_view(buffer_.data(), buffer_.size()));
    buffer_.clear();
  }
}

void ExpositionWriter::finish() {
  if (sink_ && buffer_.size() > 0) {
    sink_(std::string_view(buffer_.data(), buffer_.size()));
    buffer_.clear();
  }
}

void ExpositionWriter::sample(std::string_view name, std::string_view labels, double value, std::string_view extra) {
  name_and_labels(name, labels, extra);
  if (std::isnan(value) || std::isinf(value))
    buffer_.append(format_value(value));
  else
    fmt::format_to(std::back_inserter(buffer_), "{}", value);
  end_line();
}

void ExpositionWriter::sample(std::string_view name, std::string_view labels, std::uint64_t value,
                              std::string_view extra) {
  name_and_labels(name, labels, extra);
  fmt::format_int digits(value);
  buffer_.append(std::string_view(digits.data(), digits.size()));
  end_line();
}

}  // namespace netprom

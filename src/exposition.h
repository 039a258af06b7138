// SPDX-License-Identifier: MIT
// Prometheus text exposition format 0.0.4, rendered straight into one buffer.
// Knows nothing of ICMP or netlink: metric names and help texts come from metrics.cc.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace netprom {

/// The TYPE line's word.
enum class MetricType { gauge, counter, histogram };

/// A rendered, escaped label set such as `dest="a\"b",site="x"`, built once per target
/// and reused for every family.
class LabelSet {
 public:
  /// Appends name="value", escaping `\`, `"` and newline in the value. `name` must already be
  /// a valid label name (metrics.cc and config validation guarantee it).
  LabelSet& add(std::string_view name, std::string_view value);
  /// Empties the set, keeping its memory for the next one.
  void clear() { text_.clear(); }
  /// The rendered labels without braces; empty when there are none.
  std::string_view str() const { return text_; }

 private:
  std::string text_;
};

/// Appends families and samples in order. Each family's samples must follow its family()
/// call (the text format wants a family's samples together).
class ExpositionWriter {
 public:
  /// Where finished text goes when the writer streams: called with pieces of about kChunk bytes.
  using Sink = std::function<void(std::string_view)>;
  static constexpr std::size_t kChunk = 64 * 1024;

  /// Keeps all the text in memory, for text().
  ExpositionWriter() = default;
  /// Streams: hands the text to `sink` whenever kChunk bytes are ready, so memory stays flat
  /// however many destinations there are. Call finish() at the end.
  explicit ExpositionWriter(Sink sink) : sink_(std::move(sink)), buffer_(kChunk + 1024, '\0') {}
  /// Hands the rest to the sink (no-op without one).
  void finish();

  /// Starts a new family: its `# HELP` (escaped) and `# TYPE` lines are written with its first
  /// sample, so a family without samples (no RTT when nothing answered) leaves no trace.
  void family(std::string_view name, std::string_view help, MetricType type);
  /// Writes one sample line: name{labels} value. `labels` as from LabelSet::str(); `extra`
  /// is appended after them (for a histogram's `le`), already rendered.
  void sample(std::string_view name, std::string_view labels, double value, std::string_view extra = {});
  /// Same for counters and other integers: printed exactly.
  void sample(std::string_view name, std::string_view labels, std::uint64_t value, std::string_view extra = {});
  /// One sample per label set, in order: `name{labels[i],extra} value_of(i)` with std::uint64_t
  /// values. The same text as sample() for each, but what the lines share is prepared once:
  /// for families with a sample per interface or destination (34,000 lines for 2,000
  /// interfaces), where the per-call work of sample() was most of the rendering time.
  template <typename ValueOf>
  void samples(std::string_view name, std::span<const std::string> labels, ValueOf&& value_of,
               std::string_view extra = {}) {
    start_samples(name, extra);
    for (std::size_t i = 0; i < labels.size(); ++i) next_sample(labels[i], value_of(i));
  }
  /// The text so far (without a sink: all of it); ends in a newline once anything was written.
  std::string_view text() const { return {buffer_.data(), used_}; }

 private:
  /// Writes `name{labels,extra} value\n` (the family's header first, if pending).
  void line(std::string_view name, std::string_view labels, std::string_view extra, std::string_view value);
  void start_samples(std::string_view name, std::string_view extra);
  void next_sample(std::string_view labels, std::uint64_t value);
  /// Makes room for a line of at most `bytes` bytes, writes the family's pending header and
  /// returns where the line goes.
  char* start_line(std::size_t bytes);
  /// Ends the line at `end` with its newline; hands a full chunk to the sink.
  void end_line(char* end);
  Sink sink_;
  std::string buffer_;      ///< the text is its first used_ bytes; its size is the room made so far
  std::size_t used_ = 0;
  std::string pending_header_;  ///< HELP and TYPE of the current family until its first sample
  std::string head_;            ///< `name{` for samples()
  std::string extra_;           ///< samples()' extra label, already rendered
  std::string tail_;            ///< `,extra} ` (or `} `) for samples()
};

/// Formats a double as the text format wants: shortest round-trip, locale-free,
/// `NaN`, `+Inf`, `-Inf`.
std::string format_value(double value);

/// An interface name (any bytes the kernel accepts) as a valid UTF-8 label value that still
/// tells every device apart: a name that is valid UTF-8 and holds no `\xHH` text is kept as it
/// is; any other has its backslashes doubled and each byte that is not part of valid UTF-8
/// written as `\xHH` text (byte 0xff gives `\xff`, a name spelled `\xff` gives `\\xff`).
/// Prometheus and node_exporter reject label values that are not UTF-8. Pure.
std::string utf8_name(std::string_view raw);

/// Appends `value` escaped for a label value (`\` -> `\\`, `"` -> `\"`, newline -> `\n`).
void append_escaped_label_value(std::string& out, std::string_view value);

}  // namespace netprom

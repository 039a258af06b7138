// SPDX-License-Identifier: MIT
#include "file_sd_groups.h"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <set>
#include <string>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include "errors.h"

namespace netprom {
namespace {

constexpr std::string_view kGroupShape = R"(each target group is {"targets": [...], "labels": {...}})";

[[noreturn]] void fail(std::string_view where, std::string_view what) {
  throw ConfigError(fmt::format("{}: {}", where, what));
}

// Line and column (1-based, in bytes) of offsets into the text. Offsets mostly grow while a file
// is read, so each lookup continues from the previous one instead of counting from the start.
class LineCounter {
 public:
  explicit LineCounter(std::string_view text) : text_(text) {}

  std::string where(std::string_view path, std::size_t offset) {
    offset = std::min(offset, text_.size());
    if (offset < scanned_) line_ = 1, line_start_ = 0, scanned_ = 0;
    for (; scanned_ < offset; ++scanned_)
      if (text_[scanned_] == '\n') ++line_, line_start_ = scanned_ + 1;
    return fmt::format("{}:{}:{}", path, line_, offset - line_start_ + 1);
  }

 private:
  std::string_view text_;
  std::size_t scanned_ = 0;
  std::size_t line_ = 1;
  std::size_t line_start_ = 0;
};

// A char iterator that records how far nlohmann's lexer has read, so that the SAX events (which
// carry no position) can be placed in the file: see JsonReader::token_start().
class TrackingIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  TrackingIterator(const char* p, const char** read_end) : p_(p), read_end_(read_end) {}
  reference operator*() const { return *p_; }
  TrackingIterator& operator++() {
    *read_end_ = ++p_;
    return *this;
  }
  TrackingIterator operator++(int) {
    TrackingIterator before = *this;
    ++*this;
    return before;
  }
  bool operator==(const TrackingIterator& other) const { return p_ == other.p_; }

 private:
  const char* p_;
  const char** read_end_;
};

// A SAX handler for nlohmann-json (the method set of nlohmann::json_sax) that accepts exactly the
// file_sd shape and throws ConfigError at the first token that does not fit. SAX rather than a
// DOM: it gives positions, sees repeated keys (which a json object silently merges), and stops
// at the first wrongly nested value instead of building it.
class JsonReader {
 public:
  using json = nlohmann::json;

  JsonReader(std::string_view text, std::string_view path) : text_(text), path_(path), lines_(text) {}

  std::vector<RawGroup> read() {
    read_end_ = text_.data();
    json::sax_parse(TrackingIterator(text_.data(), &read_end_),
                    TrackingIterator(text_.data() + text_.size(), &read_end_), this);
    return std::move(groups_);
  }

  bool null() {
    if (state_ == State::targets_value || state_ == State::labels_value) {
      state_ = State::group;  // "targets": null is no targets, as in Prometheus
      return true;
    }
    return other("null");
  }
  bool boolean(bool) { return other("a boolean"); }
  bool number_integer(json::number_integer_t) { return other("a number"); }
  bool number_unsigned(json::number_unsigned_t) { return other("a number"); }
  bool number_float(json::number_float_t, const std::string&) { return other("a number"); }
  bool binary(json::binary_t&) { return other("binary data"); }

  bool string(std::string& value) {
    if (state_ == State::targets) {
      groups_.back().targets.push_back({std::move(value), here(string_start())});
    } else if (state_ == State::label_value) {
      groups_.back().labels.back().value = std::move(value);
      state_ = State::labels;
    } else {
      return other("a string");
    }
    return true;
  }

  bool start_object(std::size_t) {
    if (state_ == State::groups) {
      groups_.emplace_back();
      group_keys_.clear();
      state_ = State::group;
    } else if (state_ == State::labels_value) {
      label_keys_.clear();
      state_ = State::labels;
    } else {
      return other("an object");
    }
    return true;
  }

  bool key(std::string& name) {
    std::string where = here(string_start());
    std::set<std::string>& keys = state_ == State::labels ? label_keys_ : group_keys_;
    if (!keys.insert(name).second)
      fail(where, fmt::format("{} '{}' is repeated", state_ == State::labels ? "label" : "key", name));
    if (state_ == State::labels) {
      groups_.back().labels.push_back({std::move(name), {}, std::move(where)});
      state_ = State::label_value;
    } else if (name == "targets") {
      state_ = State::targets_value;
    } else if (name == "labels") {
      state_ = State::labels_value;
    } else {
      fail(where, fmt::format("unknown key '{}' in a target group; {}", name, kGroupShape));
    }
    return true;
  }

  bool end_object() {
    if (state_ == State::labels) {
      state_ = State::group;
    } else {
      state_ = State::groups;
    }
    return true;
  }

  bool start_array(std::size_t) {
    if (state_ == State::top) {
      state_ = State::groups;
    } else if (state_ == State::targets_value) {
      state_ = State::targets;
    } else {
      return other("a list");
    }
    return true;
  }

  bool end_array() {
    state_ = state_ == State::targets ? State::group : State::done;
    return true;
  }

  bool parse_error(std::size_t byte, const std::string&, const nlohmann::detail::exception& e) {
    // what() is "[json.exception.parse_error.101] parse error at line 1, column 5: <reason>";
    // the position is ours (from the byte count) and the reason is the library's.
    std::string_view message = e.what();
    if (auto p = message.find("parse error"); p != std::string_view::npos)
      if (auto colon = message.find(": ", p); colon != std::string_view::npos) message.remove_prefix(colon + 2);
    fail(here(byte == 0 ? 0 : byte - 1), message);
  }

 private:
  enum class State { top, groups, group, targets_value, targets, labels_value, labels, label_value, done };

  std::string here(std::size_t offset) { return lines_.where(path_, offset); }
  std::size_t consumed() const { return static_cast<std::size_t>(read_end_ - text_.data()); }

  // The offset of the opening quote of the string token the lexer has just read: it stopped at
  // the closing quote, and the opening one is the nearest quote before it that is not escaped
  // (not preceded by an odd number of backslashes).
  std::size_t string_start() const {
    std::size_t i = consumed() - 1;
    while (i-- > 0) {
      if (text_[i] != '"') continue;
      std::size_t backslashes = 0;
      while (backslashes < i && text_[i - 1 - backslashes] == '\\') ++backslashes;
      if (backslashes % 2 == 0) return i;
    }
    return 0;
  }

  // The offset of the number or literal token just read. The lexer reads one character past a
  // number to see where it ends, so skip that one first.
  std::size_t scalar_start() const {
    auto in_token = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '+' || c == '-'; };
    std::size_t i = consumed();
    if (i > 0 && !in_token(text_[i - 1])) --i;
    while (i > 0 && in_token(text_[i - 1])) --i;
    return i;
  }

  // A value that does not fit where it stands; the message says what was expected there.
  bool other(std::string_view got) {
    std::size_t at = got == "a string"                          ? string_start()
                     : got == "a list" || got == "an object" ? consumed() - 1
                                                             : scalar_start();
    std::string where = here(at);
    switch (state_) {
      case State::top:
        fail(where, fmt::format("the file must be a list of target groups, got {}; {}", got, kGroupShape));
      case State::groups:
        fail(where, fmt::format("a target group must be an object, got {}; {}", got, kGroupShape));
      case State::targets_value:
        fail(where, fmt::format("'targets' must be a list of strings, got {}", got));
      case State::targets:
        fail(where, fmt::format("each target must be a string, got {}; {}", got, kTargetForms));
      case State::labels_value:
        fail(where, fmt::format("'labels' must be an object of label names to string values, got {}", got));
      case State::label_value:
        fail(where, fmt::format("label '{}' must have a string value, got {}", groups_.back().labels.back().name, got));
      case State::group:
      case State::labels:
      case State::done:
        break;
    }
    fail(where, fmt::format("unexpected {}", got));  // the parser itself rejects these
  }

  std::string_view text_;
  std::string_view path_;
  LineCounter lines_;
  const char* read_end_ = nullptr;
  State state_ = State::top;
  std::set<std::string> group_keys_;  // keys seen in the current group
  std::set<std::string> label_keys_;  // and in its labels
  std::vector<RawGroup> groups_;
};

std::string yaml_where(std::string_view path, const YAML::Mark& mark) {
  if (mark.is_null()) return std::string(path);
  return fmt::format("{}:{}:{}", path, mark.line + 1, mark.column + 1);
}

// The YAML form, walked over yaml-cpp's nodes. Any scalar is a string here (Prometheus's YAML
// decoder also turns `port: 80` into the label value "80"); null and nested values are errors.
std::vector<RawGroup> read_yaml(std::string_view text, std::string_view path) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::DeepRecursion& e) {  // yaml-cpp's own guard; its message is "bad file"
    fail(yaml_where(path, e.mark), "values are nested too deeply for the YAML parser");
  } catch (const YAML::Exception& e) {
    fail(yaml_where(path, e.mark), e.msg);
  }
  std::vector<RawGroup> groups;
  if (root.IsNull()) return groups;
  auto where = [&](const YAML::Node& node) { return yaml_where(path, node.Mark()); };
  if (!root.IsSequence()) fail(where(root), fmt::format("the file must be a list of target groups; {}", kGroupShape));
  for (const YAML::Node& node : root) {
    if (!node.IsMap()) fail(where(node), fmt::format("a target group must be a mapping; {}", kGroupShape));
    RawGroup& group = groups.emplace_back();
    std::set<std::string> keys;
    for (const auto& entry : node) {  // a map's entries are (key, value) pairs
      const YAML::Node& key = entry.first;
      const YAML::Node& value = entry.second;
      if (!key.IsScalar()) fail(where(key), fmt::format("a key must be a string; {}", kGroupShape));
      const std::string& name = key.Scalar();
      if (!keys.insert(name).second) fail(where(key), fmt::format("key '{}' is repeated", name));
      if (name != "targets" && name != "labels")
        fail(where(key), fmt::format("unknown key '{}' in a target group; {}", name, kGroupShape));
      if (value.IsNull()) continue;
      if (name == "targets") {
        if (!value.IsSequence()) fail(where(value), "'targets' must be a list of strings");
        for (const YAML::Node& target : value) {
          if (target.IsNull()) fail(where(target), fmt::format("empty target; {}", kTargetForms));
          if (!target.IsScalar()) fail(where(target), fmt::format("each target must be a string; {}", kTargetForms));
          group.targets.push_back({target.Scalar(), where(target)});
        }
      } else {
        if (!value.IsMap()) fail(where(value), "'labels' must be a mapping of label names to string values");
        std::set<std::string> label_names;
        for (const auto& label_entry : value) {
          const YAML::Node& label = label_entry.first;
          const YAML::Node& label_value = label_entry.second;
          if (!label.IsScalar()) fail(where(label), "a label name must be a string");
          if (!label_names.insert(label.Scalar()).second)
            fail(where(label), fmt::format("label '{}' is repeated", label.Scalar()));
          if (!label_value.IsScalar())  // a null value's mark is past it, so point at the name then
            fail(where(label_value.IsNull() ? label : label_value),
                 fmt::format("label '{}' must have a string value", label.Scalar()));
          group.labels.push_back({label.Scalar(), label_value.Scalar(), where(label)});
        }
      }
    }
  }
  return groups;
}

}  // namespace

std::vector<RawGroup> parse_file_sd_groups(std::string_view text, std::string_view path) {
  if (path.ends_with(".json")) return JsonReader(text, path).read();
  if (path.ends_with(".yml") || path.ends_with(".yaml")) return read_yaml(text, path);
  fail(path, "cannot tell the file_sd format: the file name must end in .json, .yml or .yaml");
}

}  // namespace netprom

// SPDX-License-Identifier: MIT
#include "config.h"

#include <algorithm>
#include <cctype>

#include <toml++/toml.h>
#include <fmt/format.h>

#include "errors.h"
#include "resolve.h"  // parse_address_literal
#include "targets.h"

namespace netprom {
namespace {

std::string where(std::string_view path, const toml::source_region& src) {
  return fmt::format("{}:{}:{}", path, src.begin.line, src.begin.column);
}

[[noreturn]] void fail(std::string_view path, const toml::node& node, std::string_view what) {
  throw ConfigError(fmt::format("{}: {}", where(path, node.source()), what));
}

std::string unknown_key_message(std::string_view key, const std::vector<std::string>& known,
                                std::string_view context) {
  std::string guess = closest_key(key, known);
  if (!guess.empty()) return fmt::format("unknown key '{}'{}, did you mean '{}'?", key, context, guess);
  return fmt::format("unknown key '{}'{}", key, context);
}

// A TOML integer or float as a double. node.value<double>() gives nullopt for an integer beyond
// 2^53 (not exactly representable), so round it here instead: the range check then rejects it
// with its value, where dereferencing the empty optional read garbage.
std::optional<double> as_double(const toml::node& node) {
  if (auto i = node.value_exact<std::int64_t>()) return static_cast<double>(*i);
  return node.value_exact<double>();
}

// Converts a TOML node to the value kind a setting wants; type errors name the wanted type.
OptionValue to_value(const OptionDef& def, const toml::node& node, std::string_view path) {
  std::string key = config_key(def);
  switch (def.kind) {
    case ValueKind::flag:
      if (auto b = node.value_exact<bool>()) return *b;
      fail(path, node, fmt::format("{} must be true or false", key));
    case ValueKind::integer:
      if (auto i = node.value_exact<std::int64_t>()) return *i;
      fail(path, node, fmt::format("{} must be a whole number", key));
    case ValueKind::seconds:
    case ValueKind::number:
      if (auto x = as_double(node)) return *x;
      fail(path, node, fmt::format("{} must be a number", key));
    case ValueKind::list: {
      const toml::array* arr = node.as_array();
      if (!arr) fail(path, node, fmt::format("{} must be an array of numbers, e.g. [0.001, 0.01, 0.1]", key));
      std::vector<double> list;
      for (const toml::node& item : *arr) {
        std::optional<double> x = as_double(item);
        if (!x) fail(path, item, fmt::format("{} must hold numbers only", key));
        list.push_back(*x);
      }
      return list;
    }
    default:
      if (auto s = node.value_exact<std::string>()) return *s;
      fail(path, node, fmt::format("{} must be a string", key));
  }
}

Family parse_family(const toml::node& node, std::string_view path) {
  auto s = node.value_exact<std::string>();
  if (s == "ipv4") return Family::v4;
  if (s == "ipv6") return Family::v6;
  if (s == "any") return Family::any;
  fail(path, node, "family must be \"ipv4\", \"ipv6\" or \"any\"");
}

TargetSpec parse_target(const toml::node& node, std::string_view path) {
  const toml::table* table = node.as_table();
  if (!table) fail(path, node, "target must be a table: use [[target]] with name and host");
  static const std::vector<std::string> kKeys = [] {
    std::vector<std::string> keys = {"name", "host", "family", "labels"};
    for (const OptionDef& def : option_table())
      if (def.apply_probe) keys.push_back(config_key(def));
    return keys;
  }();
  TargetSpec t;
  t.origin = where(path, node.source());
  const toml::node* name_node = nullptr;
  for (const auto& [k, v] : *table) {
    std::string_view key = k.str();
    if (key == "name" || key == "host") {
      auto s = v.value_exact<std::string>();
      if (!s) fail(path, v, fmt::format("target {} must be a string", key));
      (key == "name" ? t.name : t.host) = *s;
      if (key == "name") name_node = &v;
    } else if (key == "family") {
      t.family = parse_family(v, path);
    } else if (key == "labels") {
      const toml::table* labels = v.as_table();
      if (!labels) fail(path, v, "target labels must be a table, e.g. labels = { site = \"home\" }");
      for (const auto& [lk, lv] : *labels) {
        auto value = lv.value_exact<std::string>();
        if (!value) fail(path, lv, fmt::format("label '{}' must be a string", lk.str()));
        if (auto p = label_name_problem(lk.str()); !p.empty()) fail(path, lv, p);
        if (auto p = scrape_label_problem(lk.str()); !p.empty()) fail(path, lv, p);
        t.labels.emplace_back(std::string(lk.str()), *value);
      }
    } else if (const OptionDef* def = find_option(key); def && def->apply_probe) {
      OptionValue value = to_value(*def, v, path);
      try {
        check_option_value(*def, value);
      } catch (const OptionValueError& e) {
        fail(path, v, fmt::format("{} {}", config_key(*def), e.what()));
      }
      t.overrides.emplace_back(def, std::move(value));
    } else {
      throw ConfigError(fmt::format("{}: {}", where(path, k.source()), unknown_key_message(key, kKeys, " in [[target]]")));
    }
  }
  if (t.host.empty()) fail(path, node, "target has no host; add host = \"...\"");
  if (!name_node) t.name = t.host;
  try {
    check_target(t);
  } catch (const OptionValueError& e) {
    fail(path, name_node ? *name_node : node, e.what());
  }
  return t;
}

// toml++ parses nested arrays, inline tables and dotted keys by recursion: 150,000 levels of
// one dotted key (300 KB) overflow the stack. Bound the input before it gets there.
constexpr std::size_t kMaxConfigBytes = 4 * 1024 * 1024;  // 10,000 [[target]]s take about 1 MB
constexpr std::size_t kMaxNesting = 64;                   // netprom's own keys nest 3 deep

// Why `text` is too large or too deep for toml++, or empty. A cheap scan that knows TOML's
// strings and comments (where brackets and dots are text): it counts the dots of each key
// (dotted keys and [table.headers]) and the depth of arrays and inline tables. Pure.
std::string limit_problem(std::string_view text) {
  if (text.size() > kMaxConfigBytes)
    return fmt::format("the file is {} bytes, more than the {} a config can need", text.size(), kMaxConfigBytes);
  std::string stack;       // open '[' and '{' of values
  bool in_key = true;      // before the '=' of a line, in an inline table or a [header]
  bool header = false;     // a [table] or [[array]] header line
  std::size_t dots = 0, line = 1;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"' || c == '\'') {  // skip a string; triple quotes span lines
      const bool triple = text.substr(i, 3) == std::string_view(c == '"' ? "\"\"\"" : "'''");
      std::size_t j = i + (triple ? 3 : 1);
      for (; j < text.size(); ++j) {
        if (text[j] == '\n') ++line;
        if (c == '"' && text[j] == '\\') {
          ++j;
          continue;
        }
        if (text[j] == c && (!triple || text.substr(j, 3) == text.substr(i, 3))) break;
        if (!triple && text[j] == '\n') break;
      }
      i = triple ? j + 2 : j;
      continue;
    }
    if (c == '#') {
      while (i + 1 < text.size() && text[i + 1] != '\n') ++i;
      continue;
    }
    if (c == '\n') {
      ++line;
      if (stack.empty()) in_key = true, header = false, dots = 0;
      continue;
    }
    if (in_key && c == '.' && ++dots > kMaxNesting)
      return fmt::format("line {}: a key with more than {} dotted parts", line, kMaxNesting);
    if (c == '[' && stack.empty() && in_key && !header && dots == 0) {
      header = true;  // [table] or [[array]]: its name is a key
      continue;
    }
    if (header) continue;
    if (c == '=') in_key = false, dots = 0;
    if (c == '[' || c == '{') {
      stack.push_back(c);
      if (stack.size() > kMaxNesting)
        return fmt::format("line {}: arrays or inline tables nested more than {} deep", line, kMaxNesting);
      if (c == '{') in_key = true, dots = 0;
    } else if ((c == ']' || c == '}') && !stack.empty()) {
      stack.pop_back();
      in_key = false;  // back in a value
    } else if (c == ',' && !stack.empty() && stack.back() == '{') {
      in_key = true, dots = 0;
    }
  }
  return {};
}

}  // namespace

ConfigFile parse_config(std::string_view text, std::string_view path) {
  if (std::string problem = limit_problem(text); !problem.empty())
    throw ConfigError(fmt::format("{}: {}", path, problem));
  toml::table root;
  try {
    root = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    throw ConfigError(fmt::format("{}: {}", where(path, e.source()), e.description()));
  }
  std::vector<std::string> known{"target", "labels"};
  for (const OptionDef& def : option_table()) known.push_back(config_key(def));

  ConfigFile config;
  config.path = std::string(path);
  for (const auto& [k, v] : root) {
    std::string_view key = k.str();
    if (key == "target") {
      const toml::array* arr = v.as_array();
      if (!arr) fail(path, v, "target must be an array of tables: write [[target]]");
      for (const toml::node& item : *arr) config.targets.push_back(parse_target(item, path));
      continue;
    }
    if (key == "labels") {  // constant labels of every series: assignments of --label
      const toml::table* labels = v.as_table();
      if (!labels) fail(path, v, "labels must be a table, e.g. labels = { site = \"home\" }");
      for (const auto& [lk, lv] : *labels) {
        auto value = lv.value_exact<std::string>();
        if (!value) fail(path, lv, fmt::format("label '{}' must be a string", lk.str()));
        std::string label = fmt::format("{}={}", lk.str(), *value);
        if (auto p = constant_label_problem(label); !p.empty()) fail(path, lv, p);
        config.assignments.emplace_back(find_option("label"), std::move(label));
      }
      continue;
    }
    const OptionDef* def = find_option(key);
    if (!def) throw ConfigError(fmt::format("{}: {}", where(path, k.source()), unknown_key_message(key, known, "")));
    if (def->kind == ValueKind::paths) {  // file_sd = ["a.yml", "b.json"]: one assignment each
      const toml::array* arr = v.as_array();
      if (!arr) fail(path, v, fmt::format("{} must be an array of file names, e.g. [\"targets.yml\"]", key));
      for (const toml::node& item : *arr) {
        auto file = item.value_exact<std::string>();
        if (!file || file->empty()) fail(path, item, fmt::format("{} must hold file names (strings)", key));
        config.assignments.emplace_back(def, std::move(*file));
      }
      config.origins[config_key(*def)] = where(path, v.source());
      continue;
    }
    OptionValue value = to_value(*def, v, path);
    try {
      check_option_value(*def, value);
    } catch (const OptionValueError& e) {
      fail(path, v, fmt::format("{} {}", config_key(*def), e.what()));
    }
    config.origins[config_key(*def)] = where(path, v.source());
    config.assignments.emplace_back(def, std::move(value));
  }
  bool v4 = false, v6 = false;
  for (const auto& [def, value] : config.assignments) {
    if (def->name == "ipv4") v4 = std::get<bool>(value);
    if (def->name == "ipv6") v6 = std::get<bool>(value);
  }
  if (v4 && v6) fail(path, *root.get("ipv6"), "ipv4 and ipv6 exclude each other; set one");
  if (auto [problem, target] = duplicate_name_problem(config.targets); target)
    throw ConfigError(fmt::format("{}: {}", target->origin, problem));
  return config;
}

Settings merge_settings(const ConfigFile& config, const CommandLine& cl,
                        std::optional<std::vector<TargetSpec>> file_targets) {
  Settings s;
  for (const auto& [def, value] : config.assignments) apply_option(*def, s, value);
  // A relative file named in a config file is beside the config file, wherever netprom runs.
  auto beside_config = [&config](std::string& file) {
    auto slash = config.path.rfind('/');
    if (file != "-" && !file.starts_with('/') && slash != std::string::npos)
      file = config.path.substr(0, slash + 1) + file;
  };
  if (s.targets_file) beside_config(*s.targets_file);
  if (s.mesh) beside_config(*s.mesh);
  for (std::string& file : s.file_sd) beside_config(file);
  // --file-sd on the command line replaces the config's list, as any setting does.
  if (std::any_of(cl.assignments.begin(), cl.assignments.end(),
                  [](const auto& a) { return a.first->name == "file-sd"; }))
    s.file_sd.clear();
  for (const auto& [def, value] : cl.assignments) apply_option(*def, s, value);

  if (!cl.dests.empty() || file_targets) {
    std::size_t from_file = file_targets ? file_targets->size() : 0;
    if (file_targets) s.targets = std::move(*file_targets);
    for (std::size_t i = 0; i < cl.dests.size(); ++i) {
      try {
        s.targets.push_back(parse_dest(cl.dests[i], fmt::format("argument {}", i + 1)));
      } catch (const OptionValueError& e) {
        throw UsageError(fmt::format("destination '{}': {}", cl.dests[i], e.what()));
      }
    }
    if (auto [problem, target] = duplicate_name_problem(s.targets); target) {
      std::string message = fmt::format("{}: {}", target->origin, problem);
      if (target < s.targets.data() + from_file) throw ConfigError(message);  // both in the file
      throw UsageError(message);
    }
  } else {
    s.targets = config.targets;
  }
  if (std::string problem = label_clash_problem(s); !problem.empty()) throw ConfigError(problem);
  return s;
}

void set_probe_settings(Settings& run, const CommandLine& cl) {
  auto on_command_line = [&cl](const OptionDef* def) {
    return std::any_of(cl.assignments.begin(), cl.assignments.end(), [def](const auto& a) { return a.first == def; });
  };
  for (TargetSpec& t : run.targets) {
    t.probe = run;
    for (const auto& [def, value] : t.overrides)
      if (!on_command_line(def)) def->apply_probe(t.probe, value);
    if (t.family != Family::any) t.probe.family = t.family;
    t.probe.family = ping_family(t.probe);  // names resolve to the source address's family
    t.address = parse_address_literal(t.host);
  }
}

std::string setting_origin(const ConfigFile& config, const CommandLine& cl, std::string_view key) {
  const OptionDef* def = find_option(key);
  if (!def) return {};
  for (const auto& assignment : cl.assignments)
    if (assignment.first == def) return "command line";
  auto it = config.origins.find(config_key(*def));
  return it == config.origins.end() ? std::string() : it->second;
}

std::string render_setting_origins(const ConfigFile& config, const CommandLine& cl) {
  std::string out = "settings:\n";
  for (const OptionDef& def : option_table())
    if (std::string origin = setting_origin(config, cl, def.name); !origin.empty())
      out += fmt::format("  --{}: {}\n", def.name, origin);
  return out + "  every other setting: default\n";
}

namespace {

// Throws check_settings()'s `message` as the error of whoever decided it. The reason names the
// settings of the rule as options ("--deadline ... --count"). When the command line set none
// of them, the config file decided: point at the first one it set. A target's own plan
// (`target_plan`, the message names the target's origin) is its [[target]]'s doing unless
// --deadline came from the command line.
[[noreturn]] void throw_placed(std::string message, bool target_plan, const ConfigFile& config,
                               const CommandLine& cl) {
  std::string blame;
  for (auto pos = message.find("--"); pos != std::string::npos; pos = message.find("--", pos + 2)) {
    auto end = message.find_first_not_of("abcdefghijklmnopqrstuvwxyz-", pos + 2);
    std::string origin = setting_origin(config, cl, message.substr(pos + 2, end - pos - 2));
    if (origin == "command line") throw UsageError(message);
    if (blame.empty()) blame = origin;
  }
  if (blame.empty() && !target_plan) throw UsageError(message);
  // In the config's spelling: "--state-dir" -> "state_dir".
  for (auto pos = message.find("--"); pos != std::string::npos; pos = message.find("--", pos)) {
    message.erase(pos, 2);
    for (auto i = pos; i < message.size() && (std::islower(static_cast<unsigned char>(message[i])) ||
                                              message[i] == '-'); ++i)
      if (message[i] == '-') message[i] = '_';
  }
  throw ConfigError(target_plan ? message : fmt::format("{}: {}", blame, message));
}

}  // namespace

void check_merged_settings(const Settings& settings, const ConfigFile& config, const CommandLine& cl) {
  try {
    check_settings(settings);
  } catch (const TargetPlanError& e) {
    throw_placed(e.what(), true, config, cl);
  } catch (const OptionValueError& e) {
    throw_placed(e.what(), false, config, cl);
  }
}

}  // namespace netprom

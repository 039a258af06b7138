// SPDX-License-Identifier: MIT
#include "cli.h"

#include <algorithm>

// cxxopts parses argv with std::regex unless told not to: compiling those patterns was a third
// of a --no-ping run's instructions. Its hand-written parser accepts the same syntax.
#define CXXOPTS_NO_REGEX 1
#include <cxxopts.hpp>
#include <fmt/format.h>

#include "errors.h"

namespace netprom {
namespace {

/// One command-line spelling: a setting of the option table or one of the command-line-only
/// options below.
struct Spelling {
  std::string_view name;
  std::string_view short_name;
  bool takes_value;
};

// The options that are not settings: they have no config key.
constexpr Spelling kCommandLineOnly[] = {
    {"config", "", true}, {"check", "", false}, {"help", "h", false}, {"version", "V", false}};

// Flags are present or not, unless they have spellings of their own (-M do|dont).
bool takes_value(const OptionDef& def) { return def.kind != ValueKind::flag || !def.choices.empty(); }

std::vector<Spelling> all_spellings() {
  std::vector<Spelling> all(std::begin(kCommandLineOnly), std::end(kCommandLineOnly));
  for (const OptionDef& def : option_table()) all.push_back({def.name, def.short_name, takes_value(def)});
  return all;
}

cxxopts::Options make_options() {
  cxxopts::Options options("netprom",
                           "Ping destinations, read interface counters, write one Prometheus text file.\n"
                           "DEST is HOST or NAME=HOST (NAME becomes the dest label). With no DEST,\n"
                           "--targets-file, --file-sd, --mesh or [[target]] in the config, the default\n"
                           "gateways are pinged.\n");
  options.custom_help("[OPTIONS]").positional_help("[DEST ...]");
  options.set_width(80);
  auto add = options.add_options();
  add("config", "TOML config file (default: /etc/netprom.toml when it exists)", cxxopts::value<std::string>(),
      "FILE");
  for (const OptionDef& def : option_table()) {
    std::string spec = def.short_name.empty() ? std::string(def.name) : fmt::format("{},{}", def.short_name, def.name);
    std::string help(def.help);
    if (!def.default_text.empty()) help += fmt::format(" (default: {})", def.default_text);
    if (!takes_value(def))
      add(spec, help);
    else
      add(spec, help, cxxopts::value<std::string>(), std::string(def.arg));
  }
  add("check", "validate, print the plan and what this host says of it; exit as a run would");
  add("h,help", "print this help and exit");
  add("V,version", "print the version and exit");
  add("dests", "destinations", cxxopts::value<std::vector<std::string>>());
  options.parse_positional({"dests"});
  return options;
}

std::string unknown_long_option(std::string_view name, const std::vector<Spelling>& all) {
  std::vector<std::string> names;
  for (const Spelling& s : all) names.emplace_back(s.name);
  std::string guess = closest_key(name, names);
  if (guess.empty()) return fmt::format("unknown option '--{}'", name);
  return fmt::format("unknown option '--{}', did you mean '--{}'?", name, guess);
}

}  // namespace

std::vector<std::string> normalize_arguments(int argc, const char* const* argv) {
  const std::vector<Spelling> all = all_spellings();
  std::vector<std::string> out;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--") {  // everything after it is a destination
      for (; i < argc; ++i) out.emplace_back(argv[i]);
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      out.emplace_back(arg);
      continue;
    }
    // Takes the value of `s`: the rest of this word when there is one, else the next word.
    auto with_value = [&](const Spelling& s, std::string_view spelled, std::optional<std::string_view> attached) {
      if (!attached) {
        if (i + 1 >= argc) throw UsageError(fmt::format("{} needs a value", spelled));
        attached = argv[++i];
      }
      out.push_back(fmt::format("--{}={}", s.name, *attached));
    };
    if (arg.starts_with("--")) {
      std::string_view body = arg.substr(2);
      auto eq = body.find('=');
      std::string_view name = body.substr(0, eq);
      auto s = std::find_if(all.begin(), all.end(), [&](const Spelling& x) { return x.name == name; });
      if (s == all.end()) throw UsageError(unknown_long_option(name, all));
      std::string spelled = fmt::format("--{}", name);
      if (!s->takes_value) {
        if (eq != std::string_view::npos) throw UsageError(fmt::format("{} takes no value", spelled));
        out.push_back(spelled);
      } else {
        with_value(*s, spelled, eq == std::string_view::npos ? std::nullopt
                                                             : std::optional<std::string_view>(body.substr(eq + 1)));
      }
      continue;
    }
    // A group of short options, as in ping: flags first, then at most one option that takes
    // the rest of the word ("-4c3", "-i0.2", "-f/tmp/list") or the next word ("-i 0.2").
    for (std::size_t j = 1; j < arg.size(); ++j) {
      std::string_view letter = arg.substr(j, 1);
      auto s = std::find_if(all.begin(), all.end(), [&](const Spelling& x) { return x.short_name == letter; });
      if (s == all.end()) throw UsageError(fmt::format("unknown option '-{}'", letter));
      if (!s->takes_value) {
        out.push_back(fmt::format("--{}", s->name));
        continue;
      }
      with_value(*s, fmt::format("-{}", letter),
                 j + 1 < arg.size() ? std::optional<std::string_view>(arg.substr(j + 1)) : std::nullopt);
      break;
    }
  }
  return out;
}

std::string help_text() {
  std::string help = make_options().help();
  // cxxopts pads the option column and the wrapped descriptions with spaces; no line ends in one.
  std::string text;
  std::size_t start = 0;
  while (start < help.size()) {
    std::size_t nl = help.find('\n', start);
    std::string_view line(help.data() + start, (nl == std::string::npos ? help.size() : nl) - start);
    line = line.substr(0, line.find_last_not_of(' ') + 1);
    text.append(line).push_back('\n');
    start = nl == std::string::npos ? help.size() : nl + 1;
  }
  text += "\nExit status: 0 written, 64 usage, 73 cannot create output, 74 written without\n"
          "the history, 75 another run holds the lock, 77 no permission for ICMP sockets,\n"
          "78 bad config, 1 a collector failed. See netprom(1).\n";
  return text;
}

CommandLine parse_command_line(int argc, const char* const* argv) {
  std::vector<std::string> args = normalize_arguments(argc, argv);
  std::vector<const char*> normalized{argc > 0 ? argv[0] : "netprom"};
  for (const std::string& a : args) normalized.push_back(a.c_str());
  cxxopts::Options options = make_options();
  CommandLine cl;
  try {
    cxxopts::ParseResult result = options.parse(static_cast<int>(normalized.size()), normalized.data());
    cl.help = result.count("help") > 0;
    cl.version = result.count("version") > 0;
    cl.check = result.count("check") > 0;
    if (result.count("config")) cl.config_path = result["config"].as<std::string>();
    if (result.count("dests")) cl.dests = result["dests"].as<std::vector<std::string>>();
    if (result.count("ipv4") && result.count("ipv6"))
      throw UsageError("-4 and -6 exclude each other; give one");
    for (const OptionDef& def : option_table()) {
      std::string name(def.name);
      if (!result.count(name)) continue;
      try {
        if (!takes_value(def))
          cl.assignments.emplace_back(&def, true);
        else if (def.kind == ValueKind::label || def.kind == ValueKind::paths)  // repeatable, in order
          for (const cxxopts::KeyValue& kv : result.arguments()) {
            if (kv.key() == name) cl.assignments.emplace_back(&def, parse_option_text(def, kv.value()));
          }
        else
          cl.assignments.emplace_back(&def, parse_option_text(def, result[name].as<std::string>()));
      } catch (const OptionValueError& e) {
        throw UsageError(fmt::format("--{} {}", def.name, e.what()));
      }
    }
  } catch (const cxxopts::exceptions::exception& e) {
    // cxxopts quotes with U+2018/U+2019; one plain ASCII line reads better in logs.
    std::string message = e.what();
    for (std::string_view quote : {"\u2018", "\u2019"})
      for (auto pos = message.find(quote); pos != std::string::npos; pos = message.find(quote))
        message.replace(pos, quote.size(), "'");
    throw UsageError(message);
  }
  return cl;
}

}  // namespace netprom

// SPDX-License-Identifier: MIT
#include "cli.h"

// cxxopts parses argv with std::regex unless told not to: compiling those patterns was a third
// of a --no-ping run's instructions. Its hand-written parser accepts the same syntax.
#define CXXOPTS_NO_REGEX 1
#include <cxxopts.hpp>
#include <fmt/format.h>

#include "errors.h"

namespace netprom {
namespace {

cxxopts::Options make_options() {
  cxxopts::Options options("netprom",
                           "Ping destinations, read interface counters, write one Prometheus text file.\n"
                           "DEST is HOST or NAME=HOST (NAME becomes the dest label). With no DEST, no\n"
                           "--targets-file and no [[target]] in the config, the default gateways are pinged.\n");
  options.custom_help("[OPTIONS]").positional_help("[DEST ...]");
  options.set_width(100);
  auto add = options.add_options();
  add("c,config", "TOML config file (default: /etc/netprom.toml when it exists)",
      cxxopts::value<std::string>(), "FILE");
  for (const OptionDef& def : option_table()) {
    std::string spec = def.short_name.empty() ? std::string(def.name) : fmt::format("{},{}", def.short_name, def.name);
    std::string help(def.help);
    if (!def.default_text.empty()) help += fmt::format(" (default: {})", def.default_text);
    if (def.kind == ValueKind::flag)
      add(spec, help);
    else
      add(spec, help, cxxopts::value<std::string>(), std::string(def.arg));
  }
  add("check", "validate the configuration, print the plan and exit");
  add("h,help", "print this help and exit");
  add("V,version", "print the version and exit");
  add("dests", "destinations", cxxopts::value<std::vector<std::string>>());
  options.parse_positional({"dests"});
  return options;
}

}  // namespace

std::string help_text() {
  std::string text = make_options().help();
  text += "\nExit status: 0 written, 64 usage, 73 cannot create output, 74 written without the history,\n"
          "75 another run holds the lock, 77 no permission for ICMP sockets, 78 bad config,\n"
          "1 a collector failed. See netprom(1).\n";
  return text;
}

CommandLine parse_command_line(int argc, const char* const* argv) {
  cxxopts::Options options = make_options();
  CommandLine cl;
  try {
    cxxopts::ParseResult result = options.parse(argc, argv);
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
        if (def.kind == ValueKind::flag)
          cl.assignments.emplace_back(&def, true);
        else if (def.kind == ValueKind::label)  // repeatable: every occurrence, in order
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

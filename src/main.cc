// SPDX-License-Identifier: MIT
// netprom: wiring and exit codes only. Everything else is in libnetprom.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <system_error>

#include <fmt/format.h>

#include "cli.h"
#include "config.h"
#include "errors.h"
#include "exposition.h"
#include "history.h"
#include "interface_filter.h"
#include "link_stats.h"
#include "metrics.h"
#include "pinger.h"
#include "plan.h"
#include "privileges.h"
#include "progress.h"
#include "routes.h"
#include "table.h"
#include "targets.h"
#include "textfile.h"

namespace {

using namespace netprom;

// sysexits(3)
constexpr int kExUsage = 64, kExCantCreat = 73, kExTempFail = 75, kExNoPerm = 77, kExConfig = 78;

void print_error(std::string_view what) { fmt::print(stderr, "netprom: error: {}\n", what); }

std::string read_text(const std::string& path, std::string_view role) {
  try {
    return read_text_file(path);
  } catch (const std::system_error& e) {
    throw ConfigError(fmt::format("cannot read {} {}: {}", role, path, std::strerror(e.code().value())));
  }
}

void on_signal(int sig) {
  remove_temp_file_on_signal();
  const char* msg = sig == SIGINT ? "netprom: error: interrupted (SIGINT); the previous output is kept\n"
                                  : "netprom: error: terminated (SIGTERM); the previous output is kept\n";
  (void)!::write(STDERR_FILENO, msg, std::strlen(msg));
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

void write_stdout(std::string_view text) {
  try {
    write_all(STDOUT_FILENO, text);
  } catch (const std::system_error& e) {
    throw OutputError(fmt::format("cannot write standard output: {}", std::strerror(e.code().value())));
  }
}

// Streams the exposition into the temp file (or standard output) as it is rendered: memory
// stays flat with 100,000 destinations, and the rename still publishes the file whole or not at all.
void write_exposition(const std::string& output, const RunReport& report) {
  if (output == "-") {
    ExpositionWriter writer(write_stdout);
    render_metrics(report, writer);
    return;
  }
  AtomicFile file(output);
  ExpositionWriter writer([&file](std::string_view text) { file.write(text); });
  render_metrics(report, writer);
  file.commit();
}

std::chrono::nanoseconds to_ns(double seconds) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::duration<double>(seconds));
}

int run(int argc, char** argv) {
  auto started = std::chrono::steady_clock::now();
  CommandLine cl = parse_command_line(argc, argv);
  if (cl.help) return fmt::print("{}", help_text()), 0;
  if (cl.version) return fmt::print("netprom {}\n", NETPROM_VERSION), 0;

  std::string config_path = cl.config_path.value_or("");
  struct stat st {};
  if (!cl.config_path && ::stat(kDefaultConfigPath.data(), &st) == 0) config_path = kDefaultConfigPath;
  ConfigFile config;
  if (!config_path.empty()) config = parse_config(read_text(config_path, "config file"), config_path);
  Settings s = merge_settings(config, cl, std::nullopt);
  if (s.targets_file) {
    std::string label = *s.targets_file == "-" ? "standard input" : *s.targets_file;
    s = merge_settings(config, cl, parse_targets_file(read_text(*s.targets_file, "targets file"), label));
  }
  try {
    check_settings(s);
  } catch (const OptionValueError& e) {
    throw UsageError(e.what());
  }
  std::string output = choose_output(s, ::stat(kTextfileDir.data(), &st) == 0 && S_ISDIR(st.st_mode));
  if (cl.check) return fmt::print("{}", render_plan(s, config_path, output)), 0;

  std::optional<OutputLock> lock, state_lock;
  if (output != "-") {
    lock.emplace(output);
    remove_stale_temp_files(output);
  }
  std::string state_path = s.state_dir && !s.no_ping ? history_path(*s.state_dir) : "";
  if (!state_path.empty()) {
    ::mkdir(s.state_dir->c_str(), 0755);  // systemd's StateDirectory= makes it; by hand, we do
    state_lock.emplace(state_path);
    remove_stale_temp_files(state_path);
  }
  int status = 0;
  RunReport report;
  report.version = NETPROM_VERSION;
  std::vector<PingResult> results;
  if ((report.ping_enabled = !s.no_ping)) {
    try {
      if (s.targets.empty()) s.targets = gateway_targets(read_default_gateways());
      std::vector<PingTarget> targets;
      targets.reserve(s.targets.size());
      for (const TargetSpec& t : s.targets) targets.push_back({t.name, t.host, t.family});
      PingOptions o{s.count, to_ns(s.interval), to_ns(s.timeout), to_ns(s.deadline), s.family, s.size,
                    s.ttl, s.tos, s.source, s.interface, s.rate, drop_capabilities, {}};
      ProgressLine progress(STDERR_FILENO, ::isatty(STDERR_FILENO));
      o.on_progress = [&progress](std::uint64_t done, std::uint64_t total) { progress.update(done, total); };
      results = run_pings(targets, o);
      std::uint64_t unsent = 0;
      for (const PingResult& p : results) unsent += p.unsent;
      if (unsent > 0) fmt::print(stderr, "netprom: warning: deadline reached: {} requests not sent\n", unsent);
      report.ping_ok = true;
      report.targets = s.targets;
      report.ping = results;
    } catch (const IcmpPermissionError& e) {
      print_error(e.what());
      status = kExNoPerm;
    } catch (const std::exception& e) {  // a failed collector must not cost the other one's data
      print_error(fmt::format("ping: {}", e.what()));
      status = 1;
    }
  }
  std::vector<LinkStats> links;
  if ((report.interfaces_enabled = !s.no_interfaces)) {
    try {
      InterfaceFilter filter(s.interface_include, s.interface_exclude);
      links = read_link_stats();
      std::erase_if(links, [&filter](const LinkStats& l) { return !filter.keep(l.name); });
      report.interfaces_ok = true;
      report.links = links;
    } catch (const std::exception& e) {
      print_error(fmt::format("interfaces: {}", e.what()));
      if (status == 0) status = 1;
    }
  }
  History history;
  if (!state_path.empty() && report.ping_ok) {
    std::string warning;
    History previous = read_history(state_path, warning);
    if (!warning.empty()) fmt::print(stderr, "netprom: warning: {}\n", warning);
    history = update_history(previous, s.targets, results, s.buckets.empty() ? default_buckets() : s.buckets);
    report.history = &history;
  }
  report.timestamp_seconds =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  report.duration_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (s.format == OutputFormat::table) {
    // Colour only for a person: a terminal, and no NO_COLOR (https://no-color.org).
    const char* no_color = std::getenv("NO_COLOR");
    const char* term = std::getenv("TERM");
    bool color = output == "-" && ::isatty(STDOUT_FILENO) && !(no_color && *no_color) &&
                 !(term && std::string_view(term) == "dumb");
    std::string table = render_table(report, color);
    output == "-" ? write_stdout(table) : write_file_atomically(output, table);
  } else {
    write_exposition(output, report);
  }
  if (report.history) {
    try {  // the .prom file is out; a state that could not be saved costs a counter reset, not the run
      write_file_atomically(state_path, render_history(history));
    } catch (const OutputError& e) {
      fmt::print(stderr, "netprom: warning: {}; the totals will start over next run\n", e.what());
    }
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGINT, &sa, nullptr);
  try {
    return run(argc, argv);
  } catch (const UsageError& e) {
    print_error(fmt::format("{} (see 'netprom --help')", e.what()));
    return kExUsage;
  } catch (const ConfigError& e) {
    print_error(e.what());
    return kExConfig;
  } catch (const LockHeldError& e) {
    print_error(e.what());
    return kExTempFail;
  } catch (const OutputError& e) {
    print_error(e.what());
    return kExCantCreat;
  } catch (const std::system_error& e) {
    print_error(e.what());
    return 1;
  } catch (const std::exception& e) {
    print_error(fmt::format("internal error: {}", e.what()));
    return 1;
  }
}

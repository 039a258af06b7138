// SPDX-License-Identifier: MIT
// netprom: wiring and exit codes only. Everything else is in libnetprom.
#include <langinfo.h>
#include <net/if.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <csignal>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <clocale>
#include <cstring>
#include <filesystem>
#include <optional>
#include <system_error>

#include <fmt/format.h>

#include "cli.h"
#include "collect.h"
#include "config.h"
#include "errors.h"
#include "host_probe.h"
#include "link_stats.h"
#include "pinger.h"
#include "plan.h"
#include "privileges.h"
#include "progress.h"
#include "routes.h"
#include "target_sources.h"
#include "targets.h"
#include "textfile.h"

namespace {

using namespace netprom;
namespace ex = netprom::exit_status;

void print_error(std::string_view what) { fmt::print(stderr, "netprom: error: {}\n", what); }

std::string read_text(const std::string& path, std::string_view role) {
  try {
    return read_text_file(path);
  } catch (const std::system_error& e) {
    throw ConfigError(fmt::format("cannot read {} {}: {}", role, path, std::strerror(e.code().value())));
  }
}

// Ctrl-C in table mode: the run stops pinging and prints the summary so far, as ping does,
// then exits 130. A second Ctrl-C ends it at once.
volatile std::sig_atomic_t interrupted = 0;

void on_interrupt(int) {
  interrupted = 1;
  ::signal(SIGINT, SIG_DFL);
}

void on_signal(int sig) {
  remove_temp_file_on_signal();
  const char* msg = sig == SIGINT ? "netprom: error: interrupted (SIGINT); the previous output is kept\n"
                                  : "netprom: error: terminated (SIGTERM); the previous output is kept\n";
  (void)!::write(STDERR_FILENO, msg, std::strlen(msg));
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

// The ping collector as the run's seam: each target carries its own settings; the run's
// deadline and rate, and a progress line on a terminal.
std::vector<PingResult> ping(const Settings& s, std::span<const TargetSpec> targets,
                             const std::optional<Identity>& become) {
  ProgressLine progress(STDERR_FILENO, ::isatty(STDERR_FILENO));
  std::vector<PingResult> results =
      run_pings(targets, {.deadline = seconds_to_ns(s.deadline),
                          .rate = s.rate,
                          .on_sockets_open = [&become] { drop_privileges(become); },
                          .on_progress = [&progress](std::uint64_t done, std::uint64_t total) {
                            progress.update(done, total);
                          },
                          .stop = &interrupted});
  // Cancelled by the user, not cut by the deadline: no "requests not sent" warning.
  if (interrupted)
    for (PingResult& r : results) r.unsent = 0;
  return results;
}

int run(int argc, char** argv, bool stdout_closed) {
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
    std::string origin = setting_origin(config, cl, "targets-file");
    try {
      s = merge_settings(config, cl, parse_targets_file(read_text(*s.targets_file, "targets file"), label));
    } catch (const ConfigError& e) {  // named by the config file: its line first
      if (origin.empty() || origin == "command line") throw;
      throw ConfigError(fmt::format("{}: {}", origin, e.what()));
    }
  }
  std::array<char, 256> host_name{};  // --self's default; cut names stay terminated
  ::gethostname(host_name.data(), host_name.size() - 1);
  std::optional<Mesh> mesh = add_target_sources(s, read_text, host_name.data());
  set_probe_settings(s, cl);  // once every target is known: file_sd and mesh targets too
  check_merged_settings(s, config, cl);
  check_destinations(s.targets, s.family, [](const std::string& n) { return ::if_nametoindex(n.c_str()) != 0; });
  if (s.source) check_source_family(s.targets, *s.source, setting_origin(config, cl, "source") == "command line");
  const bool stdout_tty = ::isatty(STDOUT_FILENO);
  const OutputContext where{setting_origin(config, cl, "output"), setting_origin(config, cl, "format"),
                            stdout_tty || ::isatty(STDIN_FILENO) || ::isatty(STDERR_FILENO), stdout_tty};
  const OutputChoice chosen = choose_output(s, where);
  const std::string& output = chosen.path;
  s.format = chosen.format;
  if (cl.check) {  // what a run would do, and whether it can: the exit status says
    const HostFacts facts = probe_host(s, output);
    fmt::print("{}{}{}{}", render_plan(s, config_path, output), mesh ? render_mesh_plan(*mesh) : "",
               render_setting_origins(config, cl), render_host_facts(facts, uses_default_gateways(s)));
    return plan_status(facts);
  }

  // Root testing by hand works as the owner of the directory it writes (the service user), so
  // that the timer's runs can replace whatever it leaves. Without pinging there is no socket to
  // open first: give everything up now.
  std::optional<Identity> become;
  if (s.state_dir && !s.no_ping) become = owner_to_become(*s.state_dir);
  else if (output != "-") become = owner_to_become(std::filesystem::path(output).parent_path().empty()
                                                        ? "." : std::filesystem::path(output).parent_path().string());
  if (s.no_ping) drop_privileges(become);
  RunSeams seams;
  seams.ping = [&s, &become](std::span<const TargetSpec> targets) { return ping(s, targets, become); };
  seams.default_targets = [&s] {
    return uses_default_gateways(s) ? gateway_targets(read_default_gateways(), s) : std::vector<TargetSpec>{};
  };
  seams.links = [] { return read_link_stats(); };
  seams.unix_time = [] {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  };
  seams.elapsed_seconds = [started] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  };
  seams.write_stdout = [stdout_closed](std::string_view text) {
    try {
      if (stdout_closed) throw std::system_error(EBADF, std::generic_category());
      write_all(STDOUT_FILENO, text);
    } catch (const std::system_error& e) {
      throw OutputError(fmt::format("cannot write standard output: {}", std::strerror(e.code().value())));
    }
  };
  seams.message = [](std::string_view line) { fmt::print(stderr, "{}\n", line); };
  seams.utf8 = ::setlocale(LC_CTYPE, "") && std::string_view(::nl_langinfo(CODESET)) == "UTF-8";
  seams.colour = use_colour(output, stdout_tty, std::getenv("NO_COLOR"), std::getenv("TERM"));
  if (s.format == OutputFormat::table) {  // only ever to standard output (choose_output)
    struct sigaction sa {};
    sa.sa_handler = on_interrupt;  // no SA_RESTART: the pinger's wait returns on EINTR
    ::sigaction(SIGINT, &sa, nullptr);
  }
  const int status = collect_and_publish(s, output, seams);
  return interrupted ? ex::kInterrupted : status;
}

}  // namespace

int main(int argc, char** argv) {
  // Before anything can open a file: a closed descriptor 1 would otherwise be the lock file.
  const bool stdout_closed = open_closed_standard_fds() & (1u << STDOUT_FILENO);
  // Before reading any file: a setuid copy must not read or write for another user.
  if (std::string problem = setid_problem(); !problem.empty()) {
    print_error(problem);
    return ex::kNoPerm;
  }
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  ::sigaction(SIGTERM, &sa, nullptr);
  ::sigaction(SIGINT, &sa, nullptr);
  try {
    return run(argc, argv, stdout_closed);
  } catch (const UsageError& e) {
    print_error(fmt::format("{} (see 'netprom --help')", e.what()));
    return ex::kUsage;
  } catch (const ConfigError& e) {
    print_error(e.what());
    return ex::kConfig;
  } catch (const LockHeldError& e) {
    print_error(e.what());
    return ex::kTempFail;
  } catch (const OutputError& e) {
    print_error(e.what());
    return ex::kCantCreate;
  } catch (const std::system_error& e) {
    print_error(e.what());
    return ex::kFailed;
  } catch (const std::exception& e) {
    print_error(fmt::format("internal error: {}", e.what()));
    return ex::kFailed;
  }
}

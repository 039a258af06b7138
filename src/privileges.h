// SPDX-License-Identifier: MIT
// Giving up privileges once the ICMP sockets are open, and the process checks made before
// anything else: no setuid/setgid start, standard descriptors that are really there.
#pragma once

#include <optional>
#include <string>

namespace netprom {

/// A user and group to run as.
struct Identity {
  unsigned uid = 0;
  unsigned gid = 0;
};

/// For a run started as root: the owner of `dir` when that is another user (the service user's
/// state directory, made by systemd's StateDirectory=), so that a root run testing by hand writes
/// there as the timer's runs do and leaves nothing they cannot replace; nullopt otherwise
/// (not root, `dir` missing or owned by root).
std::optional<Identity> owner_to_become(const std::string& dir);

/// Becomes `as` (no supplementary groups, real, effective and saved ids) when given, then
/// clears every capability (drop_capabilities()). Throws std::system_error.
void drop_privileges(const std::optional<Identity>& as);

/// Why netprom must not run with these ids, or empty when it may: a setuid or setgid start
/// (real, effective and saved ids not all equal) would let any user read root-only files
/// through error messages and write into root-only directories. File capabilities
/// (setcap cap_net_raw+ep) are fine: they do not change the ids.
std::string setid_problem();

/// Opens /dev/null on each of the descriptors 0, 1 and 2 that is closed, so that no file
/// netprom opens for itself (a lock, a temp file) can become standard output. Returns a bit
/// per descriptor that was closed (1 << fd). Call first thing in main().
unsigned open_closed_standard_fds() noexcept;

/// Clears the effective, permitted, inheritable and ambient capability sets of the process, so
/// that nothing after socket set-up (parsing replies from the network, writing files) runs with
/// CAP_NET_RAW or, as root, with CAP_DAC_OVERRIDE and friends. Throws std::system_error.
void drop_capabilities();

}  // namespace netprom

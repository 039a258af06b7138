// SPDX-License-Identifier: MIT
// Giving up privileges once the ICMP sockets are open.
#pragma once

namespace netprom {

/// Clears the effective, permitted, inheritable and ambient capability sets of the process, so
/// that nothing after socket set-up (parsing replies from the network, writing files) runs with
/// CAP_NET_RAW or, as root, with CAP_DAC_OVERRIDE and friends. Throws std::system_error.
void drop_capabilities();

}  // namespace netprom

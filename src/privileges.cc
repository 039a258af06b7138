// SPDX-License-Identifier: MIT
#include "privileges.h"

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

#include <fmt/os.h>

namespace netprom {

void drop_capabilities() {
  // Ambient capabilities (systemd's AmbientCapabilities=) would come back on the next execve;
  // netprom execs nothing, but a clean slate costs one call. EINVAL: kernel without them.
  if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
    throw fmt::system_error(errno, "cannot clear ambient capabilities");
  // glibc has no capset() wrapper and libcap would be a dependency for one call: use the syscall.
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (::syscall(SYS_capset, &header, data) != 0)
    throw fmt::system_error(errno, "cannot drop capabilities");
}

}  // namespace netprom

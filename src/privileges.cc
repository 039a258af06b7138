// SPDX-License-Identifier: MIT
#include "privileges.h"

#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>

#include <fmt/format.h>
#include <fmt/os.h>

namespace netprom {

std::optional<Identity> owner_to_become(const std::string& dir) {
  struct stat st {};
  if (::getuid() != 0 || ::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid == 0) return std::nullopt;
  return Identity{st.st_uid, st.st_gid};
}

void drop_privileges(const std::optional<Identity>& as) {
  if (as) {
    // Groups first, while still root; leaving uid 0 then clears the capability sets as well.
    if (::setgroups(0, nullptr) != 0 || ::setresgid(as->gid, as->gid, as->gid) != 0 ||
        ::setresuid(as->uid, as->uid, as->uid) != 0)
      throw std::system_error(errno, std::generic_category(),
                              fmt::format("cannot become uid {} gid {}", as->uid, as->gid));
  }
  drop_capabilities();
}

std::string setid_problem() {
  uid_t ruid = 0, euid = 0, suid = 0;
  gid_t rgid = 0, egid = 0, sgid = 0;
  if (::getresuid(&ruid, &euid, &suid) != 0 || ::getresgid(&rgid, &egid, &sgid) != 0)
    return fmt::format("cannot read the process's ids: {}", std::strerror(errno));
  if (ruid == euid && euid == suid && rgid == egid && egid == sgid) return {};
  return fmt::format("refusing to run setuid or setgid (real uid {} gid {}, effective uid {} gid {}); "
                     "remove the set-id bit and grant cap_net_raw with setcap instead",
                     ruid, rgid, euid, egid);
}

unsigned open_closed_standard_fds() noexcept {
  unsigned closed = 0;
  for (int fd = 0; fd <= 2; ++fd) {
    if (::fcntl(fd, F_GETFD) != -1 || errno != EBADF) continue;
    // open() returns the lowest free descriptor: this one, since those below are open.
    int got = ::open("/dev/null", O_RDWR);
    if (got != fd && got >= 0) ::close(got);
    closed |= 1u << fd;
  }
  return closed;
}

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

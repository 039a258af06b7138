// SPDX-License-Identifier: MIT
#include "textfile.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <system_error>

#include <fmt/format.h>

#include "errors.h"

namespace netprom {
namespace {

// The temp file being written, for remove_temp_file_on_signal(). A signal handler may only
// read plain memory, so this is a fixed buffer plus a flag, not a std::string.
char g_temp_path[PATH_MAX];
volatile sig_atomic_t g_temp_active = 0;

struct PathParts {
  std::string dir;   ///< "." when the path has no slash
  std::string name;  ///< last component
};

PathParts split_path(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return {".", path};
  return {slash == 0 ? "/" : path.substr(0, slash), path.substr(slash + 1)};
}

std::string join(const std::string& dir, const std::string& name) {
  return dir == "/" ? "/" + name : dir + "/" + name;
}

[[noreturn]] void fail(std::string_view verb, const std::string& what, int err) {
  throw OutputError(fmt::format("cannot {} {}: {}", verb, what, std::strerror(err)));
}

}  // namespace

OutputLock::OutputLock(const std::string& output_path) {
  PathParts p = split_path(output_path);
  std::string lock_path = join(p.dir, "." + p.name + ".lock");
  fd_.reset(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644));
  // flock() needs no write access: a lock file another user created (root testing by hand
  // before the timer's run as the service user, or the other way round) is locked read-only.
  if (!fd_ && (errno == EACCES || errno == EPERM))
    fd_.reset(::open(lock_path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!fd_) fail("create lock file", lock_path, errno);
  if (::flock(fd_.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK)
      throw LockHeldError(fmt::format("{} is locked by another netprom run (lock file {}); try again when it ends",
                                      output_path, lock_path));
    fail("lock", lock_path, errno);
  }
}

int remove_stale_temp_files(const std::string& output_path) {
  PathParts p = split_path(output_path);
  std::string prefix = "." + p.name + ".";
  DIR* dir = ::opendir(p.dir.c_str());
  if (!dir) return 0;
  int removed = 0;
  while (dirent* e = ::readdir(dir)) {
    std::string_view n = e->d_name;
    if (n.size() > prefix.size() + 4 && n.starts_with(prefix) && n.ends_with(".tmp") &&
        ::unlinkat(::dirfd(dir), e->d_name, 0) == 0)
      ++removed;
  }
  ::closedir(dir);
  return removed;
}

AtomicFile::AtomicFile(const std::string& path, mode_t mode) : path_(path) {
  PathParts p = split_path(path);
  if (p.name.empty() || p.name == "." || p.name == "..") fail("write", path, EISDIR);
  dir_ = p.dir;

  // Replacing a symlink or a directory is not ours to do: refuse before writing anything.
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    const char* what = S_ISLNK(st.st_mode) ? "a symbolic link" : S_ISDIR(st.st_mode) ? "a directory" : "not a regular file";
    throw OutputError(fmt::format("cannot replace {}: it is {}; give a regular file path", path, what));
  }

  temp_ = join(p.dir, fmt::format(".{}.{}.tmp", p.name, ::getpid()));
  // Registered for the signal handler before it exists: a SIGTERM right after open() must not
  // leave a 0-byte temp file. If open() fails, the name is ours alone (it carries our pid) and
  // unlinking it removes at most a leftover the next run would remove anyway.
  if (temp_.size() < sizeof g_temp_path) {
    std::memcpy(g_temp_path, temp_.c_str(), temp_.size() + 1);
    g_temp_active = 1;
  }
  // O_EXCL|O_NOFOLLOW: never write through a planted symlink or into someone else's file.
  fd_.reset(::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode));
  if (!fd_) {
    int err = errno;
    g_temp_active = 0;
    fail("create", temp_, err);
  }
  // open() applied the umask; node_exporter may run as another user, so set the mode outright.
  if (::fchmod(fd_.get(), mode) != 0) {
    int err = errno;
    ::unlink(temp_.c_str());  // the destructor does not run for a constructor that throws
    g_temp_active = 0;
    fail("chmod", temp_, err);
  }
}

AtomicFile::~AtomicFile() {
  g_temp_active = 0;
  if (!committed_) ::unlink(temp_.c_str());
}

void AtomicFile::write(std::string_view text) {
  try {
    write_all(fd_.get(), text);
  } catch (const std::system_error& e) {
    fail("write", temp_, e.code().value());
  }
}

void AtomicFile::commit() {
  if (::fsync(fd_.get()) != 0) fail("fsync", temp_, errno);
  if (fd_.close() != 0) fail("close", temp_, errno);
  if (::rename(temp_.c_str(), path_.c_str()) != 0) fail("rename to", path_, errno);
  committed_ = true;
  g_temp_active = 0;
  // Make the rename itself durable; the file is already published, so a failure here is not
  // worth failing the run for.
  UniqueFd dir(::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir) ::fsync(dir.get());
}

void write_file_atomically(const std::string& path, std::string_view contents, mode_t mode) {
  AtomicFile file(path, mode);
  file.write(contents);
  file.commit();
}

void write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::system_error(errno, std::generic_category());
    text.remove_prefix(static_cast<std::size_t>(n));
  }
}

std::string read_text_file(const std::string& path) {
  UniqueFd owned;
  int fd = STDIN_FILENO;
  if (path != "-") {
    owned.reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    fd = owned.get();
  }
  struct stat st {};
  if (fd < 0 || ::fstat(fd, &st) != 0) throw std::system_error(errno, std::generic_category());
  if (S_ISDIR(st.st_mode)) throw std::system_error(EISDIR, std::generic_category());
  std::string text;
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::system_error(errno, std::generic_category());
    if (n == 0) return text;
    text.append(buf, static_cast<std::size_t>(n));
  }
}

void remove_temp_file_on_signal() noexcept {
  if (g_temp_active) ::unlink(g_temp_path);
}

}  // namespace netprom

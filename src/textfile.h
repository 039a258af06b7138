// SPDX-License-Identifier: MIT
// Publishing the .prom file for node_exporter's textfile collector: a lock against overlapping
// runs, clean-up of temp files a killed run left, and the atomic replace itself.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>

#include "unique_fd.h"

namespace netprom {

/// An exclusive flock(2) on ".<name>.lock" beside the output file, held for the whole run so
/// that overlapping runs (a slow run and the next timer tick) are refused, not raced. The lock
/// file itself stays: removing it would let two runs lock two different files.
class OutputLock {
 public:
  /// Throws LockHeldError when another run holds the lock, OutputError when the lock file
  /// cannot be created (missing or read-only directory).
  explicit OutputLock(const std::string& output_path);

 private:
  UniqueFd fd_;
};

/// Removes ".<name>.*.tmp" files beside the output that a killed run left behind. Call with the
/// lock held: then no other run can be writing one. Returns how many it removed.
int remove_stale_temp_files(const std::string& output_path);

/// A replacement for `path` being written: a reader sees the old file or the new one, never a
/// part. The text goes into a temp file ".<name>.<pid>.tmp" in the same directory (created
/// exclusively, never through a symlink, never ending in .prom, mode `mode` regardless of
/// umask); commit() fsyncs and closes it, renames it over `path` and fsyncs the directory.
/// Refuses to replace anything but a regular file. Until commit() succeeds, destroying it
/// removes the temp file and leaves `path` untouched. Every failure is an OutputError saying
/// what failed ("cannot write /dir/.x.tmp: No space left on device").
class AtomicFile {
 public:
  explicit AtomicFile(const std::string& path, mode_t mode = 0644);
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  ~AtomicFile();
  /// Appends to the temp file.
  void write(std::string_view text);
  /// Publishes the file.
  void commit();

 private:
  std::string path_;
  std::string temp_;
  std::string dir_;
  UniqueFd fd_;
  bool committed_ = false;
};

/// An AtomicFile with `contents`, committed.
void write_file_atomically(const std::string& path, std::string_view contents, mode_t mode = 0644);

/// Writes all of `text` to `fd`, looping over short writes and EINTR. Throws std::system_error
/// with the errno.
void write_all(int fd, std::string_view text);

/// Reads a whole file, or standard input for "-". Throws std::system_error with the errno
/// (EISDIR for a directory) and no text of its own: callers say what the file was for.
std::string read_text_file(const std::string& path);

/// Async-signal-safe: unlinks the temp file write_file_atomically() is writing, if any.
/// For a SIGTERM/SIGINT handler, so a killed run leaves nothing behind.
void remove_temp_file_on_signal() noexcept;

}  // namespace netprom

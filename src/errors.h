// SPDX-License-Identifier: MIT
// The two user-error kinds main() maps to sysexits codes; system failures use std::system_error.
#pragma once

#include <stdexcept>

namespace netprom {

/// A bad command line: unknown option, bad value, conflicting flags. main() exits 64 (EX_USAGE).
struct UsageError : std::runtime_error { using std::runtime_error::runtime_error; };

/// A bad configuration file or targets file. what() starts with "FILE:LINE:COLUMN: ".
/// main() exits 78 (EX_CONFIG).
struct ConfigError : std::runtime_error { using std::runtime_error::runtime_error; };

/// The output is locked by another run. main() exits 75 (EX_TEMPFAIL).
struct LockHeldError : std::runtime_error { using std::runtime_error::runtime_error; };

/// The output file cannot be created or replaced. main() exits 73 (EX_CANTCREAT).
struct OutputError : std::runtime_error { using std::runtime_error::runtime_error; };

}  // namespace netprom

// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

/* The measured daemon's process, as /proc shows it. */

#include <sys/types.h>

#include <string>

namespace Bench {

/** utime + stime of @p pid (all threads) in seconds. */
double CpuSeconds(pid_t pid);

/** A "Key:   N kB" line of /proc/PID/status, in KiB (0 when absent). */
long StatusKb(pid_t pid, const std::string& key);

}  // namespace Bench

// A process's memory as the kernel counts it, for /metrics, progress and
// the soak benchmark (which watches the learner's). Linux only (/proc);
// stateless, thread-safe.
#ifndef POLO_UTIL_PROCESS_MEMORY_H_
#define POLO_UTIL_PROCESS_MEMORY_H_

#include <sys/types.h>

#include <cstdint>

namespace polo::util {

// Resident set size now of process `pid` (0: this one; /proc/PID/statm),
// in bytes; 0 if unreadable (e.g. no such process).
uint64_t ResidentBytes(pid_t pid = 0);

// Largest resident set size so far (getrusage ru_maxrss), in bytes.
uint64_t PeakResidentBytes();

}  // namespace polo::util

#endif  // POLO_UTIL_PROCESS_MEMORY_H_

// This process's memory as the kernel counts it, for /metrics, progress and
// the soak benchmark. Linux only (/proc); stateless, thread-safe.
#ifndef POLO_UTIL_PROCESS_MEMORY_H_
#define POLO_UTIL_PROCESS_MEMORY_H_

#include <cstdint>

namespace polo::util {

// Resident set size now (/proc/self/statm), in bytes; 0 if unreadable.
uint64_t ResidentBytes();

// Largest resident set size so far (getrusage ru_maxrss), in bytes.
uint64_t PeakResidentBytes();

}  // namespace polo::util

#endif  // POLO_UTIL_PROCESS_MEMORY_H_

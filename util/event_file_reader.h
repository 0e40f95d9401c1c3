// Reads back what util/tensorboard_writer.h writes, checking every frame
// and CRC, for the C++ tests (//tools:event_file_test reads the same files
// with an independent Python reader). Stateless, thread-safe.
#ifndef POLO_UTIL_EVENT_FILE_READER_H_
#define POLO_UTIL_EVENT_FILE_READER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "proto/tensorboard_event.pb.h"

namespace polo::util {

// Every event of the file at `path`, in order. NotFound if there is no
// such file; DataLoss naming the byte offset for a torn record, a CRC that
// does not match or data that is not an Event.
absl::StatusOr<std::vector<polo::tensorboard::Event>> ReadEventFile(const std::string& path);

}  // namespace polo::util

#endif  // POLO_UTIL_EVENT_FILE_READER_H_

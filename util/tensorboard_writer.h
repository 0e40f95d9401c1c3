// A TensorBoard event file of scalars, written as TensorBoard and
// TensorFlow read them: TFRecord framing (each record is its length as a
// little-endian uint64, the masked CRC-32C of those 8 bytes, the data, and
// the masked CRC-32C of the data; util/crc32c.h) around serialised
// tensorflow.Event messages (proto/tensorboard_event.proto), the first of
// which names the file version "brain.Event:2".
//
// Every event goes to the operating system as it is added (one write(2)
// per record, no buffer of our own), so a reader sees it at once and a
// process that stops, cleanly or not, loses none that AddScalars accepted.
//
// Thread-safe: an internal mutex serialises writes.
#ifndef POLO_UTIL_TENSORBOARD_WRITER_H_
#define POLO_UTIL_TENSORBOARD_WRITER_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace polo::util {

// One scalar of an event: TensorBoard draws each tag as a curve over steps.
struct Scalar {
  std::string tag;
  float value = 0;
};

class TensorBoardWriter {
 public:
  // Creates `dir` (and parents) if needed and a new file in it,
  // events.out.tfevents.<unix seconds of `now`>.<hostname> (TensorBoard's
  // convention; ".1", ".2", ... appended if that name is taken), and writes
  // the file-version event. Errors name the path and the OS error; a file
  // whose first event could not be written is removed.
  static absl::StatusOr<std::unique_ptr<TensorBoardWriter>> Create(const std::string& dir,
                                                                   absl::Time now = absl::Now());
  ~TensorBoardWriter();
  TensorBoardWriter(const TensorBoardWriter&) = delete;
  TensorBoardWriter& operator=(const TensorBoardWriter&) = delete;

  const std::string& path() const { return path_; }

  // Appends one event at `step` and `wall_time` with every scalar of
  // `scalars` (none: an event with an empty summary). Internal naming the
  // file and the OS error if it cannot be written. After such an error the
  // writer writes nothing more (the file may end in a torn record, which
  // readers take for its end; records after it would be lost to them
  // anyway) and every later call returns FailedPrecondition saying so.
  absl::Status AddScalars(int64_t step, absl::Time wall_time, absl::Span<const Scalar> scalars)
      ABSL_LOCKS_EXCLUDED(mu_);

 private:
  TensorBoardWriter(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  // Writes `data` as one framed record.
  absl::Status AppendRecord(absl::string_view data) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string path_;
  absl::Mutex mu_;
  const int fd_;                               // Closed on destruction.
  absl::Status failed_ ABSL_GUARDED_BY(mu_);  // The first write error, if any.
};

// `data` in TFRecord framing, as the writer appends it.
std::string FramedRecord(absl::string_view data);

}  // namespace polo::util

#endif  // POLO_UTIL_TENSORBOARD_WRITER_H_

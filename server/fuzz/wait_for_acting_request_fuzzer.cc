// libFuzzer target: polo.WaitForActingRequest -> LearnerCore::WaitForActing
// (README.md). kRealId, kRealKey and kOtherKind lend the harness's actor (its
// target worker with kOtherKind); no fix-ups.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "proto/polo.pb.h"
#include "server/fuzz/fuzz_learner.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace polo::fuzz;
  FuzzLearner& learner = FuzzLearner::Get();
  uint8_t flags;
  polo::WaitForActingRequest request;
  if (!ParseInput(data, size, &flags, &request)) return 0;
  // A long poll: the learner caps it at 10 s, which would only slow the
  // fuzzer down (the run is ASYNCHRONOUS, so it would return at once anyway).
  request.set_wait_ms(0);
  learner.Borrow(flags, polo::ACTOR, request.mutable_worker_id(), request.mutable_worker_key());
  if ((flags & kStep) != 0) learner.Step();
  absl::StatusOr<polo::ActingState> state = learner.core().WaitForActing(request);
  CheckErrorContract(state.status(), "WaitForActing");
  if (state.ok() && state->acting_paused()) {
    std::fprintf(stderr, "WaitForActing: acting paused in an ASYNCHRONOUS run\n");
    std::abort();
  }
  if ((flags & kQueries) != 0) learner.Queries();
  return 0;
}

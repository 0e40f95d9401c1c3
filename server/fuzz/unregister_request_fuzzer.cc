// libFuzzer target: polo.UnregisterRequest -> LearnerCore::Unregister
// (README.md). kRealId, kRealKey and kOtherKind lend the harness's actor (a
// target worker with kOtherKind, whose leased jobs go back to the queue);
// kFixA calls it as the admin (any_worker = true). An unregistered harness
// worker comes back with its next call (Touch re-admits it).
#include <cstddef>
#include <cstdint>

#include "proto/polo.pb.h"
#include "server/fuzz/fuzz_learner.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace polo::fuzz;
  FuzzLearner& learner = FuzzLearner::Get();
  uint8_t flags;
  polo::UnregisterRequest request;
  if (!ParseInput(data, size, &flags, &request)) return 0;
  learner.Borrow(flags, polo::ACTOR, request.mutable_worker_id(), request.mutable_worker_key());
  if ((flags & kStep) != 0) learner.Step();
  const absl::Status status = learner.core().Unregister(request, (flags & kFixA) != 0);
  CheckErrorContract(status, "Unregister");
  if ((flags & kQueries) != 0) learner.Queries();
  return 0;
}

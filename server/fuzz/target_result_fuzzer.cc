// libFuzzer target: polo.TargetResult -> LearnerCore::SubmitTargets
// (README.md). kRealId, kRealKey and kOtherKind lend the harness's target
// worker (its actor with kOtherKind). The harness holds one leased job
// (leased again once a result for it was taken or dropped): kFixA sets
// job_id to it, kFixB weights_version to its version, kFixC pads or cuts
// targets to its length (values kept). kStep queues jobs first
// (FuzzLearner::Step).
#include <cstddef>
#include <cstdint>

#include "proto/polo.pb.h"
#include "server/fuzz/fuzz_learner.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace polo::fuzz;
  FuzzLearner& learner = FuzzLearner::Get();
  uint8_t flags;
  polo::TargetResult result;
  if (!ParseInput(data, size, &flags, &result)) return 0;
  learner.Borrow(flags, polo::TARGET_WORKER, result.mutable_worker_id(),
                 result.mutable_worker_key());
  if ((flags & kStep) != 0) learner.Step();
  const polo::TargetJob* held = (flags & (kFixA | kFixB | kFixC)) != 0 ? learner.HeldJob() : nullptr;
  const uint64_t held_id = held != nullptr ? held->job_id() : 0;
  if (held != nullptr) {
    const polo::TargetJob& job = *held;
    if ((flags & kFixA) != 0) result.set_job_id(job.job_id());
    if ((flags & kFixB) != 0) result.set_weights_version(job.weights_version());
    if ((flags & kFixC) != 0) {
      const int n = job.state_ids_size() * learner.config().ensemble().ensemble_size();
      if (result.targets_size() > n) result.mutable_targets()->Truncate(n);
      while (result.targets_size() < n) result.add_targets(0.5);
    }
  }
  absl::StatusOr<polo::SubmitTargetsResponse> response = learner.core().SubmitTargets(result);
  CheckErrorContract(response.status(), "SubmitTargets");
  // Taken, or dropped because its lease ran out: lease another next time.
  if (response.ok() && held_id != 0 && result.job_id() == held_id) learner.DropHeldJob();
  if ((flags & kQueries) != 0) learner.Queries();
  return 0;
}

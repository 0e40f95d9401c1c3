// libFuzzer target: polo.LeaseTargetJobRequest -> LearnerCore::LeaseTargetJob
// (README.md). kRealId, kRealKey and kOtherKind lend the harness's target
// worker (its actor with kOtherKind). kStep first queues jobs
// (FuzzLearner::Step); kFixA completes a leased job with valid targets
// afterwards, so updates finish and new jobs come.
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
  polo::LeaseTargetJobRequest request;
  if (!ParseInput(data, size, &flags, &request)) return 0;
  // A long poll (capped at 5 s by the learner): no waiting while fuzzing.
  request.set_wait_ms(0);
  learner.Borrow(flags, polo::TARGET_WORKER, request.mutable_worker_id(),
                 request.mutable_worker_key());
  if ((flags & kStep) != 0) learner.Step();
  absl::StatusOr<polo::TargetJob> job = learner.core().LeaseTargetJob(request);
  CheckErrorContract(job.status(), "LeaseTargetJob");
  if (job.ok() && job->job_id() != 0) {
    const polo::RunConfig& config = learner.config();
    if (job->physics_states_size() !=
        job->state_ids_size() * config.physics_state_size()) {
      std::fprintf(stderr, "LeaseTargetJob: %d physics values for %d states\n",
                   job->physics_states_size(), job->state_ids_size());
      std::abort();
    }
    if ((flags & kFixA) != 0 && request.worker_id() == learner.target_worker().worker_id()) {
      polo::TargetResult result;
      result.set_worker_id(request.worker_id());
      result.set_worker_key(learner.target_worker().worker_key());
      result.set_job_id(job->job_id());
      result.set_weights_version(job->weights_version());
      for (int i = 0; i < job->state_ids_size() * config.ensemble().ensemble_size(); ++i) {
        result.add_targets(0.25);
      }
      absl::StatusOr<polo::SubmitTargetsResponse> r = learner.core().SubmitTargets(result);
      if (!r.ok()) {
        std::fprintf(stderr, "SubmitTargets of a just-leased job: %s\n",
                     r.status().ToString().c_str());
        std::abort();
      }
    }
  }
  if ((flags & kQueries) != 0) learner.Queries();
  return 0;
}

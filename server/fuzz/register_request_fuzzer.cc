// libFuzzer target: polo.RegisterRequest -> LearnerCore::Register
// (README.md). kRealId, kRealKey and kOtherKind lend the harness's worker of
// the request's kind (an actor for any other kind); no fix-ups.
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
  polo::RegisterRequest request;
  if (!ParseInput(data, size, &flags, &request)) return 0;
  learner.Borrow(flags, request.kind() == polo::TARGET_WORKER ? polo::TARGET_WORKER : polo::ACTOR,
                 request.mutable_worker_id(), request.mutable_worker_key());
  if ((flags & kStep) != 0) learner.Step();
  absl::StatusOr<polo::RegisterResponse> response = learner.core().Register(request);
  CheckErrorContract(response.status(), "Register");
  if (response.ok()) {
    // The contract (proto/polo.proto): the id asked for, or a fresh one;
    // the key given, or a fresh one of 32 to 128 characters.
    const bool same_id = request.worker_id().empty() || response->worker_id() == request.worker_id();
    const bool same_key =
        request.worker_key().empty() || response->worker_key() == request.worker_key();
    if (!same_id || !same_key || response->worker_key().size() < 32 ||
        response->config().task() != learner.config().task()) {
      std::fprintf(stderr, "Register: response breaks the contract: %s\n",
                   response->ShortDebugString().c_str());
      std::abort();
    }
  }
  if ((flags & kQueries) != 0) learner.Queries();
  return 0;
}

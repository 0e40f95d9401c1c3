// libFuzzer target: polo.GetWeightsRequest -> LearnerCore::GetWeights
// (README.md). kStep (FuzzLearner::Step) moves the run on to new weights
// versions, so the 16 kept ones roll over; kFixA asks for the latest
// version's number minus the request's version modulo 32 (near the kept
// window's edge).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/status/status.h"
#include "proto/polo.pb.h"
#include "server/fuzz/fuzz_learner.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace polo::fuzz;
  FuzzLearner& learner = FuzzLearner::Get();
  uint8_t flags;
  polo::GetWeightsRequest request;
  if (!ParseInput(data, size, &flags, &request)) return 0;
  if ((flags & kStep) != 0) learner.Step();
  if ((flags & kFixA) != 0) {
    if (polo::server::SharedWeights latest = learner.core().weights().Latest()) {
      request.set_version(latest->version() - request.version() % 32);
    }
  }
  absl::StatusOr<polo::server::SharedWeights> weights = learner.core().GetWeights(request);
  CheckErrorContract(weights.status(), "GetWeights");
  if (weights.ok()) {
    if (*weights == nullptr ||
        (!request.latest() && (*weights)->version() != request.version())) {
      std::fprintf(stderr, "GetWeights: not the version asked for\n");
      std::abort();
    }
    std::string wire;
    (*weights)->SerializeToString(&wire);
  }
  if ((flags & kQueries) != 0) learner.Queries();
  return 0;
}

// libFuzzer target: polo.SubscribeWeightsRequest (README.md). The streaming
// handler (server/learner_service.cc) asks LearnerCore::SubscriptionStart
// where the stream starts (bounds, the "subscriber ahead of us" rule) and
// then writes what WeightsBroadcaster::WaitNewer returns; this target does
// the same for one message, with a deadline of now, and checks it. kStep
// (FuzzLearner::Step) moves the run on to new weights versions; kFixA asks
// for the version just below the latest.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>

#include "absl/time/clock.h"
#include "proto/polo.pb.h"
#include "server/fuzz/fuzz_learner.h"
#include "server/weights_broadcaster.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace polo::fuzz;
  FuzzLearner& learner = FuzzLearner::Get();
  uint8_t flags;
  polo::SubscribeWeightsRequest request;
  if (!ParseInput(data, size, &flags, &request)) return 0;
  if ((flags & kStep) != 0) learner.Step();
  const polo::server::WeightsBroadcaster& weights = learner.core().weights();
  polo::server::SharedWeights latest = weights.Latest();
  if ((flags & kFixA) != 0 && latest != nullptr) {
    request.set_has_version(true);
    request.set_version(latest->version() - 1);
  }
  absl::StatusOr<std::optional<uint64_t>> start = learner.core().SubscriptionStart(request);
  CheckErrorContract(start.status(), "SubscribeWeights");
  if (!start.ok()) return 0;
  const bool have_any = start->has_value();
  const uint64_t have = start->value_or(0);
  if (have_any && (!request.has_version() || have != request.version())) {
    std::fprintf(stderr, "SubscriptionStart: %llu for a request of %s\n",
                 static_cast<unsigned long long>(have), request.ShortDebugString().c_str());
    std::abort();
  }
  polo::server::SharedWeights next = weights.WaitNewer(have_any, have, absl::Now());
  if (next != nullptr) {
    if (have_any && next->version() <= have) {
      std::fprintf(stderr, "WaitNewer: version %llu is not newer than %llu\n",
                   static_cast<unsigned long long>(next->version()),
                   static_cast<unsigned long long>(have));
      std::abort();
    }
    std::string wire;
    next->SerializeToString(&wire);
  } else if (!have_any && latest != nullptr) {
    std::fprintf(stderr, "WaitNewer: nothing for a subscriber with no version\n");
    std::abort();
  }
  if ((flags & kQueries) != 0) learner.Queries();
  return 0;
}

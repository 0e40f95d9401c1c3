// libFuzzer target: polo.ExperienceBatch -> LearnerCore::SubmitExperience
// (README.md). kRealId, kRealKey and kOtherKind lend the harness's actor (its
// target worker with kOtherKind). kFixA sets first_sequence to the actor's
// next expected one; kFixB pads or cuts every state's physics_state,
// features and metrics to the task's sizes (values kept), so mutated values
// reach the physics and the replay buffer.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "google/protobuf/repeated_field.h"
#include "proto/polo.pb.h"
#include "server/fuzz/fuzz_learner.h"

namespace {

void Resize(int size, google::protobuf::RepeatedField<double>* values) {
  if (values->size() > size) values->Truncate(size);
  while (values->size() < size) values->Add(0.0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace polo::fuzz;
  FuzzLearner& learner = FuzzLearner::Get();
  uint8_t flags;
  polo::ExperienceBatch batch;
  if (!ParseInput(data, size, &flags, &batch)) return 0;
  learner.Borrow(flags, polo::ACTOR, batch.mutable_worker_id(), batch.mutable_worker_key());
  if ((flags & kStep) != 0) learner.Step();
  if ((flags & kFixA) != 0) batch.set_first_sequence(learner.ActorNextSequence());
  if ((flags & kFixB) != 0) {
    const polo::RunConfig& config = learner.config();
    const int metrics = static_cast<int>(learner.task().metric_names().size());
    for (polo::VisitedState& state : *batch.mutable_states()) {
      Resize(config.physics_state_size(), state.mutable_physics_state());
      Resize(config.num_features(), state.mutable_features());
      Resize(metrics, state.mutable_metrics());
    }
  }
  // Only this thread submits, so the counters move by exactly what the ack
  // says (proto/polo.proto: a rejected batch changes nothing).
  const polo::Progress before = learner.core().GetProgress();
  absl::StatusOr<polo::ExperienceAck> ack = learner.core().SubmitExperience(batch);
  CheckErrorContract(ack.status(), "SubmitExperience");
  const polo::Progress after = learner.core().GetProgress();
  const uint64_t accepted = ack.ok() ? ack->accepted() : 0;
  const uint64_t duplicates = ack.ok() ? ack->duplicates() : 0;
  if (accepted + duplicates > static_cast<uint64_t>(batch.states_size()) ||
      after.agent_steps() != before.agent_steps() + accepted ||
      after.duplicates_dropped() != before.duplicates_dropped() + duplicates) {
    std::fprintf(stderr,
                 "SubmitExperience: %d states sent, status %s, ack {%s}, agent_steps %llu -> "
                 "%llu, duplicates_dropped %llu -> %llu\n",
                 batch.states_size(), ack.status().ToString().c_str(),
                 ack.ok() ? ack->ShortDebugString().c_str() : "",
                 static_cast<unsigned long long>(before.agent_steps()),
                 static_cast<unsigned long long>(after.agent_steps()),
                 static_cast<unsigned long long>(before.duplicates_dropped()),
                 static_cast<unsigned long long>(after.duplicates_dropped()));
    std::abort();
  }
  if ((flags & kQueries) != 0) learner.Queries();
  return 0;
}

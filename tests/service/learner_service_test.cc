// The learner service in-process over real gRPC on loopback: registration,
// deduplicated experience, bad input, both loop modes, leases and
// reassignment, the weights stream, checkpoint and resume. Each test runs
// in well under a few seconds.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <atomic>
#include <limits>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "learner/seed_schedule.h"
#include "models/state_file.h"
#include "rpc/channel.h"
#include "server/learner_flags.h"
#include "server/server_checkpoint.pb.h"
#include "tests/service/service_fixture.h"

namespace polo::testing {
namespace {

using ::grpc::StatusCode;

TEST_F(LearnerServiceTest, HealthIsServingAndReflectionListsTheLearner) {
  StartLearner(SmallConfig(polo::SYNCHRONOUS));
  auto health = grpc::health::v1::Health::NewStub(channel_);
  grpc::health::v1::HealthCheckResponse response;
  ASSERT_TRUE(health->Check(Context().get(), {}, &response).ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);

  namespace reflection = grpc::reflection::v1alpha;
  auto reflect = reflection::ServerReflection::NewStub(channel_);
  auto context = Context();
  auto stream = reflect->ServerReflectionInfo(context.get());
  reflection::ServerReflectionRequest request;
  request.set_list_services("");
  ASSERT_TRUE(stream->Write(request));
  stream->WritesDone();
  reflection::ServerReflectionResponse listing;
  ASSERT_TRUE(stream->Read(&listing));
  bool found = false;
  for (const auto& service : listing.list_services_response().service()) {
    found = found || service.name() == "polo.Learner";
  }
  EXPECT_TRUE(found) << listing.DebugString();
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_F(LearnerServiceTest, RegisterHandsOutDistinctIdsAndTheCompletedConfig) {
  StartLearner(SmallConfig(polo::SYNCHRONOUS));
  polo::RegisterResponse a = RegisterWorker(polo::ACTOR);
  polo::RegisterResponse b = RegisterWorker(polo::ACTOR);
  polo::RegisterResponse t = RegisterWorker(polo::TARGET_WORKER);
  EXPECT_NE(a.worker_id(), b.worker_id());
  EXPECT_NE(a.actor_seed(), b.actor_seed());
  EXPECT_EQ(a.config().task(), "point_mass_maze");
  EXPECT_EQ(a.config().num_features(), 4);
  EXPECT_GT(a.config().physics_state_size(), 4);
  EXPECT_EQ(a.config().episode_length(), 1000);
  EXPECT_EQ(a.next_sequence(), 0u);
  EXPECT_FALSE(t.worker_id().empty());

  polo::RegisterRequest wrong_task;
  wrong_task.set_kind(polo::ACTOR);
  wrong_task.set_expected_task("humanoid_getup");
  polo::RegisterResponse response;
  grpc::Status status = stub_->Register(Context().get(), wrong_task, &response);
  EXPECT_EQ(status.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(status.error_message().rfind("expected_task:", 0), 0u) << status.error_message();

  polo::RegisterRequest no_kind;
  status = stub_->Register(Context().get(), no_kind, &response);
  EXPECT_EQ(status.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(status.error_message().rfind("kind:", 0), 0u) << status.error_message();
}

TEST_F(LearnerServiceTest, ResentStatesAreDeduplicatedBySequenceNumber) {
  polo::RunConfig config = SmallConfig(polo::ASYNCHRONOUS);
  config.mutable_training()->set_update_every(1000);
  StartLearner(config);
  polo::RegisterResponse actor = RegisterWorker(polo::ACTOR);
  polo::ExperienceAck ack;
  ASSERT_TRUE(Send(actor, 0, 10, &ack).ok());
  EXPECT_EQ(ack.accepted(), 10u);
  EXPECT_EQ(ack.next_sequence(), 10u);
  // A retry overlapping the acked range: only states 10..14 are new.
  ASSERT_TRUE(Send(actor, 5, 10, &ack).ok());
  EXPECT_EQ(ack.accepted(), 5u);
  EXPECT_EQ(ack.duplicates(), 5u);
  EXPECT_EQ(ack.next_sequence(), 15u);
  // An exact repeat adds nothing.
  ASSERT_TRUE(Send(actor, 5, 10, &ack).ok());
  EXPECT_EQ(ack.accepted(), 0u);
  const polo::Progress progress = Progress();
  EXPECT_EQ(progress.replay_size(), 15u);
  EXPECT_EQ(progress.agent_steps(), 15u);
  EXPECT_EQ(progress.duplicates_dropped(), 15u);

  // Re-registering with the same id keeps the sequence.
  polo::RegisterResponse again = RegisterWorker(polo::ACTOR, actor.worker_id(), actor.worker_key());
  EXPECT_EQ(again.worker_id(), actor.worker_id());
  EXPECT_EQ(again.next_sequence(), 15u);

  // A gap is refused and names the field.
  grpc::Status gap = Send(actor, 20, 1, &ack);
  EXPECT_EQ(gap.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(gap.error_message().rfind("first_sequence:", 0), 0u) << gap.error_message();
}

TEST_F(LearnerServiceTest, BadInputIsRejectedNamingTheFieldAndChangesNothing) {
  StartLearner(SmallConfig(polo::ASYNCHRONOUS));
  polo::RegisterResponse actor = RegisterWorker(polo::ACTOR);
  const polo::RunConfig& config = actor.config();
  polo::ExperienceAck ack;
  ASSERT_TRUE(Send(actor, 0, 2, &ack).ok());

  auto expect_rejected = [&](polo::ExperienceBatch batch, StatusCode code,
                             const std::string& field) {
    polo::ExperienceAck bad_ack;
    grpc::Status status = stub_->SubmitExperience(Context().get(), batch, &bad_ack);
    EXPECT_EQ(status.error_code(), code) << field << ": " << status.error_message();
    EXPECT_EQ(status.error_message().rfind(field, 0), 0u) << status.error_message();
  };
  auto batch_of = [&](polo::VisitedState state) {
    polo::ExperienceBatch batch;
    batch.set_worker_id(actor.worker_id());
    batch.set_worker_key(actor.worker_key());
    batch.set_first_sequence(2);
    *batch.add_states() = State(config, 2);
    *batch.add_states() = std::move(state);
    return batch;
  };
  polo::VisitedState short_state = State(config, 3);
  short_state.mutable_physics_state()->RemoveLast();
  expect_rejected(batch_of(short_state), StatusCode::INVALID_ARGUMENT, "states[1].physics_state:");
  polo::VisitedState nan_state = State(config, 3);
  nan_state.set_features(2, std::nan(""));
  expect_rejected(batch_of(nan_state), StatusCode::INVALID_ARGUMENT, "states[1].features[2]:");
  polo::VisitedState inf_reward = State(config, 3);
  inf_reward.set_reward(std::numeric_limits<double>::infinity());
  expect_rejected(batch_of(inf_reward), StatusCode::INVALID_ARGUMENT, "states[1].reward:");
  polo::VisitedState bad_metrics = State(config, 3);
  bad_metrics.add_metrics(1.0);
  expect_rejected(batch_of(bad_metrics), StatusCode::INVALID_ARGUMENT, "states[1].metrics:");
  polo::ExperienceBatch unknown = batch_of(State(config, 3));
  unknown.set_worker_id("nobody");
  expect_rejected(unknown, StatusCode::NOT_FOUND, "worker_id:");
  polo::ExperienceBatch huge;
  huge.set_worker_id(actor.worker_id());
  huge.set_worker_key(actor.worker_key());
  for (int i = 0; i <= rpc::kMaxStatesPerMessage; ++i) huge.add_states();
  expect_rejected(huge, StatusCode::INVALID_ARGUMENT, "states:");

  // Nothing changed: a valid first state of those batches was not added.
  polo::Progress progress = Progress();
  EXPECT_EQ(progress.replay_size(), 2u);
  EXPECT_EQ(progress.agent_steps(), 2u);

  // Target results of the wrong size or version are refused too.
  polo::TargetResult result;
  result.set_worker_id("nobody");
  polo::SubmitTargetsResponse submit;
  EXPECT_EQ(stub_->SubmitTargets(Context().get(), result, &submit).error_code(),
            StatusCode::NOT_FOUND);
  // The learner still serves.
  ASSERT_TRUE(Send(actor, 2, 1, &ack).ok());
  EXPECT_EQ(ack.next_sequence(), 3u);
}

TEST_F(LearnerServiceTest, SynchronousModePausesActingUntilTheUpdateIsPublished) {
  StartLearner(SmallConfig(polo::SYNCHRONOUS));
  polo::RegisterResponse actor = RegisterWorker(polo::ACTOR);
  const uint64_t initial_version = actor.weights_version();
  polo::ExperienceAck ack;
  // Z = 4: of 6 states exactly 4 are accepted, then acting pauses.
  ASSERT_TRUE(Send(actor, 0, 6, &ack).ok());
  EXPECT_EQ(ack.accepted(), 4u);
  EXPECT_EQ(ack.next_sequence(), 4u);
  EXPECT_TRUE(ack.acting_paused());
  ASSERT_TRUE(Send(actor, 4, 2, &ack).ok());
  EXPECT_EQ(ack.accepted(), 0u);
  EXPECT_TRUE(ack.acting_paused());

  // Without target workers the update cannot finish: still paused.
  polo::WaitForActingRequest wait;
  wait.set_worker_id(actor.worker_id());
  wait.set_worker_key(actor.worker_key());
  wait.set_wait_ms(200);
  polo::ActingState acting;
  ASSERT_TRUE(stub_->WaitForActing(Context().get(), wait, &acting).ok());
  EXPECT_TRUE(acting.acting_paused());

  FakeTargetWorker worker(channel_);
  wait.set_wait_ms(10000);
  ASSERT_TRUE(stub_->WaitForActing(Context(absl::Seconds(15)).get(), wait, &acting).ok());
  EXPECT_FALSE(acting.acting_paused());
  // One version per gradient step (G = 2).
  EXPECT_EQ(acting.weights_version(), initial_version + 2);
  ASSERT_TRUE(Send(actor, 4, 2, &ack).ok());
  EXPECT_EQ(ack.accepted(), 2u);
  const polo::Progress progress = Progress();
  EXPECT_EQ(progress.updates(), 1u);
  EXPECT_EQ(progress.gradient_steps(), 2u);
  EXPECT_EQ(progress.targets_computed(), 8u);  // G jobs × n states.
}

TEST_F(LearnerServiceTest, TargetStatesAreComputedOnceAndSplitAcrossConnectedTargetWorkers) {
  polo::RunConfig config = SmallConfig(polo::SYNCHRONOUS);
  config.mutable_training()->set_target_states(6);
  config.mutable_training()->set_gradient_steps(3);
  config.mutable_targets()->set_warm_start(true);
  StartLearner(config);
  polo::RegisterResponse first = RegisterWorker(polo::TARGET_WORKER);
  polo::RegisterResponse second = RegisterWorker(polo::TARGET_WORKER);
  polo::RegisterResponse actor = RegisterWorker(polo::ACTOR);
  const uint64_t initial_version = actor.weights_version();
  const int plan_size = actor.config().targets().horizon() * core_->task().model()->nu;

  // A state whose plan has the wrong length is refused, naming the field.
  polo::ExperienceBatch bad;
  bad.set_worker_id(actor.worker_id());
  bad.set_worker_key(actor.worker_key());
  *bad.add_states() = State(actor.config(), 0);
  bad.mutable_states(0)->mutable_plan()->RemoveLast();
  polo::ExperienceAck ack;
  grpc::Status status = stub_->SubmitExperience(Context().get(), bad, &ack);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message().rfind("states[0].plan:", 0), 0u) << status.error_message();

  ASSERT_TRUE(Send(actor, 0, 4, &ack).ok());
  ASSERT_TRUE(ack.acting_paused());
  // M = 6 states, two connected target workers: two jobs of 3, each state
  // with its actor's plan.
  std::vector<polo::TargetJob> jobs;
  for (const polo::RegisterResponse* worker : {&first, &second}) {
    polo::LeaseTargetJobRequest lease;
    lease.set_worker_id(worker->worker_id());
    lease.set_worker_key(worker->worker_key());
    lease.set_wait_ms(5000);
    polo::TargetJob job;
    ASSERT_TRUE(stub_->LeaseTargetJob(Context().get(), lease, &job).ok());
    ASSERT_NE(job.job_id(), 0u);
    EXPECT_EQ(job.state_ids_size(), 3);
    EXPECT_EQ(job.plans_size(), 3 * plan_size);
    jobs.push_back(job);
  }
  polo::LeaseTargetJobRequest none;
  none.set_worker_id(first.worker_id());
  none.set_worker_key(first.worker_key());
  none.set_wait_ms(100);
  polo::TargetJob empty;
  ASSERT_TRUE(stub_->LeaseTargetJob(Context().get(), none, &empty).ok());
  EXPECT_EQ(empty.job_id(), 0u);  // Nothing more for this update.
  for (size_t j = 0; j < jobs.size(); ++j) {
    polo::TargetResult result;
    result.set_worker_id(j == 0 ? first.worker_id() : second.worker_id());
    result.set_worker_key(j == 0 ? first.worker_key() : second.worker_key());
    result.set_job_id(jobs[j].job_id());
    result.set_weights_version(jobs[j].weights_version());
    for (int i = 0; i < 3 * 2; ++i) result.add_targets(0.25);
    polo::SubmitTargetsResponse submitted;
    ASSERT_TRUE(stub_->SubmitTargets(Context().get(), result, &submitted).ok());
    EXPECT_TRUE(submitted.accepted());
  }
  polo::WaitForActingRequest wait;
  wait.set_worker_id(actor.worker_id());
  wait.set_worker_key(actor.worker_key());
  wait.set_wait_ms(10000);
  polo::ActingState acting;
  ASSERT_TRUE(stub_->WaitForActing(Context(absl::Seconds(15)).get(), wait, &acting).ok());
  EXPECT_FALSE(acting.acting_paused());
  // G = 3 Adam steps on minibatches of the 6 targets, published once.
  EXPECT_EQ(acting.weights_version(), initial_version + 3);
  const polo::Progress progress = Progress();
  EXPECT_EQ(progress.updates(), 1u);
  EXPECT_EQ(progress.gradient_steps(), 3u);
  EXPECT_EQ(progress.targets_computed(), 6u);
  EXPECT_GT(progress.last_update_s(), 0.0);
  EXPECT_LE(progress.last_update_targets_s(), progress.last_update_s());
}

TEST_F(LearnerServiceTest, AsynchronousModeKeepsAcceptingStatesDuringAnUpdate) {
  StartLearner(SmallConfig(polo::ASYNCHRONOUS));
  polo::RegisterResponse actor = RegisterWorker(polo::ACTOR);
  polo::ExperienceAck ack;
  ASSERT_TRUE(Send(actor, 0, 6, &ack).ok());
  EXPECT_EQ(ack.accepted(), 6u);
  // The update waits for targets (no target worker yet); acting goes on.
  absl::SleepFor(absl::Milliseconds(100));
  ASSERT_TRUE(Send(actor, 6, 6, &ack).ok());
  EXPECT_EQ(ack.accepted(), 6u);
  EXPECT_FALSE(ack.acting_paused());
  // All G jobs of the update are queued at once.
  EXPECT_EQ(Progress().jobs_queued(), 2u);
  {
    FakeTargetWorker worker(channel_);
    ASSERT_TRUE(core_->WaitUntilComplete(absl::Now() + absl::Milliseconds(1)) == false);
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (Progress().updates() < 1 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(10));
  }
  EXPECT_GE(Progress().updates(), 1u);
}

TEST_F(LearnerServiceTest, AVanishedWorkersJobIsReassignedAndItsLateResultDropped) {
  polo::RunConfig config = SmallConfig(polo::SYNCHRONOUS);
  config.mutable_training()->set_lease_ms(300);
  config.mutable_training()->set_gradient_steps(1);
  StartLearner(config);
  polo::RegisterResponse actor = RegisterWorker(polo::ACTOR);
  polo::RegisterResponse vanishing = RegisterWorker(polo::TARGET_WORKER);
  polo::ExperienceAck ack;
  ASSERT_TRUE(Send(actor, 0, 4, &ack).ok());
  ASSERT_TRUE(ack.acting_paused());

  polo::LeaseTargetJobRequest lease;
  lease.set_worker_id(vanishing.worker_id());
  lease.set_worker_key(vanishing.worker_key());
  lease.set_wait_ms(5000);
  polo::TargetJob job;
  ASSERT_TRUE(stub_->LeaseTargetJob(Context().get(), lease, &job).ok());
  ASSERT_NE(job.job_id(), 0u);
  EXPECT_EQ(job.state_ids_size(), 4);
  EXPECT_EQ(job.physics_states_size(), 4 * actor.config().physics_state_size());
  EXPECT_EQ(job.lease_ms(), 300);

  // Wrong sizes and versions are errors naming the field; the lease stands.
  polo::TargetResult bad;
  bad.set_worker_id(vanishing.worker_id());
  bad.set_worker_key(vanishing.worker_key());
  bad.set_job_id(job.job_id());
  bad.set_weights_version(job.weights_version());
  bad.add_targets(1.0);
  polo::SubmitTargetsResponse submitted;
  grpc::Status status = stub_->SubmitTargets(Context().get(), bad, &submitted);
  EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message().rfind("targets:", 0), 0u) << status.error_message();
  bad.set_weights_version(job.weights_version() + 7);
  status = stub_->SubmitTargets(Context().get(), bad, &submitted);
  EXPECT_EQ(status.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(status.error_message().rfind("weights_version:", 0), 0u) << status.error_message();

  // The worker goes silent; after its lease another worker gets the job.
  {
    FakeTargetWorker rescuer(channel_);
    polo::WaitForActingRequest wait;
    wait.set_worker_id(actor.worker_id());
    wait.set_worker_key(actor.worker_key());
    wait.set_wait_ms(10000);
    polo::ActingState acting;
    ASSERT_TRUE(stub_->WaitForActing(Context(absl::Seconds(15)).get(), wait, &acting).ok());
    EXPECT_FALSE(acting.acting_paused());
  }
  // The late result arrives: dropped, not counted.
  polo::TargetResult late;
  late.set_worker_id(vanishing.worker_id());
  late.set_worker_key(vanishing.worker_key());
  late.set_job_id(job.job_id());
  late.set_weights_version(job.weights_version());
  for (int i = 0; i < 4 * 2; ++i) late.add_targets(9.0);
  ASSERT_TRUE(stub_->SubmitTargets(Context().get(), late, &submitted).ok());
  EXPECT_FALSE(submitted.accepted());
  const polo::Progress progress = Progress();
  EXPECT_EQ(progress.jobs_reassigned(), 1u);
  EXPECT_EQ(progress.late_results_dropped(), 1u);
  EXPECT_EQ(progress.targets_computed(), 4u);  // Counted once.
  EXPECT_EQ(progress.gradient_steps(), 1u);
}

TEST_F(LearnerServiceTest, SubscribersReceiveTheCurrentAndEachNewerVersion) {
  StartLearner(SmallConfig(polo::SYNCHRONOUS));
  polo::RegisterResponse actor = RegisterWorker(polo::ACTOR);
  auto context = Context();
  polo::SubscribeWeightsRequest request;
  request.set_worker_id(actor.worker_id());
  auto stream = stub_->SubscribeWeights(context.get(), request);
  polo::EnsembleWeights weights;
  ASSERT_TRUE(stream->Read(&weights));
  EXPECT_EQ(weights.version(), actor.weights_version());
  EXPECT_EQ(weights.members_size(), 2);

  FakeTargetWorker worker(channel_);
  polo::ExperienceAck ack;
  ASSERT_TRUE(Send(actor, 0, 4, &ack).ok());
  // Versions arrive in increasing order until the update's last one.
  const uint64_t final_version = actor.weights_version() + 2;
  uint64_t last = weights.version();
  while (last < final_version) {
    ASSERT_TRUE(stream->Read(&weights));
    EXPECT_GT(weights.version(), last);
    last = weights.version();
  }
  EXPECT_EQ(last, final_version);
  polo::GetWeightsRequest get;
  get.set_version(final_version);
  polo::EnsembleWeights exact;
  ASSERT_TRUE(stub_->GetWeights(Context().get(), get, &exact).ok());
  EXPECT_EQ(exact.SerializeAsString(), weights.SerializeAsString());
  context->TryCancel();
}

// Where a stream starts: a subscriber with a version gets only newer ones;
// one ahead of this learner (it knew an earlier instance that got further)
// or with none is sent the newest at once.
TEST_F(LearnerServiceTest, ASubscriberAheadOfTheLearnerIsSentTheNewest) {
  StartLearner(SmallConfig(polo::SYNCHRONOUS));
  polo::RegisterResponse actor = RegisterWorker(polo::ACTOR);
  const uint64_t current = actor.weights_version();
  polo::SubscribeWeightsRequest request;
  absl::StatusOr<std::optional<uint64_t>> start = core_->SubscriptionStart(request);
  ASSERT_TRUE(start.ok());
  EXPECT_FALSE(start->has_value());
  request.set_has_version(true);
  request.set_version(current);
  start = core_->SubscriptionStart(request);
  ASSERT_TRUE(start.ok());
  EXPECT_EQ(*start, std::optional<uint64_t>(current));
  request.set_version(current + 1000);
  start = core_->SubscriptionStart(request);
  ASSERT_TRUE(start.ok());
  EXPECT_FALSE(start->has_value());

  auto context = Context();
  auto stream = stub_->SubscribeWeights(context.get(), request);
  polo::EnsembleWeights weights;
  ASSERT_TRUE(stream->Read(&weights));
  EXPECT_EQ(weights.version(), current);
  context->TryCancel();
}

TEST_F(LearnerServiceTest, ACheckpointIsResumedWithCountersSequencesAndBuffer) {
  const std::string run_dir = std::string(std::getenv("TEST_TMPDIR")) + "/resume_run";
  std::filesystem::remove_all(run_dir);
  polo::RunConfig config = SmallConfig(polo::SYNCHRONOUS);
  config.set_seed(7);
  StartLearner(config, run_dir);
  polo::RegisterResponse actor = RegisterWorker(polo::ACTOR);
  uint64_t version_before;
  {
    FakeTargetWorker worker(channel_);
    polo::ExperienceAck ack;
    ASSERT_TRUE(Send(actor, 0, 4, &ack).ok());
    EXPECT_EQ(ack.durable_sequence(), 0u);
    polo::WaitForActingRequest wait;
    wait.set_worker_id(actor.worker_id());
    wait.set_worker_key(actor.worker_key());
    wait.set_wait_ms(10000);
    polo::ActingState acting;
    ASSERT_TRUE(stub_->WaitForActing(Context(absl::Seconds(15)).get(), wait, &acting).ok());
    ASSERT_FALSE(acting.acting_paused());
    version_before = acting.weights_version();
    ASSERT_TRUE(Send(actor, 4, 3, &ack).ok());
    polo::CheckpointResponse checkpoint;
    ASSERT_TRUE(
        stub_->Checkpoint(Context(absl::Seconds(20)).get(), polo::CheckpointRequest(), &checkpoint)
            .ok());
    EXPECT_EQ(checkpoint.agent_steps(), 7u);
    EXPECT_TRUE(std::filesystem::exists(checkpoint.path() + "/trainer.pb"));
    ASSERT_TRUE(Send(actor, 7, 0, &ack).ok());
    EXPECT_EQ(ack.durable_sequence(), 7u);
  }
  // Two states after the checkpoint, then a crash-like restart from it.
  polo::ExperienceAck ack;
  ASSERT_TRUE(Send(actor, 7, 2, &ack).ok());
  EXPECT_EQ(ack.next_sequence(), 8u);  // Z reached at 8: paused.
  server_->Shutdown();
  service_->Shutdown();
  server_.reset();
  service_.reset();
  // Simulate SIGKILL: do not let Stop write a final checkpoint.
  std::filesystem::rename(run_dir, run_dir + ".saved");
  (void)core_->Stop();  // Its final checkpoint lands in the moved folder.
  core_.reset();
  std::filesystem::remove_all(run_dir);
  std::filesystem::rename(run_dir + ".saved", run_dir);

  StartLearner(SmallConfig(polo::ASYNCHRONOUS), run_dir, /*resume=*/true);
  polo::RegisterResponse again = RegisterWorker(polo::ACTOR, actor.worker_id(), actor.worker_key());
  // The run keeps its own config (SYNCHRONOUS, seed 7) and counters.
  EXPECT_EQ(again.config().mode(), polo::SYNCHRONOUS);
  EXPECT_EQ(again.config().seed(), 7u);
  EXPECT_EQ(again.next_sequence(), 7u);  // The actor resends state 7.
  EXPECT_EQ(again.weights_version(), version_before);
  polo::Progress progress = Progress();
  EXPECT_EQ(progress.agent_steps(), 7u);
  EXPECT_EQ(progress.replay_size(), 7u);
  EXPECT_EQ(progress.updates(), 1u);
  ASSERT_TRUE(Send(again, 7, 1, &ack).ok());
  EXPECT_EQ(ack.accepted(), 1u);
  EXPECT_EQ(Progress().agent_steps(), 8u);
  polo::RunStatus status;
  ASSERT_TRUE(stub_->GetStatus(Context().get(), polo::StatusRequest(), &status).ok());
  EXPECT_FALSE(status.resumed_from().empty());
}

TEST_F(LearnerServiceTest, AnUpdateAbandonedOnStopIsRunAfterResume) {
  const std::string run_dir = std::string(std::getenv("TEST_TMPDIR")) + "/abandoned_run";
  std::filesystem::remove_all(run_dir);
  StartLearner(SmallConfig(polo::SYNCHRONOUS), run_dir);
  polo::RegisterResponse actor = RegisterWorker(polo::ACTOR);
  polo::ExperienceAck ack;
  ASSERT_TRUE(Send(actor, 0, 4, &ack).ok());
  ASSERT_TRUE(ack.acting_paused());
  StopLearner();  // No target worker: the update is abandoned; final checkpoint.

  StartLearner(SmallConfig(polo::SYNCHRONOUS), run_dir, /*resume=*/true);
  polo::RegisterResponse again = RegisterWorker(polo::ACTOR, actor.worker_id(), actor.worker_key());
  EXPECT_EQ(again.next_sequence(), 4u);
  ASSERT_TRUE(Send(again, 4, 1, &ack).ok());
  EXPECT_EQ(ack.accepted(), 0u);
  EXPECT_TRUE(ack.acting_paused());
  FakeTargetWorker worker(channel_);
  polo::WaitForActingRequest wait;
  wait.set_worker_id(again.worker_id());
  wait.set_worker_key(again.worker_key());
  wait.set_wait_ms(10000);
  polo::ActingState acting;
  ASSERT_TRUE(stub_->WaitForActing(Context(absl::Seconds(15)).get(), wait, &acting).ok());
  EXPECT_FALSE(acting.acting_paused());
  EXPECT_EQ(Progress().updates(), 1u);
}

TEST_F(LearnerServiceTest, AnEpisodeEndAppendsALineToEpisodesJsonlAndShowsInProgress) {
  const std::string run_dir = std::string(std::getenv("TEST_TMPDIR")) + "/episodes_run";
  std::filesystem::remove_all(run_dir);
  StartLearner(SmallConfig(polo::ASYNCHRONOUS), run_dir);
  polo::RegisterResponse actor = RegisterWorker(polo::ACTOR);
  polo::ExperienceBatch batch;
  batch.set_worker_id(actor.worker_id());
  batch.set_worker_key(actor.worker_key());
  for (int i = 0; i < 3; ++i) *batch.add_states() = State(actor.config(), i, /*episode_end=*/i == 2);
  polo::ExperienceAck ack;
  ASSERT_TRUE(stub_->SubmitExperience(Context().get(), batch, &ack).ok());
  ASSERT_EQ(ack.accepted(), 3u);
  const polo::Progress progress = Progress();
  EXPECT_EQ(progress.episodes(), 1u);
  ASSERT_TRUE(progress.has_last_episode());
  EXPECT_EQ(progress.last_episode().episode(), 1u);
  EXPECT_EQ(progress.last_episode().length(), 3u);
  EXPECT_EQ(progress.last_episode().agent_steps(), 3u);
  EXPECT_TRUE(progress.last_episode().has_coverage());
  EXPECT_GE(progress.cpu_utilisation_total(), 0.0);
  // Written before the ack returned.
  std::ifstream in(run_dir + "/episodes.jsonl");
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_NE(lines[0].find(",\"episode\":1,"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("\"worker_id\":\"" + actor.worker_id() + "\""), std::string::npos)
      << lines[0];
  EXPECT_NE(lines[0].find(",\"length\":3,"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find(",\"coverage\":"), std::string::npos) << lines[0];
}

TEST_F(LearnerServiceTest, AFinishedEpisodesStatesAreWrittenForReplayWhenAllOfItWasSeen) {
  const std::string run_dir = std::string(std::getenv("TEST_TMPDIR")) + "/recorded_run";
  std::filesystem::remove_all(run_dir);
  StartLearner(SmallConfig(polo::ASYNCHRONOUS), run_dir);
  polo::RegisterResponse actor = RegisterWorker(polo::ACTOR);
  polo::ExperienceBatch batch;
  batch.set_worker_id(actor.worker_id());
  batch.set_worker_key(actor.worker_key());
  // Episode 0 whole (steps 0..2); episode 1 seen from step 1 only (as after
  // a resume): only the first is written.
  for (int i = 0; i < 3; ++i) *batch.add_states() = State(actor.config(), i, /*episode_end=*/i == 2);
  for (int i = 1; i < 3; ++i) {
    polo::VisitedState s = State(actor.config(), i, /*episode_end=*/i == 2);
    s.set_episode(1);
    *batch.add_states() = s;
  }
  polo::ExperienceAck ack;
  ASSERT_TRUE(stub_->SubmitExperience(Context().get(), batch, &ack).ok());
  ASSERT_EQ(Progress().episodes(), 2u);
  absl::StatusOr<models::StateFile> file = models::ReadStateFile(run_dir + "/episodes/1.states");
  ASSERT_TRUE(file.ok()) << file.status();
  EXPECT_EQ(file->task, "point_mass_maze");
  ASSERT_EQ(file->count(), 3u);
  for (int i = 0; i < 3; ++i) {
    const polo::VisitedState sent = State(actor.config(), i);
    for (int k = 0; k < file->state_size; ++k) {
      EXPECT_EQ(file->states[i * file->state_size + k], sent.physics_state(k)) << i << "," << k;
    }
  }
  EXPECT_FALSE(std::filesystem::exists(run_dir + "/episodes/2.states"));
}

TEST_F(LearnerServiceTest, StopFromSeveralThreadsAtOnceStopsOnceAndAnswersAll) {
  const std::string run_dir = std::string(std::getenv("TEST_TMPDIR")) + "/concurrent_stop";
  std::filesystem::remove_all(run_dir);
  StartLearner(SmallConfig(polo::SYNCHRONOUS), run_dir);
  service_->Shutdown();
  std::vector<std::thread> stoppers;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i) {
    stoppers.emplace_back([&] { ok += core_->Stop().ok() ? 1 : 0; });
  }
  for (std::thread& t : stoppers) t.join();
  EXPECT_EQ(ok.load(), 8);
  // One final checkpoint, not one per caller.
  int checkpoints = 0;
  for (const auto& e : std::filesystem::directory_iterator(run_dir + "/checkpoints")) {
    checkpoints += e.is_directory();
  }
  EXPECT_EQ(checkpoints, 1);
}

TEST_F(LearnerServiceTest, AResumedRunContinuesTheReplayDrawsAndActorIndices) {
  const std::string run_dir = std::string(std::getenv("TEST_TMPDIR")) + "/seed_schedule";
  std::filesystem::remove_all(run_dir);
  const polo::RunConfig config = SmallConfig(polo::SYNCHRONOUS);  // Z = 4, G = 2.
  StartLearner(config, run_dir);
  polo::RegisterResponse first = RegisterWorker(polo::ACTOR);
  EXPECT_EQ(first.actor_seed(), learner::ActorSeed(config.seed(), 0));
  {
    FakeTargetWorker worker(channel_);
    polo::ExperienceAck ack;
    ASSERT_TRUE(Send(first, 0, 4, &ack).ok());
    const absl::Time deadline = absl::Now() + absl::Seconds(20);
    while (Progress().updates() < 1 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(10));
    ASSERT_EQ(Progress().updates(), 1u);
  }
  StopLearner();
  std::ifstream latest(run_dir + "/checkpoints/LATEST");
  std::string name;
  latest >> name;
  polo::LearnerState state;
  {
    std::ifstream in(run_dir + "/checkpoints/" + name + "/learner.pb", std::ios::binary);
    ASSERT_TRUE(state.ParseFromIstream(&in));
  }
  EXPECT_EQ(state.replay_draws(), 2u);  // G = 2 minibatches.
  EXPECT_EQ(state.next_actor_index(), 1u);

  // The resumed learner neither reuses an actor's seed nor a draw's: a new
  // actor is index 1, and the next update's target states come from draws
  // 2 and 3 (their ids carry the draw above bit 16).
  StartLearner(config, run_dir, /*resume=*/true, port_);
  polo::RegisterResponse second = RegisterWorker(polo::ACTOR);
  EXPECT_EQ(second.actor_seed(), learner::ActorSeed(config.seed(), 1));
  polo::ExperienceAck ack;
  ASSERT_TRUE(Send(second, 0, 4, &ack).ok());
  polo::RegisterResponse target = RegisterWorker(polo::TARGET_WORKER);
  polo::LeaseTargetJobRequest lease;
  lease.set_worker_id(target.worker_id());
  lease.set_worker_key(target.worker_key());
  lease.set_wait_ms(5000);
  polo::TargetJob job;
  ASSERT_TRUE(stub_->LeaseTargetJob(Context().get(), lease, &job).ok());
  ASSERT_GT(job.state_ids_size(), 0);
  EXPECT_EQ(job.state_ids(0) >> 16, 2u);
}

TEST_F(LearnerServiceTest, ResumingARunThatDiedBeforeItsFirstCheckpointStartsItFresh) {
  // A supervisor restarts a learner with --resume whatever happened; a run
  // folder without a checkpoint yet must not make that a crash loop.
  const std::string run_dir = std::string(std::getenv("TEST_TMPDIR")) + "/died_early";
  std::filesystem::remove_all(run_dir);
  std::filesystem::create_directories(run_dir);
  std::ofstream(run_dir + "/metrics.jsonl") << "";
  StartLearner(SmallConfig(polo::ASYNCHRONOUS), run_dir, /*resume=*/true);
  polo::RunStatus status;
  ASSERT_TRUE(stub_->GetStatus(Context().get(), {}, &status).ok());
  EXPECT_EQ(status.resumed_from(), "");
  // An actor of the dead instance resends from its first state: it all
  // counts once.
  polo::RegisterResponse actor = RegisterWorker(polo::ACTOR, "actor-0",
                                                std::string(32, 'k'));
  EXPECT_EQ(actor.next_sequence(), 0u);
  polo::ExperienceAck ack;
  ASSERT_TRUE(Send(actor, 0, 5, &ack).ok());
  ASSERT_TRUE(Send(actor, 0, 5, &ack).ok());
  EXPECT_EQ(Progress().agent_steps(), 5u);
}

TEST_F(LearnerServiceTest, ASecondLearnerCanTakeNeitherTheRunFolderNorThePort) {
  const std::string run_dir = std::string(std::getenv("TEST_TMPDIR")) + "/taken";
  std::filesystem::remove_all(run_dir);
  StartLearner(SmallConfig(polo::ASYNCHRONOUS), run_dir);
  server::LearnerOptions options;
  options.config = SmallConfig(polo::ASYNCHRONOUS);
  options.run_dir = run_dir;
  const absl::Status folder = server::LearnerCore::Create(options).status();
  EXPECT_EQ(folder.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(folder.message().find("is in use by another learner (pid "), std::string::npos)
      << folder.message();
  // Without SO_REUSEPORT a second server cannot share the port (two
  // learners would split the workers' traffic).
  options.run_dir = "";
  absl::StatusOr<std::unique_ptr<server::LearnerCore>> other = server::LearnerCore::Create(options);
  ASSERT_TRUE(other.ok());
  server::LearnerService service(other->get());
  int port = 0;
  const absl::Status bound =
      server::BuildLearnerServer(absl::StrCat("127.0.0.1:", port_), &service, &port).status();
  EXPECT_EQ(bound.code(), absl::StatusCode::kUnavailable) << bound;
  // Once the first learner is gone, the folder is free again.
  StopLearner();
  options.run_dir = run_dir;
  EXPECT_TRUE(server::LearnerCore::Create(options).ok());
}

TEST_F(LearnerServiceTest, ANonPositiveCheckpointPeriodIsRefused) {
  server::LearnerOptions options;
  options.config = SmallConfig(polo::SYNCHRONOUS);
  options.checkpoint_period = absl::ZeroDuration();
  EXPECT_EQ(server::LearnerCore::Create(options).status().message(),
            "checkpoint_period: got 0, expected > 0");
  EXPECT_EQ(server::InFlagTerms(server::LearnerCore::Create(options).status()).message(),
            "--checkpoint_every_s: got 0, expected > 0");
}

TEST_F(LearnerServiceTest, CheckpointWithoutARunFolderIsFailedPrecondition) {
  StartLearner(SmallConfig(polo::SYNCHRONOUS));
  polo::CheckpointResponse response;
  grpc::Status status =
      stub_->Checkpoint(Context().get(), polo::CheckpointRequest(), &response);
  EXPECT_EQ(status.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(status.error_message().rfind("run_dir:", 0), 0u);
}

TEST_F(LearnerServiceTest, WorkersAreListedWithTheirContributions) {
  polo::RunConfig config = SmallConfig(polo::ASYNCHRONOUS);
  config.mutable_training()->set_update_every(1000);
  StartLearner(config);
  polo::RegisterResponse actor = RegisterWorker(polo::ACTOR);
  RegisterWorker(polo::TARGET_WORKER);
  polo::ExperienceAck ack;
  ASSERT_TRUE(Send(actor, 0, 5, &ack).ok());
  polo::ListWorkersResponse workers;
  ASSERT_TRUE(stub_->ListWorkers(Context().get(), polo::ListWorkersRequest(), &workers).ok());
  ASSERT_EQ(workers.workers_size(), 2);
  for (const polo::WorkerInfo& w : workers.workers()) {
    EXPECT_TRUE(w.connected());
    if (w.worker_id() == actor.worker_id()) {
      EXPECT_EQ(w.kind(), polo::ACTOR);
      EXPECT_EQ(w.items(), 5u);
    } else {
      EXPECT_EQ(w.kind(), polo::TARGET_WORKER);
    }
  }
  polo::UnregisterRequest bye;
  bye.set_worker_id(actor.worker_id());
  bye.set_worker_key(actor.worker_key());
  polo::UnregisterResponse unused;
  ASSERT_TRUE(stub_->Unregister(Context().get(), bye, &unused).ok());
  ASSERT_TRUE(stub_->ListWorkers(Context().get(), polo::ListWorkersRequest(), &workers).ok());
  for (const polo::WorkerInfo& w : workers.workers()) {
    if (w.worker_id() == actor.worker_id()) {
      EXPECT_FALSE(w.connected());
    }
  }
}

}  // namespace
}  // namespace polo::testing

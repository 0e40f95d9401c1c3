// The real Actor and TargetWorker (worker/) against an in-process learner
// over loopback gRPC: a synchronous run to completion, and an actor that
// outlives its learner and resends what the restarted learner had not
// accepted; real target workers slower than their lease; and the weights
// subscription across updates and a restart; and a one-actor, one-target-
// worker synchronous run against the reference loop, bit for bit.
// Fast suite; each test takes a few seconds.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "learner/polo_loop.h"
#include "learner/replay_buffer.h"
#include "models/registry.h"
#include "planner/thread_pool.h"
#include "rpc/channel.h"
#include "config/polo_settings.h"
#include "config/run_config.h"
#include "server/checkpoint.h"
#include "tests/service/service_fixture.h"
#include "worker/actor.h"
#include "worker/learner_client.h"
#include "worker/target_worker.h"

namespace polo::testing {
namespace {


// Runs a worker on its own thread; joins on destruction after Stop().
template <typename Worker, typename Options>
class Running {
 public:
  Running(std::shared_ptr<grpc::Channel> channel, Options options)
      : worker_(std::move(channel), std::move(options)),
        thread_([this] { status_ = worker_.Run(); }) {}
  ~Running() {
    worker_.Stop();
    thread_.join();
  }
  // Joins the thread (the worker returns by itself) and returns Run's status.
  absl::Status Join() {
    thread_.join();
    thread_ = std::thread([] {});
    return status_;
  }
  Worker& worker() { return worker_; }

 private:
  Worker worker_;
  absl::Status status_;
  std::thread thread_;
};

using RunningActor = Running<worker::Actor, worker::ActorOptions>;
using RunningTargetWorker = Running<worker::TargetWorker, worker::TargetWorkerOptions>;

std::shared_ptr<grpc::Channel> ChannelTo(int port) {
  return rpc::MakeLearnerChannel(absl::StrCat("127.0.0.1:", port));
}

TEST_F(LearnerServiceTest, AnActorAndATargetWorkerCompleteASynchronousRun) {
  StartLearner(CheapConfig(12));
  RunningTargetWorker targets(ChannelTo(port_), {});
  RunningActor actor(ChannelTo(port_), {});
  ASSERT_TRUE(actor.Join().ok());  // Returns once no more steps are taken.
  ASSERT_TRUE(core_->WaitUntilComplete(absl::Now() + absl::Seconds(30)));  // The last update.
  const polo::Progress p = Progress();
  EXPECT_EQ(p.agent_steps(), 12u);
  EXPECT_EQ(p.updates(), 3u);  // Z = 4: at t = 4, 8, 12 (Algorithm 1).
  EXPECT_EQ(actor.worker().steps() - actor.worker().unaccepted(), 12u);
  EXPECT_GE(targets.worker().jobs_done(), 3u);
  EXPECT_EQ(p.update_failures(), 0u);
}

// Everything a synchronous run does is a function of the run's seed
// (learner/seed_schedule.h): with one actor and one target worker the
// service must be the reference loop (learner/polo_loop.h), bit for bit,
// though the states and targets cross gRPC and the processes' rollout
// threads differ (2 each here, 1 in the loop).
learner::PoloSettings LoopSettings(const polo::RunConfig& c) {
  return config::PoloSettingsFromConfig(c);
}

TEST_F(LearnerServiceTest, AOneActorOneTargetWorkerSynchronousRunIsTheReferenceLoopBitForBit) {
  const std::string run_dir = std::string(std::getenv("TEST_TMPDIR")) + "/equivalence";
  std::filesystem::remove_all(run_dir);
  constexpr int kSteps = 24;
  polo::RunConfig config = CheapConfig(kSteps);  // Z = 4, G = 2, n = 4: 6 updates.
  config.set_seed(11);
  config.set_episode_length(10);  // Two resets inside the run.
  config.mutable_training()->set_min_replay_size(0);
  config.mutable_training()->set_target_noise(0.1);  // The trainer's own stream too.
  StartLearner(config, run_dir);
  {
    worker::TargetWorkerOptions target_options;
    target_options.threads = 2;
    worker::ActorOptions actor_options;
    actor_options.threads = 2;
    RunningTargetWorker targets(ChannelTo(port_), target_options);
    RunningActor actor(ChannelTo(port_), actor_options);
    ASSERT_TRUE(actor.Join().ok());
    ASSERT_TRUE(core_->WaitUntilComplete(absl::Now() + absl::Seconds(60)));
  }
  ASSERT_EQ(Progress().updates(), 6u);
  polo::GetWeightsRequest latest;
  latest.set_latest(true);
  polo::EnsembleWeights service_weights;
  ASSERT_TRUE(stub_->GetWeights(Context().get(), latest, &service_weights).ok());
  const polo::RunConfig completed = core_->config();
  StopLearner();  // Its final checkpoint holds the replay buffer.
  absl::StatusOr<server::LoadedCheckpoint> checkpoint = server::LoadLatestCheckpoint(run_dir);
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.status();
  absl::StatusOr<std::unique_ptr<learner::ReplayBuffer>> service_replay =
      learner::ReplayBuffer::FromProto(checkpoint->replay);
  ASSERT_TRUE(service_replay.ok()) << service_replay.status();

  absl::StatusOr<std::unique_ptr<models::Task>> task = models::MakeTask(completed.task());
  ASSERT_TRUE(task.ok());
  planner::ThreadPool pool(1);
  absl::StatusOr<std::unique_ptr<learner::PoloLoop>> loop =
      learner::PoloLoop::Create(task->get(), LoopSettings(completed), &pool);
  ASSERT_TRUE(loop.ok()) << loop.status();
  int updates = 0;
  for (int t = 0; t < kSteps; ++t) {
    absl::StatusOr<learner::PoloStep> step = (*loop)->Step();
    ASSERT_TRUE(step.ok()) << step.status();
    updates += step->updated;
  }
  EXPECT_EQ(updates, 6);

  // The same states visited, in the same order, to the last bit.
  const std::vector<learner::ReplayEntry> reference = (*loop)->buffer().Contents();
  const std::vector<learner::ReplayEntry> served = (*service_replay)->Contents();
  ASSERT_EQ(served.size(), reference.size());
  for (size_t i = 0; i < reference.size(); ++i) {
    EXPECT_EQ(served[i].physics_state, reference[i].physics_state) << "state " << i;
    EXPECT_EQ(served[i].features, reference[i].features) << "state " << i;
  }
  // The same weights after the same targets and Adam steps.
  absl::StatusOr<polo::EnsembleWeights> reference_weights = (*loop)->weights();
  ASSERT_TRUE(reference_weights.ok());
  service_weights.clear_agent_steps();  // Stamped by the service only.
  EXPECT_EQ(service_weights.version(), reference_weights->version());
  const std::string served_bytes = service_weights.SerializeAsString();
  const std::string reference_bytes = reference_weights->SerializeAsString();
  const auto differ = std::mismatch(served_bytes.begin(), served_bytes.end(),
                                    reference_bytes.begin(), reference_bytes.end());
  EXPECT_TRUE(served_bytes == reference_bytes)
      << "the serialised weights first differ at byte " << (differ.first - served_bytes.begin())
      << " of " << served_bytes.size();
}

// Workers join and leave mid-run (scale up, scale down): the run neither
// stalls nor loses or doubles a state, in both modes, and ListWorkers shows
// a departed actor at once (it unregisters; one that dies silently shows
// disconnected after WorkerRegistry::kConnectedWindow, 10 s, well inside
// the 30 s lease).
class WorkersComeAndGoTest : public LearnerServiceTest,
                             public ::testing::WithParamInterface<polo::LoopMode> {};

TEST_P(WorkersComeAndGoTest, ActorsAndTargetWorkersJoinAndLeaveWithoutStallingTheRun) {
  constexpr uint64_t kSteps = 60;
  polo::RunConfig config = CheapConfig(kSteps);
  config.set_mode(GetParam());
  StartLearner(config);
  auto wait_for_steps = [this](uint64_t n) {
    const absl::Time deadline = absl::Now() + absl::Seconds(60);
    while (Progress().agent_steps() < n && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(10));
    }
    return Progress().agent_steps() >= n;
  };
  auto first_target = std::make_unique<RunningTargetWorker>(ChannelTo(port_),
                                                            worker::TargetWorkerOptions());
  auto leaving = std::make_unique<RunningActor>(ChannelTo(port_), worker::ActorOptions());
  ASSERT_TRUE(wait_for_steps(12));
  // Scale up: another actor and another target worker.
  RunningActor staying(ChannelTo(port_), worker::ActorOptions());
  RunningTargetWorker second_target(ChannelTo(port_), worker::TargetWorkerOptions());
  ASSERT_TRUE(wait_for_steps(24));
  // Scale down: the first actor and target worker stop (SIGTERM's path).
  const std::string left = leaving->worker().worker_id();
  leaving.reset();
  first_target.reset();
  polo::ListWorkersResponse workers;
  ASSERT_TRUE(stub_->ListWorkers(Context().get(), {}, &workers).ok());
  bool listed = false;
  for (int i = 0; i < workers.workers_size(); ++i) {
    if (workers.workers(i).worker_id() != left) continue;
    listed = true;
    EXPECT_FALSE(workers.workers(i).connected());
  }
  EXPECT_TRUE(listed) << left;
  // The others finish the run.
  ASSERT_TRUE(staying.Join().ok());
  ASSERT_TRUE(core_->WaitUntilComplete(absl::Now() + absl::Seconds(60)));
  const polo::Progress p = Progress();
  EXPECT_EQ(p.agent_steps(), kSteps);
  EXPECT_EQ(p.replay_size(), kSteps);  // None lost, none twice.
  EXPECT_EQ(p.update_failures(), 0u);
  if (GetParam() == polo::SYNCHRONOUS) {
    EXPECT_EQ(p.updates(), kSteps / 4);  // Z = 4.
  }
}

INSTANTIATE_TEST_SUITE_P(BothModes, WorkersComeAndGoTest,
                         ::testing::Values(polo::SYNCHRONOUS, polo::ASYNCHRONOUS));

TEST_F(LearnerServiceTest, AnActorHoldsItsStatesThroughALearnerRestartAndResendsThem) {
  const std::string run_dir = std::string(std::getenv("TEST_TMPDIR")) + "/worker_restart";
  std::filesystem::remove_all(run_dir);
  StartLearner(CheapConfig(24), run_dir);
  const int port = port_;
  RunningTargetWorker targets(ChannelTo(port), {});
  RunningActor actor(ChannelTo(port), {});
  // Let it act past a few updates, then restart the learner from its final
  // checkpoint on the same port while the workers keep running.
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (Progress().agent_steps() < 10 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_GE(Progress().agent_steps(), 10u);
  StopLearner();
  StartLearner(CheapConfig(24), run_dir, /*resume=*/true, port);
  ASSERT_TRUE(actor.Join().ok());
  ASSERT_TRUE(core_->WaitUntilComplete(absl::Now() + absl::Seconds(30)));
  const polo::Progress p = Progress();
  EXPECT_EQ(p.agent_steps(), 24u);  // Every step once: none lost, none twice.
  EXPECT_EQ(p.replay_size(), 24u);
  EXPECT_EQ(p.updates(), 6u);
}

TEST_F(LearnerServiceTest, TargetWorkersSlowerThanTheLeaseLoseJobsAndTheRunStillCompletes) {
  // Targets far dearer than a 20 ms lease (N = 64, 256 rollouts per state):
  // leases expire, jobs go to the other worker, late results are dropped,
  // and the lease doubling on each expiry lets every job finish.
  polo::RunConfig config = CheapConfig(8);
  config.mutable_targets()->set_horizon(64);
  config.mutable_targets()->set_num_rollouts(256);
  config.mutable_training()->set_lease_ms(20);
  StartLearner(config);
  RunningTargetWorker first(ChannelTo(port_), {});
  RunningTargetWorker second(ChannelTo(port_), {});
  RunningActor actor(ChannelTo(port_), {});
  ASSERT_TRUE(actor.Join().ok());
  ASSERT_TRUE(core_->WaitUntilComplete(absl::Now() + absl::Seconds(120)));
  const polo::Progress p = Progress();
  EXPECT_EQ(p.updates(), 2u);
  EXPECT_GT(p.jobs_reassigned(), 0u);
  EXPECT_GT(p.late_results_dropped(), 0u);  // The losing worker's result.
  EXPECT_EQ(p.update_failures(), 0u);
  EXPECT_GT(first.worker().jobs_done() + second.worker().jobs_done(), 0u);
}

TEST_F(LearnerServiceTest, AWeightsSubscriptionFollowsUpdatesAndResubscribesAfterARestart) {
  const std::string run_dir = std::string(std::getenv("TEST_TMPDIR")) + "/subscription";
  std::filesystem::remove_all(run_dir);
  StartLearner(SmallConfig(polo::SYNCHRONOUS), run_dir);
  const int port = port_;
  worker::WeightsSubscription subscription(ChannelTo(port), "");
  std::shared_ptr<const polo::EnsembleWeights> initial =
      subscription.WaitForVersion(0, absl::Now() + absl::Seconds(10));
  ASSERT_NE(initial, nullptr);
  EXPECT_EQ(initial->version(), 0u);
  // One update (Z = 4 states, targets from a fake worker) publishes newer
  // weights; the subscription has them without asking.
  {
    FakeTargetWorker targets(channel_);
    polo::RegisterResponse actor = RegisterWorker(polo::ACTOR);
    polo::ExperienceAck ack;
    ASSERT_TRUE(Send(actor, 0, 4, &ack).ok());
    const absl::Time deadline = absl::Now() + absl::Seconds(20);
    while (Progress().updates() < 1 && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(20));
    }
    ASSERT_EQ(Progress().updates(), 1u);
  }
  const uint64_t before_restart = Progress().weights_version();
  std::shared_ptr<const polo::EnsembleWeights> updated =
      subscription.WaitForVersion(before_restart, absl::Now() + absl::Seconds(20));
  ASSERT_NE(updated, nullptr);
  EXPECT_EQ(updated->version(), before_restart);
  EXPECT_EQ(updated->agent_steps(), 4u);  // Stamped at publication (κ schedule).
  // The learner goes away and comes back (from its final checkpoint) on the
  // same port: the stream is re-established with backoff, by itself.
  StopLearner();
  StartLearner(SmallConfig(polo::SYNCHRONOUS), run_dir, /*resume=*/true, port);
  FakeTargetWorker targets(channel_);
  polo::RegisterResponse actor = RegisterWorker(polo::ACTOR);
  polo::ExperienceAck ack;
  ASSERT_TRUE(Send(actor, 0, 4, &ack).ok());
  std::shared_ptr<const polo::EnsembleWeights> after =
      subscription.WaitForVersion(before_restart + 1, absl::Now() + absl::Seconds(30));
  ASSERT_NE(after, nullptr);
  EXPECT_GT(after->version(), before_restart);  // Only a new stream delivers it.
  EXPECT_EQ(after->agent_steps(), 8u);
}

}  // namespace
}  // namespace polo::testing

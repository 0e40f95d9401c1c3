#include "tests/service/service_fixture.h"

#include "absl/strings/str_cat.h"
#include "rpc/channel.h"
#include "config/run_config.h"

namespace polo::testing {

polo::RunConfig SmallConfig(polo::LoopMode mode) {
  polo::RunConfig c = polo::config::DefaultRunConfig();
  c.set_mode(mode);
  c.mutable_ensemble()->set_ensemble_size(2);
  c.mutable_ensemble()->clear_hidden_sizes();
  c.mutable_ensemble()->add_hidden_sizes(8);
  c.mutable_training()->set_update_every(4);
  c.mutable_training()->set_gradient_steps(2);
  c.mutable_training()->set_minibatch_size(4);
  c.mutable_training()->set_min_replay_size(4);
  return c;
}

polo::RunConfig CheapConfig(uint64_t total_steps) {
  polo::RunConfig c = SmallConfig(polo::SYNCHRONOUS);
  c.mutable_mppi()->set_horizon(8);
  c.mutable_mppi()->set_num_rollouts(16);
  c.mutable_targets()->set_horizon(4);
  c.mutable_targets()->set_num_rollouts(8);
  c.set_total_steps(total_steps);
  return c;
}

void LearnerServiceTest::StartLearner(const polo::RunConfig& config, const std::string& run_dir,
                                      bool resume, int port) {
  server::LearnerOptions options;
  options.config = config;
  options.run_dir = run_dir;
  options.resume = resume;
  options.checkpoint_period = absl::Hours(1);
  absl::StatusOr<std::unique_ptr<server::LearnerCore>> core =
      server::LearnerCore::Create(options);
  ASSERT_TRUE(core.ok()) << core.status();
  core_ = *std::move(core);
  core_->Start();
  service_ = std::make_unique<server::LearnerService>(core_.get(), authorizer_);
  absl::StatusOr<std::unique_ptr<grpc::Server>> server = server::BuildLearnerServer(
      absl::StrCat("127.0.0.1:", port), service_.get(), &port_, server_credentials_, &calls_);
  ASSERT_TRUE(server.ok()) << server.status();
  server_ = *std::move(server);
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      rpc::MakeSecureLearnerChannel(absl::StrCat("127.0.0.1:", port_), client_security_);
  ASSERT_TRUE(channel.ok()) << channel.status();
  channel_ = *std::move(channel);
  stub_ = polo::Learner::NewStub(channel_);
}

void LearnerServiceTest::StopLearner() {
  if (service_) service_->Shutdown();
  if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  if (core_) {
    EXPECT_TRUE(core_->Stop().ok());
  }
  server_.reset();
  service_.reset();
  core_.reset();
}

std::unique_ptr<grpc::ClientContext> LearnerServiceTest::Context(absl::Duration timeout) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return context;
}

polo::RegisterResponse LearnerServiceTest::RegisterWorker(polo::WorkerKind kind,
                                                          const std::string& id,
                                                          const std::string& key) {
  polo::RegisterRequest request;
  request.set_kind(kind);
  request.set_worker_id(id);
  request.set_worker_key(key);
  request.set_description("test");
  polo::RegisterResponse response;
  grpc::Status status = stub_->Register(Context().get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response;
}

polo::VisitedState LearnerServiceTest::State(const polo::RunConfig& config, int seed,
                                             bool episode_end) {
  polo::VisitedState s;
  for (int i = 0; i < config.physics_state_size(); ++i) s.add_physics_state(0.0);
  // qpos: a position inside the maze, varying with the seed.
  if (config.physics_state_size() > 2) {
    s.set_physics_state(1, -0.9 + 0.01 * (seed % 100));
    s.set_physics_state(2, -0.9 + 0.013 * (seed % 100));
  }
  for (int i = 0; i < config.num_features(); ++i) s.add_features(0.1 * i + 0.01 * seed);
  s.set_step(seed);
  s.set_episode_end(episode_end);
  for (size_t i = 0; i < core_->task().metric_names().size(); ++i) s.add_metrics(0.5);
  if (config.targets().warm_start()) {
    // The plan an actor would send: N × nu controls, varying with the seed.
    const int plan_size = config.targets().horizon() * core_->task().model()->nu;
    for (int i = 0; i < plan_size; ++i) s.add_plan(0.01f * static_cast<float>(seed % 50));
  }
  return s;
}

grpc::Status LearnerServiceTest::Send(const polo::RegisterResponse& worker, uint64_t first, int n,
                                      polo::ExperienceAck* ack) {
  polo::ExperienceBatch batch;
  batch.set_worker_id(worker.worker_id());
  batch.set_worker_key(worker.worker_key());
  batch.set_first_sequence(first);
  for (int i = 0; i < n; ++i) {
    *batch.add_states() = State(worker.config(), static_cast<int>(first) + i);
  }
  return stub_->SubmitExperience(Context().get(), batch, ack);
}

polo::Progress LearnerServiceTest::Progress() {
  polo::Progress progress;
  EXPECT_TRUE(stub_->GetProgress(Context().get(), polo::ProgressRequest(), &progress).ok());
  return progress;
}

FakeTargetWorker::FakeTargetWorker(std::shared_ptr<grpc::Channel> channel, absl::Duration delay)
    : stub_(polo::Learner::NewStub(channel)), delay_(delay) {
  polo::RegisterRequest request;
  request.set_kind(polo::TARGET_WORKER);
  polo::RegisterResponse response;
  grpc::ClientContext context;
  grpc::Status status = stub_->Register(&context, request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  id_ = response.worker_id();
  key_ = response.worker_key();
  ensemble_size_ = response.config().ensemble().ensemble_size();
  thread_ = std::thread([this] { Loop(); });
}

FakeTargetWorker::~FakeTargetWorker() {
  stop_ = true;
  thread_.join();
}

void FakeTargetWorker::Loop() {
  while (!stop_) {
    polo::LeaseTargetJobRequest request;
    request.set_worker_id(id_);
    request.set_worker_key(key_);
    request.set_wait_ms(100);
    polo::TargetJob job;
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    if (!stub_->LeaseTargetJob(&context, request, &job).ok() || job.job_id() == 0) {
      absl::SleepFor(absl::Milliseconds(10));
      continue;
    }
    absl::SleepFor(delay_);
    polo::TargetResult result;
    result.set_worker_id(id_);
    result.set_worker_key(key_);
    result.set_job_id(job.job_id());
    result.set_weights_version(job.weights_version());
    for (int i = 0; i < job.state_ids_size() * ensemble_size_; ++i) result.add_targets(0.5);
    polo::SubmitTargetsResponse response;
    grpc::ClientContext submit_context;
    if (stub_->SubmitTargets(&submit_context, result, &response).ok() && response.accepted()) {
      ++jobs_done_;
    }
  }
}

}  // namespace polo::testing

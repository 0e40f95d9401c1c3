// The service as separate processes on loopback (tag "slow"): a learner,
// actors and target workers started from their binaries, the CLI read as
// JSON, and the faults the issue names: a target worker SIGKILLed in the
// middle of a job, a learner SIGKILLed and restarted with --resume, and
// hostile requests; and a learner with mutual TLS and tokens serving worker
// processes that pass the client flags. Every wait has a deadline.
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <regex>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/json_util.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "proto/polo.grpc.pb.h"
#include "tests/e2e/subprocess.h"

namespace polo::testing {
namespace {

// Small settings so that a run takes tens of seconds unoptimised.
std::vector<std::string> LearnerArgs(int port, const std::string& run_dir,
                                     std::vector<std::string> extra) {
  std::vector<std::string> args = {
      RunfilePath("cluster/learner"), absl::StrCat("--listen=127.0.0.1:", port),
      "--actors=0", "--target_workers=0", "--progress=false", "--run_dir=" + run_dir,
      "--horizon=16", "--rollouts=32", "--target_horizon=8", "--target_rollouts=16",
      "--update_every=16", "--gradient_steps=4", "--minibatch_size=16", "--min_replay_size=16",
      "--ensemble_size=4", "--checkpoint_every_s=3600"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

class MultiProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = FreePort();
    address_ = absl::StrCat("127.0.0.1:", port_);
    const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = absl::StrCat(OutputDir(), "/", info->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    Reconnect();
  }

  // A fresh connection with quick reconnection (the default backoff grows
  // to minutes while the learner is down or restarting).
  void Reconnect() {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 100);
    args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 100);
    args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 500);
    args.SetMaxSendMessageSize(128 << 20);
    channel_ = grpc::CreateCustomChannel(address_, grpc::InsecureChannelCredentials(), args);
    stub_ = polo::Learner::NewStub(channel_);
  }

  std::unique_ptr<Subprocess> Start(const std::string& name, std::vector<std::string> argv) {
    return std::make_unique<Subprocess>(std::move(argv), absl::StrCat(dir_, "/", name, ".log"));
  }
  std::unique_ptr<Subprocess> StartActor(const std::string& name) {
    return Start(name, {RunfilePath("worker/actor"), "--learner=" + address_});
  }
  std::unique_ptr<Subprocess> StartTargetWorker(const std::string& name) {
    return Start(name, {RunfilePath("worker/target_worker"), "--learner=" + address_});
  }

  // Progress over gRPC, or nullopt if the learner does not answer.
  std::optional<polo::Progress> Progress() {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
    polo::Progress p;
    if (!stub_->GetProgress(&context, polo::ProgressRequest(), &p).ok()) {
      Reconnect();
      return std::nullopt;
    }
    return p;
  }

  // Polls until pred(progress) or the deadline; returns the last progress.
  template <typename Pred>
  std::optional<polo::Progress> WaitFor(Pred pred, absl::Duration timeout) {
    const absl::Time deadline = absl::Now() + timeout;
    std::optional<polo::Progress> p;
    while (absl::Now() < deadline) {
      p = Progress();
      if (p && pred(*p)) return p;
      absl::SleepFor(absl::Milliseconds(100));
    }
    return std::nullopt;
  }

  template <typename Message>
  std::optional<Message> CliJson(const std::string& command) {
    return polo::testing::CliJson<Message>(address_, command);
  }

  int port_ = 0;
  std::string address_;
  std::string dir_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<polo::Learner::Stub> stub_;
};

std::vector<polo::Progress> ReadMetrics(const std::string& path) {
  std::vector<polo::Progress> out;
  std::ifstream in(path);
  std::string line;
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  while (std::getline(in, line)) {
    polo::Progress p;
    if (google::protobuf::util::JsonStringToMessage(line, &p, options).ok()) out.push_back(p);
  }
  return out;
}

TEST_F(MultiProcessTest, TwoActorsAndTwoTargetWorkersLearnTheMazeAndTheCliShowsThem) {
  auto learner = Start("learner", LearnerArgs(port_, dir_ + "/run",
                                              {"--mode=sync", "--total_steps=320"}));
  // Workers started before the learner answers wait for it.
  auto actor0 = StartActor("actor0");
  auto actor1 = StartActor("actor1");
  auto target0 = StartTargetWorker("target0");
  auto target1 = StartTargetWorker("target1");

  ASSERT_TRUE(WaitFor([](const polo::Progress& p) { return p.agent_steps() >= 160; },
                      absl::Seconds(300)))
      << learner->Log();
  std::optional<polo::ListWorkersResponse> workers = CliJson<polo::ListWorkersResponse>("workers");
  ASSERT_TRUE(workers.has_value());
  int actors = 0, targets = 0;
  for (const polo::WorkerInfo& w : workers->workers()) {
    EXPECT_TRUE(w.connected()) << w.worker_id();
    actors += w.kind() == polo::ACTOR;
    targets += w.kind() == polo::TARGET_WORKER;
  }
  EXPECT_EQ(actors, 2);
  EXPECT_EQ(targets, 2);
  std::optional<polo::Progress> progress = CliJson<polo::Progress>("progress");
  ASSERT_TRUE(progress.has_value());
  EXPECT_GE(progress->agent_steps(), 160u);
  EXPECT_GE(progress->updates(), 1u);

  // The run completes by itself; the learner exits 0 after a checkpoint.
  std::optional<int> exit_code = learner->Wait(absl::Now() + absl::Seconds(300));
  ASSERT_TRUE(exit_code.has_value()) << "learner did not finish\n" << learner->Log();
  EXPECT_EQ(*exit_code, 0) << learner->Log();
  EXPECT_EQ(actor0->Wait(absl::Now() + absl::Seconds(30)), 0) << actor0->Log();
  EXPECT_EQ(actor1->Wait(absl::Now() + absl::Seconds(30)), 0) << actor1->Log();
  target0->Signal(SIGTERM);
  target1->Signal(SIGTERM);
  EXPECT_EQ(target0->Wait(absl::Now() + absl::Seconds(30)), 0) << target0->Log();

  const std::vector<polo::Progress> metrics = ReadMetrics(dir_ + "/run/metrics.jsonl");
  ASSERT_GE(metrics.size(), 2u);
  // Updates at 16, 32, ..., 320 (Z = 16, min replay 16): 20.
  EXPECT_EQ(metrics.back().updates(), 20u);
  EXPECT_EQ(metrics.back().agent_steps(), 320u);
  // Coverage rises: the actors reach cells they had not visited.
  EXPECT_GT(metrics.back().coverage(), metrics.front().coverage());
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/run/checkpoints/LATEST"));
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/run/config.json"));
}

TEST_F(MultiProcessTest, AJobOfAKilledTargetWorkerIsReassignedAndTheRunCompletes) {
  // Long jobs (2 MPPI rounds of 64 rollouts × 32 steps for 32 states) so
  // that the kill lands inside one; a 5 s lease to reassign it.
  auto learner = Start("learner", LearnerArgs(port_, dir_ + "/run",
                                              {"--mode=sync", "--total_steps=64",
                                               "--exit_when_complete=false", "--lease_ms=5000",
                                               "--gradient_steps=2", "--minibatch_size=32",
                                               "--min_replay_size=32", "--target_rollouts=64",
                                               "--target_horizon=32", "--target_iterations=2"}));
  // Watch from a connected channel before the workers start: they connect
  // at once (they wait for the learner), and the first jobs must not finish
  // before this test can see them leased.
  ASSERT_TRUE(channel_->WaitForConnected(absl::ToChronoTime(absl::Now() + absl::Seconds(60))))
      << learner->Log();
  auto actor = StartActor("actor");
  auto doomed = StartTargetWorker("doomed");
  // Wait until the doomed worker holds a job, then SIGKILL it.
  const absl::Time deadline = absl::Now() + absl::Seconds(300);
  bool killed = false;
  while (!killed && absl::Now() < deadline) {
    grpc::ClientContext context;
    polo::ListWorkersResponse workers;
    if (stub_->ListWorkers(&context, polo::ListWorkersRequest(), &workers).ok()) {
      for (const polo::WorkerInfo& w : workers.workers()) {
        if (w.kind() == polo::TARGET_WORKER && w.jobs_leased() > 0) {
          doomed->Signal(SIGKILL);
          killed = true;
        }
      }
    }
    absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_TRUE(killed) << learner->Log();
  EXPECT_EQ(doomed->Wait(absl::Now() + absl::Seconds(10)), 128 + SIGKILL);
  auto rescuer = StartTargetWorker("rescuer");
  // Updates at t = 32, 48 and 64 (min replay 32, Z = 16), G = 2 each. Wait
  // for the last one: a snapshot taken while it runs (updates == 2,
  // gradient_steps == 5) is not a double count.
  std::optional<polo::Progress> done = WaitFor(
      [](const polo::Progress& p) { return p.agent_steps() == 64 && p.updates() == 3; },
      absl::Seconds(300));
  ASSERT_TRUE(done.has_value()) << learner->Log();
  EXPECT_GE(done->jobs_reassigned(), 1u);
  EXPECT_EQ(done->gradient_steps(), 6u);  // Each job trained on exactly once.
  learner->Signal(SIGTERM);
  EXPECT_EQ(learner->Wait(absl::Now() + absl::Seconds(60)), 0) << learner->Log();
}

// "actor actor-0: 123 steps, 4 unaccepted, OK" -> 119: the states the
// learner accepted from this actor.
uint64_t AcceptedFromActor(const std::string& log) {
  std::smatch m;
  static const std::regex pattern("actor [^:]*: ([0-9]+) steps, ([0-9]+) unaccepted");
  if (!std::regex_search(log, m, pattern)) return 0;
  return std::stoull(m[1]) - std::stoull(m[2]);
}

TEST_F(MultiProcessTest, ARestartedLearnerIsFoundAgainAndNoAckedStateIsLost) {
  // Long enough that the checkpoint below lands well before the end: an
  // optimised async run covers hundreds of steps in the second the CLI
  // takes to start (400 in all finished before the checkpoint once).
  const std::vector<std::string> flags = {"--mode=async", "--total_steps=3000"};
  auto learner = Start("learner", LearnerArgs(port_, dir_ + "/run", flags));
  auto actor0 = StartActor("actor0");
  auto actor1 = StartActor("actor1");
  auto target = StartTargetWorker("target");
  ASSERT_TRUE(WaitFor([](const polo::Progress& p) { return p.agent_steps() >= 100; },
                      absl::Seconds(300)))
      << learner->Log();
  std::optional<polo::CheckpointResponse> checkpoint =
      CliJson<polo::CheckpointResponse>("checkpoint");
  ASSERT_TRUE(checkpoint.has_value());
  const uint64_t saved = checkpoint->agent_steps();
  // States acked after the checkpoint are lost with the learner's memory;
  // the actors must resend them.
  std::optional<polo::Progress> before = WaitFor(
      [&](const polo::Progress& p) { return p.agent_steps() >= saved + 30; }, absl::Seconds(120));
  ASSERT_TRUE(before.has_value());
  learner->Signal(SIGKILL);
  ASSERT_EQ(learner->Wait(absl::Now() + absl::Seconds(10)), 128 + SIGKILL);
  absl::SleepFor(absl::Seconds(1));

  std::vector<std::string> resume = flags;
  resume.push_back("--resume");
  auto restarted = Start("learner_restarted", LearnerArgs(port_, dir_ + "/run", resume));
  // The workers find it by themselves; the counter continues past the
  // checkpoint and the pre-crash count, and the run completes (polling for
  // a count in between raced a restarted run that completes in a second).
  ASSERT_LT(before->agent_steps(), 3000u);
  std::optional<int> exit_code = restarted->Wait(absl::Now() + absl::Seconds(300));
  ASSERT_TRUE(exit_code.has_value()) << restarted->Log();
  EXPECT_EQ(*exit_code, 0) << restarted->Log();
  EXPECT_NE(restarted->Log().find("final steps 3000 "), std::string::npos) << restarted->Log();
  EXPECT_NE(restarted->Log().find("replay 3000 "), std::string::npos) << restarted->Log();

  // Every state an actor created and saw accepted is in the buffer exactly
  // once: had the states acked after the checkpoint not been resent, the
  // learner would hold fewer than the actors' count (>= 30 fewer).
  ASSERT_EQ(actor0->Wait(absl::Now() + absl::Seconds(30)), 0) << actor0->Log();
  ASSERT_EQ(actor1->Wait(absl::Now() + absl::Seconds(30)), 0) << actor1->Log();
  EXPECT_EQ(AcceptedFromActor(actor0->Log()) + AcceptedFromActor(actor1->Log()), 3000u)
      << actor0->Log() << actor1->Log();
  target->Signal(SIGTERM);
  EXPECT_EQ(target->Wait(absl::Now() + absl::Seconds(30)), 0) << target->Log();
}

TEST_F(MultiProcessTest, HostileRequestsGetErrorsAndTheLearnerKeepsServing) {
  auto learner = Start("learner", LearnerArgs(port_, dir_ + "/run", {"--total_steps=0"}));
  auto channel = channel_;
  ASSERT_TRUE(channel->WaitForConnected(absl::ToChronoTime(absl::Now() + absl::Seconds(60))));
  auto call = [&](auto method, const auto& request, auto* response) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
    return ((*stub_).*method)(&context, request, response);
  };
  polo::RegisterRequest hello;
  hello.set_kind(polo::ACTOR);
  polo::RegisterResponse actor;
  ASSERT_TRUE(call(&polo::Learner::Stub::Register, hello, &actor).ok());

  // An oversized message (> 64 MiB).
  polo::ExperienceBatch huge;
  huge.set_worker_id(actor.worker_id());
  huge.set_worker_key(actor.worker_key());
  polo::VisitedState* state = huge.add_states();
  for (int i = 0; i < (65 << 20) / 8; ++i) state->add_physics_state(1.0);
  polo::ExperienceAck ack;
  EXPECT_EQ(call(&polo::Learner::Stub::SubmitExperience, huge, &ack).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  // NaN features, an unknown task, an unknown worker, a foreign job.
  polo::ExperienceBatch nan_batch;
  nan_batch.set_worker_id(actor.worker_id());
  nan_batch.set_worker_key(actor.worker_key());
  polo::VisitedState* s = nan_batch.add_states();
  for (int i = 0; i < actor.config().physics_state_size(); ++i) s->add_physics_state(0);
  for (int i = 0; i < actor.config().num_features(); ++i) s->add_features(NAN);
  grpc::Status status = call(&polo::Learner::Stub::SubmitExperience, nan_batch, &ack);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message().rfind("states[0].", 0), 0u) << status.error_message();
  polo::RegisterRequest other_task = hello;
  other_task.set_expected_task("no_such_task");
  EXPECT_EQ(call(&polo::Learner::Stub::Register, other_task, &actor).error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  polo::TargetResult forged;
  forged.set_worker_id(actor.worker_id());
  forged.set_worker_key(actor.worker_key());
  forged.set_job_id(~0ull);
  polo::SubmitTargetsResponse submitted;
  // An actor's id cannot submit targets; a stranger cannot use the id.
  status = call(&polo::Learner::Stub::SubmitTargets, forged, &submitted);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(status.error_message().rfind("worker_id:", 0), 0u) << status.error_message();
  forged.set_worker_key("not-the-key-of-this-worker-but-long-enough");
  EXPECT_EQ(call(&polo::Learner::Stub::SubmitTargets, forged, &submitted).error_code(),
            grpc::StatusCode::PERMISSION_DENIED);

  // Still serving, nothing added.
  auto health = grpc::health::v1::Health::NewStub(channel);
  grpc::health::v1::HealthCheckResponse serving;
  {
    grpc::ClientContext context;
    ASSERT_TRUE(health->Check(&context, {}, &serving).ok());
    EXPECT_EQ(serving.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  }
  std::optional<polo::Progress> p = Progress();
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->replay_size(), 0u);
  learner->Signal(SIGTERM);
  EXPECT_EQ(learner->Wait(absl::Now() + absl::Seconds(60)), 0) << learner->Log();
}

TEST_F(MultiProcessTest, MutualTlsAndTokensCarryARunOfWorkerProcessesAndTheCli) {
  const std::string certs = dir_ + "/certs";
  ASSERT_TRUE(RunAndCapture({"/bin/bash", RunfilePath("deploy/make_certs.sh"), certs},
                            absl::Seconds(60)));
  // Beyond loopback without TLS and tokens the learner refuses before it
  // binds anything.
  std::vector<std::string> open = LearnerArgs(port_, dir_ + "/refused", {});
  open[1] = absl::StrCat("--listen=0.0.0.0:", port_);
  auto plaintext = Start("plaintext", open);
  EXPECT_EQ(plaintext->Wait(absl::Now() + absl::Seconds(30)), 2);
  EXPECT_NE(plaintext->Log().find("is reachable from other machines"), std::string::npos)
      << plaintext->Log();

  auto learner = Start(
      "learner", LearnerArgs(port_, dir_ + "/run",
                             {"--mode=sync", "--total_steps=64", "--tls_cert=" + certs + "/server.pem",
                              "--tls_key=" + certs + "/server.key",
                              "--tls_client_ca=" + certs + "/ca.pem",
                              "--worker_token_file=" + certs + "/worker.token",
                              "--admin_token_file=" + certs + "/admin.token"}));
  const std::vector<std::string> tls = {"--learner=" + address_, "--tls_ca=" + certs + "/ca.pem",
                                        "--tls_cert=" + certs + "/client.pem",
                                        "--tls_key=" + certs + "/client.key"};
  auto with = [&](std::vector<std::string> argv, const std::string& token) {
    argv.insert(argv.end(), tls.begin(), tls.end());
    if (!token.empty()) argv.push_back("--token_file=" + certs + "/" + token + ".token");
    return argv;
  };
  const int actor_health_port = FreePort();
  auto actor = Start("actor", with({RunfilePath("worker/actor"),
                                    absl::StrCat("--health_listen=127.0.0.1:", actor_health_port)},
                                   "worker"));
  auto target = Start("target", with({RunfilePath("worker/target_worker")}, "worker"));
  // The CLI: progress with the worker token, checkpoint with the admin's,
  // nothing without a token.
  std::optional<std::string> progress;
  const absl::Time deadline = absl::Now() + absl::Seconds(120);
  while (!progress && absl::Now() < deadline) {
    progress = RunAndCapture(with({RunfilePath("server/cli"), "progress", "--json"}, "worker"),
                             absl::Seconds(30));
    if (!progress) absl::SleepFor(absl::Milliseconds(500));
  }
  ASSERT_TRUE(progress.has_value()) << learner->Log();
  EXPECT_FALSE(RunAndCapture(with({RunfilePath("server/cli"), "progress"}, ""), absl::Seconds(30)));
  EXPECT_FALSE(
      RunAndCapture(with({RunfilePath("server/cli"), "checkpoint"}, "worker"), absl::Seconds(30)));
  EXPECT_TRUE(
      RunAndCapture(with({RunfilePath("server/cli"), "checkpoint"}, "admin"), absl::Seconds(120)));

  // The actor's own health port answers probes in plaintext while it runs.
  {
    auto health = grpc::health::v1::Health::NewStub(grpc::CreateChannel(
        absl::StrCat("127.0.0.1:", actor_health_port), grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    context.set_wait_for_ready(true);
    grpc::health::v1::HealthCheckResponse serving;
    const grpc::Status status = health->Check(&context, {}, &serving);
    EXPECT_TRUE(status.ok() || !actor->running()) << status.error_message();
  }
  std::optional<int> exit_code = learner->Wait(absl::Now() + absl::Seconds(300));
  ASSERT_TRUE(exit_code.has_value()) << learner->Log();
  EXPECT_EQ(*exit_code, 0) << learner->Log();
  EXPECT_NE(learner->Log().find("final steps 64 "), std::string::npos) << learner->Log();
  EXPECT_EQ(actor->Wait(absl::Now() + absl::Seconds(30)), 0) << actor->Log();
  target->Signal(SIGTERM);
  EXPECT_EQ(target->Wait(absl::Now() + absl::Seconds(30)), 0) << target->Log();
}

}  // namespace
}  // namespace polo::testing

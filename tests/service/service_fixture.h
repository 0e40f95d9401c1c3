// In-process fixture for the learner service tests: a LearnerCore behind a
// real gRPC server on 127.0.0.1 (a free port), a client stub, and helpers
// that play actors and target workers by hand. Single test thread apart
// from FakeTargetWorker.
#ifndef POLO_TESTS_SERVICE_SERVICE_FIXTURE_H_
#define POLO_TESTS_SERVICE_SERVICE_FIXTURE_H_

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include "proto/polo.grpc.pb.h"
#include "rpc/call_counts.h"
#include "rpc/security.h"
#include "server/auth.h"
#include "server/learner_core.h"
#include "server/learner_service.h"

namespace polo::testing {

// A small, fast run: point_mass_maze, 2 members of one 8-wide layer,
// Z = 4, G = 2, n = 4.
polo::RunConfig SmallConfig(polo::LoopMode mode);

// SmallConfig(SYNCHRONOUS) with cheap planning for the real workers: H = 8,
// K = 16 acting; N = 4, 8 rollouts for targets; `total_steps` in all.
polo::RunConfig CheapConfig(uint64_t total_steps);

class LearnerServiceTest : public ::testing::Test {
 protected:
  void TearDown() override { StopLearner(); }

  // Starts core + server; fails the test on error.
  // `port` 0 picks a free one; give the previous port_ to restart a learner
  // where its workers look for it.
  void StartLearner(const polo::RunConfig& config, const std::string& run_dir = "",
                    bool resume = false, int port = 0);
  void StopLearner();

  // A client context with a deadline.
  std::unique_ptr<grpc::ClientContext> Context(absl::Duration timeout = absl::Seconds(10));

  // `key`: the id's worker_key when re-registering a known id.
  polo::RegisterResponse RegisterWorker(polo::WorkerKind kind, const std::string& id = "",
                                        const std::string& key = "");
  // A valid visited state for the registered config (values from `seed`),
  // with a plan when the config warm-starts targets.
  polo::VisitedState State(const polo::RunConfig& config, int seed, bool episode_end = false);
  // Sends states [first, first + n) for `worker`; returns the gRPC status.
  grpc::Status Send(const polo::RegisterResponse& worker, uint64_t first, int n,
                    polo::ExperienceAck* ack);
  polo::Progress Progress();

  // How StartLearner serves and how its client (channel_, stub_) connects;
  // set before StartLearner. Defaults: plaintext, no tokens.
  std::shared_ptr<grpc::ServerCredentials> server_credentials_;
  server::Authorizer authorizer_;
  rpc::ClientSecurity client_security_;

  // Every call the server finished (metrics tests).
  rpc::CallCounts calls_;
  std::unique_ptr<server::LearnerCore> core_;
  std::unique_ptr<server::LearnerService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<polo::Learner::Stub> stub_;
  int port_ = 0;
};

// A target worker thread that answers every job with targets 0.5 (after an
// optional delay), until destroyed.
class FakeTargetWorker {
 public:
  FakeTargetWorker(std::shared_ptr<grpc::Channel> channel, absl::Duration delay = absl::ZeroDuration());
  ~FakeTargetWorker();
  int jobs_done() const { return jobs_done_; }

 private:
  void Loop();
  std::unique_ptr<polo::Learner::Stub> stub_;
  absl::Duration delay_;
  std::string id_;
  std::string key_;
  int ensemble_size_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> jobs_done_{0};
  std::thread thread_;
};

}  // namespace polo::testing

#endif  // POLO_TESTS_SERVICE_SERVICE_FIXTURE_H_

// //server:load_bench — load generator for the learner service (tag
// "bench"; bazel run -c opt //server:load_bench).
//
// A learner (LearnerCore + gRPC server, task humanoid_getup so states are
// humanoid-size) runs in a child process pinned to CPU 0; this process,
// pinned to CPU 1 when there is one, plays:
//  1. --actors synthetic actors, each on its own connection, streaming
//     batches of --batch states for --seconds: the states per second the
//     learner accepts (acked into its replay buffer) on one core;
//  2. --subscribers weights subscribers (own connections each) and one
//     fake target worker that completes one target job per round, so each
//     round publishes one new weights version (paper-size ensemble,
//     6 × (16, 16)): the time from publication (Progress
//     .weights_published_unix_us, same machine clock) until the last
//     subscriber has it, over --rounds rounds.
// With --tls both run over mutual TLS with tokens, as a learner reachable
// from other machines does (certificates and tokens from
// deploy/make_certs.sh in a temporary folder): the cost of security.
// Ends with one key=value line.
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <atomic>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "models/registry.h"
#include "proto/polo.grpc.pb.h"
#include "rpc/channel.h"
#include "config/run_config.h"
#include "rpc/security.h"
#include "server/auth.h"
#include "server/learner_core.h"
#include "server/learner_service.h"

ABSL_FLAG(int, actors, 4, "synthetic actors (connections) streaming states");
ABSL_FLAG(int, batch, 64, "states per SubmitExperience");
ABSL_FLAG(double, seconds, 5.0, "duration of the ingestion phase");
ABSL_FLAG(int, subscribers, 32, "weights subscribers");
ABSL_FLAG(int, rounds, 30, "weights versions timed");
ABSL_FLAG(std::string, task, "humanoid_getup", "task (sets the state size)");
ABSL_FLAG(bool, tls, false,
          "mutual TLS and tokens on every connection (deploy/make_certs.sh, run here)");

namespace {

using polo::rpc::ContextWithTimeout;
namespace rpc = polo::rpc;

// With --tls: the folder deploy/make_certs.sh wrote (set before the fork).
std::string certs;

void PinTo(int cpu) {
  if (std::thread::hardware_concurrency() < 2) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  sched_setaffinity(0, sizeof(set), &set);
}

// Child: serve until the parent closes the pipe. Writes the port to `out`.
int ServeLearner(int out, int in) {
  PinTo(0);
  polo::RunConfig config = polo::config::DefaultRunConfig();
  config.set_task(absl::GetFlag(FLAGS_task));
  config.set_mode(polo::ASYNCHRONOUS);
  config.set_total_steps(0);
  // Every update is one job of 8 states: the first update starts after 8
  // states and then waits for the fan-out phase's fake target worker.
  config.mutable_training()->set_update_every(8);
  config.mutable_training()->set_gradient_steps(1);
  config.mutable_training()->set_minibatch_size(8);
  config.mutable_training()->set_min_replay_size(8);
  polo::server::LearnerOptions options;
  options.config = config;
  auto core = polo::server::LearnerCore::Create(options);
  if (!core.ok()) {
    std::fprintf(stderr, "learner: %s\n", core.status().ToString().c_str());
    return 1;
  }
  (*core)->Start();
  std::shared_ptr<grpc::ServerCredentials> credentials;
  polo::server::Authorizer authorizer;
  if (!certs.empty()) {
    rpc::ServerTls tls;
    tls.cert_file = certs + "/server.pem";
    tls.key_file = certs + "/server.key";
    tls.client_ca_file = certs + "/ca.pem";
    auto made = rpc::MakeServerCredentials(tls);
    auto tokens =
        polo::server::Authorizer::FromFiles(certs + "/worker.token", certs + "/admin.token");
    if (!made.ok() || !tokens.ok()) {
      std::fprintf(stderr, "learner security: %s %s\n", made.status().ToString().c_str(),
                   tokens.status().ToString().c_str());
      return 1;
    }
    credentials = *made;
    authorizer = *std::move(tokens);
  }
  polo::server::LearnerService service(core->get(), std::move(authorizer));
  int port = 0;
  auto server = polo::server::BuildLearnerServer("127.0.0.1:0", &service, &port, credentials);
  if (!server.ok()) {
    std::fprintf(stderr, "learner: %s\n", server.status().ToString().c_str());
    return 1;
  }
  if (write(out, &port, sizeof(port)) != sizeof(port)) return 1;
  char c;
  while (read(in, &c, 1) > 0) {
  }
  service.Shutdown();
  (*server)->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  (void)(*core)->Stop();
  return 0;
}

std::shared_ptr<grpc::Channel> OwnConnection(const std::string& address) {
  grpc::ChannelArguments args = rpc::LearnerChannelArguments();
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);  // A TCP connection each.
  if (certs.empty()) {
    return grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args);
  }
  rpc::ClientSecurity security;
  security.ca_file = certs + "/ca.pem";
  security.cert_file = certs + "/client.pem";
  security.key_file = certs + "/client.key";
  security.token_file = certs + "/worker.token";
  auto channel = rpc::MakeSecureLearnerChannel(address, security, rpc::kCertificateRefresh, args);
  if (!channel.ok()) {
    std::fprintf(stderr, "channel: %s\n", channel.status().ToString().c_str());
    std::exit(1);
  }
  return *channel;
}

polo::RegisterResponse Register(polo::Learner::Stub* stub, polo::WorkerKind kind) {
  polo::RegisterRequest request;
  request.set_kind(kind);
  polo::RegisterResponse response;
  grpc::Status s = stub->Register(ContextWithTimeout(absl::Seconds(10)).get(), request, &response);
  if (!s.ok()) std::fprintf(stderr, "register: %s\n", s.error_message().c_str());
  return response;
}

double IngestStates(const std::string& address, int num_metrics) {
  const int actors = absl::GetFlag(FLAGS_actors);
  const int batch_size = absl::GetFlag(FLAGS_batch);
  std::atomic<uint64_t> accepted{0};
  std::atomic<bool> go{false}, stop{false};
  std::vector<std::thread> threads;
  for (int a = 0; a < actors; ++a) {
    threads.emplace_back([&, a] {
      auto stub = polo::Learner::NewStub(OwnConnection(address));
      polo::RegisterResponse me = Register(stub.get(), polo::ACTOR);
      polo::ExperienceBatch batch;
      batch.set_worker_id(me.worker_id());
      batch.set_worker_key(me.worker_key());
      for (int i = 0; i < batch_size; ++i) {
        polo::VisitedState* s = batch.add_states();
        for (int j = 0; j < me.config().physics_state_size(); ++j) s->add_physics_state(0.01 * j + a);
        for (int j = 0; j < me.config().num_features(); ++j) s->add_features(0.1 * j);
        for (int j = 0; j < num_metrics; ++j) s->add_metrics(0.0);
      }
      uint64_t next = 0;
      while (!go) absl::SleepFor(absl::Milliseconds(1));
      while (!stop) {
        batch.set_first_sequence(next);
        polo::ExperienceAck ack;
        if (!stub->SubmitExperience(ContextWithTimeout(absl::Seconds(10)).get(), batch, &ack).ok()) {
          continue;
        }
        accepted += ack.accepted();
        next = ack.next_sequence();
      }
    });
  }
  absl::SleepFor(absl::Milliseconds(500));  // Connect and register.
  go = true;
  const uint64_t before = accepted;
  const absl::Time start = absl::Now();
  absl::SleepFor(absl::Seconds(absl::GetFlag(FLAGS_seconds)));
  const uint64_t after = accepted;
  const double elapsed = absl::ToDoubleSeconds(absl::Now() - start);
  stop = true;
  for (std::thread& t : threads) t.join();
  return static_cast<double>(after - before) / elapsed;
}

struct FanOut {
  std::vector<double> last_arrival_ms;   // Per round: the slowest subscriber.
  std::vector<double> median_arrival_ms;
};

FanOut MeasureFanOut(const std::string& address, int num_metrics) {
  const int n = absl::GetFlag(FLAGS_subscribers);
  absl::Mutex mu;
  // arrivals[version] = arrival times (µs) of each subscriber.
  std::map<uint64_t, std::vector<int64_t>> arrivals;
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts(n);
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    contexts[i] = std::make_unique<grpc::ClientContext>();
    threads.emplace_back([&, i] {
      auto stub = polo::Learner::NewStub(OwnConnection(address));
      polo::SubscribeWeightsRequest request;
      auto stream = stub->SubscribeWeights(contexts[i].get(), request);
      polo::EnsembleWeights w;
      while (stream->Read(&w)) {
        const int64_t now = absl::ToUnixMicros(absl::Now());
        absl::MutexLock lock(&mu);
        arrivals[w.version()].push_back(now);
      }
    });
  }
  auto stub = polo::Learner::NewStub(OwnConnection(address));
  polo::RegisterResponse target = Register(stub.get(), polo::TARGET_WORKER);
  const int k = target.config().ensemble().ensemble_size();
  // An actor that sends Z = 8 states per round, so that every round has an
  // update (one job, one new version).
  polo::RegisterResponse actor = Register(stub.get(), polo::ACTOR);
  polo::ExperienceBatch batch;
  batch.set_worker_id(actor.worker_id());
  batch.set_worker_key(actor.worker_key());
  for (int i = 0; i < 8; ++i) {
    polo::VisitedState* s = batch.add_states();
    for (int j = 0; j < actor.config().physics_state_size(); ++j) s->add_physics_state(0.01 * j);
    for (int j = 0; j < actor.config().num_features(); ++j) s->add_features(0.1 * j + i);
    for (int j = 0; j < num_metrics; ++j) s->add_metrics(0.0);
  }
  FanOut out;
  absl::SleepFor(absl::Milliseconds(500));  // Every subscriber has the current version.
  for (int round = -1; round < absl::GetFlag(FLAGS_rounds); ++round) {
    polo::ExperienceAck ack;
    (void)stub->SubmitExperience(ContextWithTimeout(absl::Seconds(10)).get(), batch, &ack);
    batch.set_first_sequence(ack.next_sequence());
    polo::LeaseTargetJobRequest lease;
    lease.set_worker_id(target.worker_id());
    lease.set_worker_key(target.worker_key());
    lease.set_wait_ms(5000);
    polo::TargetJob job;
    if (!stub->LeaseTargetJob(ContextWithTimeout(absl::Seconds(10)).get(), lease, &job).ok() ||
        job.job_id() == 0) {
      std::fprintf(stderr, "no target job in round %d\n", round);
      break;
    }
    polo::TargetResult result;
    result.set_worker_id(target.worker_id());
    result.set_worker_key(target.worker_key());
    result.set_job_id(job.job_id());
    result.set_weights_version(job.weights_version());
    for (int i = 0; i < job.state_ids_size() * k; ++i) result.add_targets(0.1 * i);
    polo::SubmitTargetsResponse submitted;
    (void)stub->SubmitTargets(ContextWithTimeout(absl::Seconds(10)).get(), result, &submitted);
    // The update trains one step and publishes; wait until all have it.
    polo::Progress progress;
    uint64_t version = job.weights_version();
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (absl::Now() < deadline) {
      (void)stub->GetProgress(ContextWithTimeout(absl::Seconds(5)).get(), {}, &progress);
      if (progress.weights_version() > version) break;
      absl::SleepFor(absl::Microseconds(200));
    }
    version = progress.weights_version();
    std::vector<int64_t> got;
    while (absl::Now() < deadline) {
      {
        absl::MutexLock lock(&mu);
        got = arrivals[version];
      }
      if (static_cast<int>(got.size()) >= n) break;
      absl::SleepFor(absl::Microseconds(200));
    }
    if (round < 0 || static_cast<int>(got.size()) < n) continue;  // Warm-up / incomplete.
    std::sort(got.begin(), got.end());
    const double published = static_cast<double>(progress.weights_published_unix_us());
    out.last_arrival_ms.push_back((got.back() - published) / 1000.0);
    out.median_arrival_ms.push_back((got[got.size() / 2] - published) / 1000.0);
  }
  for (auto& c : contexts) c->TryCancel();
  for (std::thread& t : threads) t.join();
  return out;
}

double Median(std::vector<double> v) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  if (absl::GetFlag(FLAGS_tls)) {
    char folder[] = "/tmp/polo_load_bench_XXXXXX";
    if (mkdtemp(folder) == nullptr) return 1;
    certs = std::string(folder) + "/certs";
    // bazel run starts this in its runfiles, where deploy/ is.
    const std::string command = "bash deploy/make_certs.sh '" + certs + "' > /dev/null";
    if (std::system(command.c_str()) != 0) {
      std::fprintf(stderr, "--tls: %s failed\n", command.c_str());
      return 1;
    }
  }
  // Fork before any gRPC or thread exists in this process.
  int to_parent[2], to_child[2];
  if (pipe(to_parent) != 0 || pipe(to_child) != 0) return 1;
  const pid_t child = fork();
  if (child == 0) {
    close(to_parent[0]);
    close(to_child[1]);
    _exit(ServeLearner(to_parent[1], to_child[0]));
  }
  close(to_parent[1]);
  close(to_child[0]);
  PinTo(1);
  int port = 0;
  if (read(to_parent[0], &port, sizeof(port)) != sizeof(port)) {
    std::fprintf(stderr, "the learner did not start\n");
    return 1;
  }
  const std::string address = absl::StrCat("127.0.0.1:", port);
  auto task = polo::models::MakeTask(absl::GetFlag(FLAGS_task));
  if (!task.ok()) return 1;
  const int num_metrics = static_cast<int>((*task)->metric_names().size());

  const double states_per_s = IngestStates(address, num_metrics);
  std::printf("ingestion: %d actors, batches of %d %s states: %.0f states/s accepted "
              "(learner pinned to one core)\n",
              absl::GetFlag(FLAGS_actors), absl::GetFlag(FLAGS_batch),
              absl::GetFlag(FLAGS_task).c_str(), states_per_s);
  const FanOut fan = MeasureFanOut(address, num_metrics);
  const double last_ms = Median(fan.last_arrival_ms);
  const double max_ms =
      fan.last_arrival_ms.empty() ? -1 : *std::max_element(fan.last_arrival_ms.begin(),
                                                           fan.last_arrival_ms.end());
  std::printf("fan-out to %d subscribers over %zu versions: median subscriber %.2f ms, "
              "last subscriber median %.2f ms, worst %.2f ms\n",
              absl::GetFlag(FLAGS_subscribers), fan.last_arrival_ms.size(),
              Median(fan.median_arrival_ms), last_ms, max_ms);
  close(to_child[1]);
  int status = 0;
  waitpid(child, &status, 0);
  std::printf("tls=%d states_per_s=%.0f fanout_%d_ms=%.2f\n", certs.empty() ? 0 : 1,
              states_per_s, absl::GetFlag(FLAGS_subscribers), last_ms);
  if (!certs.empty()) std::filesystem::remove_all(std::filesystem::path(certs).parent_path());
  return 0;
}

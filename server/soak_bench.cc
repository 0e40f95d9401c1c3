// bazel run -c opt //server:soak_bench -- --seconds=600
//
// Does a learner that runs for a long time keep its memory flat under
// hostile clients? Starts the real learner binary (//server:learner, the
// default point_mass_maze run with its in-process workers, --total_steps=0
// so it never ends) on loopback, then for --seconds:
//  - a client opens weights streams, reads one version and abandons them;
//  - --stuck_subscribers streams are opened and never read;
//  - a client sends oversized requests (100,000-character fields, 4097
//    states) and malformed ones (unknown workers, wrong sizes, no kind),
//    with GetStatus and GetProgress in between;
// and samples the learner's resident memory (/proc/PID/statm) every 5 s.
// Ends with one line:
//   rss_start_mb=… rss_1min_mb=… rss_end_mb=… rss_max_mb=… requests=…
//   unanswered=… errors_by_code=CODE:N,…
// unanswered counts calls that got DEADLINE_EXCEEDED or UNAVAILABLE (the
// learner did not answer); every other code is an answer. rss_start_mb is
// read 5 s after the learner serves.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "proto/polo.grpc.pb.h"
#include "rpc/channel.h"
#include "util/process_memory.h"

ABSL_FLAG(int, seconds, 600, "how long to soak");
ABSL_FLAG(int, port, 50091, "loopback port for the learner");
ABSL_FLAG(int, stuck_subscribers, 20, "weights streams opened and never read");
ABSL_FLAG(std::string, learner_binary, "cluster/learner", "the learner binary");

namespace {

double ResidentMb(pid_t pid) {
  return static_cast<double>(polo::util::ResidentBytes(pid)) / (1 << 20);
}

class Tally {
 public:
  void Add(const grpc::Status& s) {
    absl::MutexLock lock(&mu_);
    ++requests_;
    if (s.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED ||
        s.error_code() == grpc::StatusCode::UNAVAILABLE) {
      ++unanswered_;
    }
    ++by_code_[s.error_code()];
  }
  std::string Line() const {
    absl::MutexLock lock(&mu_);
    std::vector<std::string> parts;
    for (const auto& [code, n] : by_code_) {
      // gRPC's and absl's codes are the same numbers.
      parts.push_back(
          absl::StrCat(absl::StatusCodeToString(static_cast<absl::StatusCode>(code)), ":", n));
    }
    return absl::StrCat("requests=", requests_, " unanswered=", unanswered_,
                        " errors_by_code=", absl::StrJoin(parts, ","));
  }

 private:
  mutable absl::Mutex mu_;
  uint64_t requests_ = 0, unanswered_ = 0;
  std::map<int, uint64_t> by_code_;
};

// Oversized and malformed requests, one round.
void HostileRound(polo::Learner::Stub* stub, Tally* tally) {
  const std::string huge(100000, 'x');
  auto ctx = [] { return polo::rpc::ContextWithTimeout(absl::Seconds(5)); };
  {
    polo::RegisterRequest r;
    r.set_kind(polo::ACTOR);
    r.set_description(huge);
    r.set_expected_task(huge);
    polo::RegisterResponse response;
    tally->Add(stub->Register(ctx().get(), r, &response));
  }
  {
    polo::RegisterRequest r;  // No kind.
    polo::RegisterResponse response;
    tally->Add(stub->Register(ctx().get(), r, &response));
  }
  {
    polo::ExperienceBatch b;
    b.set_worker_id("actor-999999");
    for (int i = 0; i <= polo::rpc::kMaxStatesPerMessage; ++i) b.add_states();
    polo::ExperienceAck ack;
    tally->Add(stub->SubmitExperience(ctx().get(), b, &ack));
  }
  {
    polo::ExperienceBatch b;  // Unknown worker, wrong sizes.
    b.set_worker_id(huge.substr(0, 100));
    b.add_states()->add_features(1.0);
    polo::ExperienceAck ack;
    tally->Add(stub->SubmitExperience(ctx().get(), b, &ack));
  }
  {
    polo::TargetResult t;
    t.set_worker_id("target-1");
    t.set_worker_key(huge);
    polo::SubmitTargetsResponse response;
    tally->Add(stub->SubmitTargets(ctx().get(), t, &response));
  }
  {
    polo::GetWeightsRequest g;
    g.set_version(1ull << 60);
    polo::EnsembleWeights w;
    tally->Add(stub->GetWeights(ctx().get(), g, &w));
  }
  {
    polo::RunStatus status;
    tally->Add(stub->GetStatus(ctx().get(), polo::StatusRequest(), &status));
    polo::Progress progress;
    tally->Add(stub->GetProgress(ctx().get(), polo::ProgressRequest(), &progress));
  }
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int seconds = absl::GetFlag(FLAGS_seconds);
  if (seconds < 10) {
    std::fprintf(stderr, "soak_bench: --seconds: is %d, expected >= 10\n", seconds);
    return 2;
  }
  const std::string address = absl::StrCat("127.0.0.1:", absl::GetFlag(FLAGS_port));
  char run_dir_template[] = "/tmp/polo_soak_XXXXXX";
  if (mkdtemp(run_dir_template) == nullptr) {
    std::perror("soak_bench: mkdtemp");
    return 2;
  }
  const std::string binary = absl::GetFlag(FLAGS_learner_binary);
  const std::string listen = absl::StrCat("--listen=", address);
  const std::string run_dir = absl::StrCat("--run_dir=", run_dir_template, "/run");
  const pid_t pid = fork();
  if (pid == 0) {
    execl(binary.c_str(), binary.c_str(), listen.c_str(), run_dir.c_str(), "--total_steps=0",
          "--progress=false", "--checkpoint_every_s=60", static_cast<char*>(nullptr));
    std::perror("soak_bench: exec learner");
    _exit(127);
  }
  std::shared_ptr<grpc::Channel> channel = polo::rpc::MakeLearnerChannel(address);
  auto stub = polo::Learner::NewStub(channel);
  // Wait until it serves.
  const absl::Time give_up = absl::Now() + absl::Seconds(60);
  for (;;) {
    polo::RunStatus status;
    if (stub->GetStatus(polo::rpc::ContextWithTimeout(absl::Seconds(1)).get(), polo::StatusRequest(),
                        &status)
            .ok()) {
      break;
    }
    if (absl::Now() > give_up || waitpid(pid, nullptr, WNOHANG) == pid) {
      std::fprintf(stderr, "soak_bench: the learner (%s) did not start serving\n", binary.c_str());
      kill(pid, SIGKILL);
      return 1;
    }
    absl::SleepFor(absl::Milliseconds(200));
  }
  absl::SleepFor(absl::Seconds(5));
  const double rss_start = ResidentMb(pid);
  const absl::Time start = absl::Now();
  const absl::Time end = start + absl::Seconds(seconds);
  Tally tally;
  std::atomic<uint64_t> abandoned{0};

  // Subscribers that never read, held open for the whole run.
  std::vector<std::unique_ptr<grpc::ClientContext>> stuck_contexts;
  std::vector<std::unique_ptr<grpc::ClientReader<polo::EnsembleWeights>>> stuck;
  for (int i = 0; i < absl::GetFlag(FLAGS_stuck_subscribers); ++i) {
    stuck_contexts.push_back(std::make_unique<grpc::ClientContext>());
    polo::SubscribeWeightsRequest r;
    r.set_worker_id(absl::StrCat("stuck-", i));
    stuck.push_back(stub->SubscribeWeights(stuck_contexts.back().get(), r));
  }
  std::thread abandoner([&] {
    while (absl::Now() < end) {
      // A wave of 50 streams, each read once, then all abandoned.
      std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
      std::vector<std::unique_ptr<grpc::ClientReader<polo::EnsembleWeights>>> readers;
      for (int i = 0; i < 50; ++i) {
        contexts.push_back(polo::rpc::ContextWithTimeout(absl::Seconds(10)));
        readers.push_back(stub->SubscribeWeights(contexts.back().get(), polo::SubscribeWeightsRequest()));
        polo::EnsembleWeights w;
        if (readers.back()->Read(&w)) ++abandoned;
      }
      for (auto& c : contexts) c->TryCancel();
      for (auto& r : readers) r->Finish();
      absl::SleepFor(absl::Milliseconds(500));
    }
  });
  std::thread hostile([&] {
    while (absl::Now() < end) {
      HostileRound(stub.get(), &tally);
      absl::SleepFor(absl::Milliseconds(50));
    }
  });
  double rss_1min = 0, rss_max = rss_start, rss_now = rss_start;
  while (absl::Now() < end) {
    absl::SleepFor(std::min(absl::Seconds(5), end - absl::Now()));
    rss_now = ResidentMb(pid);
    rss_max = std::max(rss_max, rss_now);
    if (rss_1min == 0 && absl::Now() - start >= absl::Minutes(1)) rss_1min = rss_now;
    std::fprintf(stderr, "soak_bench: %4.0f s rss %.0f MB, %s\n",
                 absl::ToDoubleSeconds(absl::Now() - start), rss_now, tally.Line().c_str());
  }
  hostile.join();
  abandoner.join();
  for (auto& c : stuck_contexts) c->TryCancel();
  for (auto& r : stuck) r->Finish();
  kill(pid, SIGTERM);
  int wstatus = 0;
  waitpid(pid, &wstatus, 0);
  std::filesystem::remove_all(run_dir_template);
  std::printf("rss_start_mb=%.0f rss_1min_mb=%.0f rss_end_mb=%.0f rss_max_mb=%.0f "
              "streams_abandoned=%llu stuck_subscribers=%zu %s learner_exit=%d\n",
              rss_start, rss_1min, rss_now, rss_max, static_cast<unsigned long long>(abandoned.load()),
              stuck.size(), tally.Line().c_str(), WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : -1);
  return 0;
}

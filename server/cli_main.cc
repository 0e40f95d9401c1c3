// //server:cli — query and steer a running learner over gRPC.
//
//   cli [--learner=HOST:PORT] status|workers|progress [--watch] [--json]
//   cli [--learner=HOST:PORT] checkpoint
//
// Human-readable tables by default; --json prints the proto as one JSON
// object per line (proto field names) for scripts. --watch repeats every
// --interval_s until interrupted. Exit status: 0 on success, 1 if the
// learner answered with an error or could not be reached, 2 for bad usage.
#include <grpcpp/grpcpp.h>

#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "proto/polo.grpc.pb.h"
#include "rpc/channel.h"
#include "rpc/client_flags.h"
#include "rpc/json.h"
#include "server/episode_record.h"

ABSL_FLAG(std::string, learner, "localhost:50051", "the learner's HOST:PORT");
ABSL_FLAG(bool, json, false, "print JSON (one object per line) instead of tables");
ABSL_FLAG(bool, watch, false, "repeat every --interval_s until interrupted");
ABSL_FLAG(double, interval_s, 2.0, "seconds between --watch refreshes");
ABSL_FLAG(double, timeout_s, 10.0, "deadline of each call");

namespace {

std::string Age(int64_t unix_ms) {
  if (unix_ms == 0) return "-";
  return absl::StrFormat("%.1fs ago",
                         static_cast<double>(absl::ToUnixMillis(absl::Now()) - unix_ms) / 1000);
}

void PrintStatus(const polo::RunStatus& s) {
  const polo::RunConfig& c = s.config();
  std::printf("task           %s\n", c.task().c_str());
  std::printf("mode           %s\n", polo::LoopMode_Name(c.mode()).c_str());
  std::printf("phase          %s\n", s.phase().c_str());
  std::printf("listen         %s\n", s.listen_address().c_str());
  std::printf("run folder     %s\n", s.run_dir().c_str());
  std::printf("started        %s\n", Age(s.started_unix_ms()).c_str());
  std::printf("resumed from   %s\n", s.resumed_from().empty() ? "-" : s.resumed_from().c_str());
  std::printf("checkpoint     %s (%s)\n",
              s.last_checkpoint().empty() ? "-" : s.last_checkpoint().c_str(),
              Age(s.last_checkpoint_unix_ms()).c_str());
  std::printf("total steps    %llu\n", static_cast<unsigned long long>(c.total_steps()));
  std::printf("mppi           H=%d K=%d sigma=%g lambda=%g gamma=%g\n", c.mppi().horizon(),
              c.mppi().num_rollouts(), c.mppi().noise_sigma(), c.mppi().temperature(),
              c.mppi().gamma());
  std::printf("targets        N=%d rollouts=%d iterations=%d %s\n", c.targets().horizon(),
              c.targets().num_rollouts(), c.targets().iterations(),
              c.targets().per_member() ? "per-member" : "shared samples");
  std::printf("training       Z=%d G=%d n=%d lr=%g  ensemble %d members, kappa=%g\n",
              c.training().update_every(), c.training().gradient_steps(),
              c.training().minibatch_size(), c.training().learning_rate(),
              c.ensemble().ensemble_size(), c.kappa());
}

void PrintProgress(const polo::Progress& p) {
  auto u = [](uint64_t v) { return static_cast<unsigned long long>(v); };
  std::printf("agent steps       %llu  (%.1f/s)\n", u(p.agent_steps()), p.states_per_second());
  std::printf("episodes          %llu  last return %.4g  mean(10) %.4g\n", u(p.episodes()),
              p.last_episode_return(), p.mean_episode_return());
  if (p.has_last_episode()) {
    const polo::EpisodeRecord& e = p.last_episode();
    std::printf("%s  (actor %s episode %llu, %llu states, at step %llu)\n",
                polo::server::EpisodeSummary(e).c_str(), e.worker_id().c_str(),
                u(e.worker_episode()), u(e.length()), u(e.agent_steps()));
  }
  if (p.coverage() >= 0) std::printf("coverage          %.1f%%\n", 100 * p.coverage());
  for (int i = 0; i < p.metric_names_size() && i < p.metric_values_size(); ++i) {
    std::printf("%-17s %.4g\n", p.metric_names(i).c_str(), p.metric_values(i));
  }
  std::printf("updates           %llu  gradient steps %llu  value loss %.4g\n", u(p.updates()),
              u(p.gradient_steps()), p.value_loss());
  if (p.update_failures() > 0) {
    std::printf("update failing    %u times in a row: %s\n", p.update_failures(),
                p.last_update_error().c_str());
  }
  std::printf("weights version   %llu\n", u(p.weights_version()));
  std::printf("replay size       %llu  (duplicates dropped %llu)\n", u(p.replay_size()),
              u(p.duplicates_dropped()));
  std::printf("targets           %llu  (%.1f/s)\n", u(p.targets_computed()), p.targets_per_second());
  std::printf("jobs              queued %llu  leased %llu  reassigned %llu  late dropped %llu\n",
              u(p.jobs_queued()), u(p.jobs_leased()), u(p.jobs_reassigned()),
              u(p.late_results_dropped()));
  std::printf("cpu               %.0f%% (last ~10 s)  %.0f%% (since start)\n",
              100 * p.cpu_utilisation(), 100 * p.cpu_utilisation_total());
  std::printf("uptime            %.0fs\n", p.uptime_s());
}

void PrintWorkers(const polo::ListWorkersResponse& r) {
  std::printf("%-12s %-14s %-9s %7s %10s %9s %5s %-12s %s\n", "ID", "KIND", "CONNECTED", "THREADS",
              "ITEMS", "ITEMS/S", "JOBS", "LAST SEEN", "DESCRIPTION");
  for (const polo::WorkerInfo& w : r.workers()) {
    std::printf("%-12s %-14s %-9s %7d %10llu %9.1f %5llu %-12s %s\n", w.worker_id().c_str(),
                polo::WorkerKind_Name(w.kind()).c_str(), w.connected() ? "yes" : "no",
                w.threads(), static_cast<unsigned long long>(w.items()), w.items_per_second(),
                static_cast<unsigned long long>(w.jobs_leased()),
                Age(w.last_seen_unix_ms()).c_str(), w.description().c_str());
  }
}

int Error(const grpc::Status& status, const std::string& address) {
  std::fprintf(stderr, "cli: %s: %s (%s)\n", address.c_str(), status.error_message().c_str(),
               status.error_code() == grpc::StatusCode::UNAVAILABLE ? "is the learner running?"
                                                                    : "error from the learner");
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "cli [--learner=HOST:PORT] status|workers|progress [--watch] [--json] | checkpoint");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() != 2) {
    std::fprintf(stderr, "usage: %s\n", absl::ProgramUsageMessage().data());
    return 2;
  }
  const std::string command = args[1];
  if (command != "status" && command != "workers" && command != "progress" &&
      command != "checkpoint") {
    std::fprintf(stderr, "cli: unknown command \"%s\"; usage: %s\n", command.c_str(),
                 absl::ProgramUsageMessage().data());
    return 2;
  }
  const std::string address = absl::GetFlag(FLAGS_learner);
  absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
      polo::rpc::LearnerChannelFromFlags(address);
  if (!channel.ok()) {
    std::fprintf(stderr, "cli: %s\n", std::string(channel.status().message()).c_str());
    return 2;
  }
  auto stub = polo::Learner::NewStub(*channel);
  const absl::Duration timeout = absl::Seconds(absl::GetFlag(FLAGS_timeout_s));
  const bool json = absl::GetFlag(FLAGS_json);
  while (true) {
    grpc::Status status;
    if (command == "status") {
      polo::RunStatus r;
      status = stub->GetStatus(polo::rpc::ContextWithTimeout(timeout).get(), {}, &r);
      if (status.ok()) json ? (void)std::printf("%s\n", polo::rpc::ToJson(r).c_str()) : PrintStatus(r);
    } else if (command == "progress") {
      polo::Progress r;
      status = stub->GetProgress(polo::rpc::ContextWithTimeout(timeout).get(), {}, &r);
      if (status.ok()) json ? (void)std::printf("%s\n", polo::rpc::ToJson(r).c_str()) : PrintProgress(r);
    } else if (command == "workers") {
      polo::ListWorkersResponse r;
      status = stub->ListWorkers(polo::rpc::ContextWithTimeout(timeout).get(), {}, &r);
      if (status.ok()) json ? (void)std::printf("%s\n", polo::rpc::ToJson(r).c_str()) : PrintWorkers(r);
    } else {
      polo::CheckpointResponse r;
      status = stub->Checkpoint(polo::rpc::ContextWithTimeout(absl::Minutes(2)).get(), {}, &r);
      if (status.ok()) {
        json ? (void)std::printf("%s\n", polo::rpc::ToJson(r).c_str())
             : (void)std::printf("checkpoint written: %s (step %llu, weights v%llu)\n",
                                 r.path().c_str(), static_cast<unsigned long long>(r.agent_steps()),
                                 static_cast<unsigned long long>(r.weights_version()));
      }
    }
    if (!status.ok()) return Error(status, address);
    std::fflush(stdout);
    if (!absl::GetFlag(FLAGS_watch) || command == "checkpoint") return 0;
    absl::SleepFor(absl::Seconds(absl::GetFlag(FLAGS_interval_s)));
    if (!json) std::printf("\n");
  }
}

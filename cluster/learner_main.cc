// //server:learner — the POLO learner service. With no flags it trains the
// default task (point_mass_maze, config/run_config.h) on this machine: in-process
// actor and target workers, gRPC on localhost:50051, a run folder under
// /tmp/polo_runs/, and a live progress line. See README.md for multi-machine
// use (--listen=0.0.0.0:50051 --actors=0 --target_workers=0).
//
// Threads: LibTorch's intra-op pool is set to one thread by the trainer
// (learner/trainer.h, TrainerSettings::num_threads = 1), because this
// process also runs rollouts.
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "cluster/local_workers.h"
#include "cluster/local_workers_flags.h"
#include "rpc/serving_flags.h"
#include "rpc/security.h"
#include "server/auth.h"
#include "server/learner_core.h"
#include "server/learner_flags.h"
#include "server/learner_metrics.h"
#include "server/learner_service.h"
#include "server/progress_reporter.h"
#include "util/metrics.h"
#include "util/paths.h"
#include "util/signal_watcher.h"
#include "util/stop_flag.h"

ABSL_FLAG(std::string, listen, "localhost:50051",
          "gRPC listen address; 0.0.0.0:50051 to accept remote workers (then TLS and tokens, "
          "or --insecure)");
ABSL_FLAG(std::string, tls_cert, "", "serve TLS with this certificate chain (PEM); with --tls_key");
ABSL_FLAG(std::string, tls_key, "", "private key (PEM) of --tls_cert");
ABSL_FLAG(std::string, tls_client_ca, "",
          "mutual TLS: clients must present a certificate signed by this CA (PEM)");
ABSL_FLAG(std::string, worker_token_file, "",
          "file with the token workers must send (with --admin_token_file); never logged");
ABSL_FLAG(std::string, admin_token_file, "",
          "file with the token the CLI's admin calls (checkpoint, unregister) must send");
ABSL_FLAG(bool, insecure, false,
          "allow listening beyond loopback without TLS and tokens (a network you trust)");
ABSL_FLAG(std::string, run_dir, "",
          "run folder (config.json, metrics.jsonl, episodes.jsonl, tb/, checkpoints/); default "
          "/tmp/polo_runs/<task>-<time>");
ABSL_FLAG(bool, resume, false, "continue from the latest checkpoint in --run_dir");
ABSL_FLAG(bool, tensorboard, true,
          "also write every episode and update as TensorBoard events to --run_dir/tb/ "
          "(tensorboard --logdir RUN_DIR/tb)");
ABSL_FLAG(int64_t, checkpoint_every_s, 60, "seconds between periodic checkpoints");
ABSL_FLAG(bool, progress, true,
          "report progress on stderr: a live line on a terminal, otherwise one JSON line every "
          "--progress_every_s");
ABSL_FLAG(int64_t, progress_every_s, 10,
          "seconds between progress lines when stderr is not a terminal (a file, a pipe)");
ABSL_FLAG(bool, exit_when_complete, true,
          "exit (after a final checkpoint) when --total_steps is reached");

namespace {

using polo::server::LearnerCore;

// How long a complete run keeps serving for actors still to learn of it.
constexpr absl::Duration kCompletionDrain = absl::Seconds(10);

std::string UserPath(const std::string& path) {
  return path.empty() ? path : polo::util::ResolveUserPath(path);
}

// TLS, tokens and the health port from the flags; refuses to serve beyond
// loopback without TLS and tokens unless --insecure (secure by default).
absl::StatusOr<polo::cluster::ServingOptions> ServingFromFlags(const std::string& listen) {
  polo::rpc::ServerTls tls;
  tls.cert_file = UserPath(absl::GetFlag(FLAGS_tls_cert));
  tls.key_file = UserPath(absl::GetFlag(FLAGS_tls_key));
  tls.client_ca_file = UserPath(absl::GetFlag(FLAGS_tls_client_ca));
  absl::StatusOr<polo::server::Authorizer> authorizer = polo::server::Authorizer::FromFiles(
      UserPath(absl::GetFlag(FLAGS_worker_token_file)),
      UserPath(absl::GetFlag(FLAGS_admin_token_file)));
  if (!authorizer.ok()) return authorizer.status();
  if (absl::Status s = polo::rpc::CheckListenSecurity(listen, tls, authorizer->enabled(),
                                                      absl::GetFlag(FLAGS_insecure));
      !s.ok()) {
    return s;
  }
  absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
      polo::rpc::MakeServerCredentials(tls);
  if (!credentials.ok()) return credentials.status();
  polo::cluster::ServingOptions serving;
  serving.credentials = *std::move(credentials);
  serving.authorizer = *std::move(authorizer);
  serving.health_listen = absl::GetFlag(FLAGS_health_listen);
  return serving;
}

int Fail(const absl::Status& status) {
  std::fprintf(stderr, "learner: %s\n", std::string(status.message()).c_str());
  return 2;
}

// The learner's options from the flags: run folder (default
// /tmp/polo_runs/<task>-<time>), resume, TensorBoard events, checkpoint
// period, listen address.
absl::StatusOr<polo::server::LearnerOptions> LearnerOptionsFromFlags(polo::RunConfig config) {
  polo::server::LearnerOptions options;
  options.config = std::move(config);
  options.run_dir = polo::util::ResolveUserPath(absl::GetFlag(FLAGS_run_dir));
  options.resume = absl::GetFlag(FLAGS_resume);
  options.tensorboard = absl::GetFlag(FLAGS_tensorboard);
  if (options.run_dir.empty()) {
    if (options.resume) return absl::InvalidArgumentError("--resume: needs --run_dir");
    options.run_dir = absl::StrCat("/tmp/polo_runs/", options.config.task(), "-",
                                   absl::FormatTime("%Y%m%d-%H%M%S", absl::Now(),
                                                    absl::LocalTimeZone()));
  }
  options.checkpoint_period = absl::Seconds(absl::GetFlag(FLAGS_checkpoint_every_s));
  options.listen_address = absl::GetFlag(FLAGS_listen);
  if (absl::GetFlag(FLAGS_progress_every_s) <= 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--progress_every_s: is ", absl::GetFlag(FLAGS_progress_every_s), ", expected > 0"));
  }
  return options;
}

// The /metrics endpoint, if --metrics_listen asks for one.
absl::StatusOr<std::unique_ptr<polo::util::MetricsEndpoint>> StartMetrics(
    polo::cluster::LocalCluster* cluster) {
  absl::StatusOr<std::unique_ptr<polo::util::MetricsEndpoint>> metrics =
      polo::rpc::MetricsEndpointFromFlag();
  if (!metrics.ok() || *metrics == nullptr) return metrics;
  (*metrics)->Add(
      std::make_shared<polo::server::LearnerMetrics>(cluster->core(), &cluster->calls()));
  std::fprintf(stderr, "learner: metrics on http://%s/metrics\n",
               absl::GetFlag(FLAGS_metrics_listen).c_str());
  return metrics;
}

void AnnounceStart(const LearnerCore& core, const polo::server::LearnerOptions& options) {
  const std::string resumed_from = core.GetStatus().resumed_from();
  std::string resumed;
  if (!resumed_from.empty()) {
    resumed = absl::StrCat(" (resumed from ", resumed_from, ")");
  } else if (options.resume) {
    resumed = " (--resume: no checkpoint yet, so the run starts fresh)";
  }
  std::fprintf(stderr, "learner: %s (%s), serving on %s, run folder %s%s\n",
               core.config().task().c_str(), polo::LoopMode_Name(core.config().mode()).c_str(),
               options.listen_address.c_str(), options.run_dir.c_str(), resumed.c_str());
}

// Reports progress until `stop` or, with --exit_when_complete, until the
// run is complete and every actor has been told.
void ServeUntilDone(LearnerCore* core, const polo::util::StopFlag& stop) {
  const bool report_progress = absl::GetFlag(FLAGS_progress);
  polo::server::ProgressReporter reporter(stderr, isatty(STDERR_FILENO) == 1,
                                          absl::Seconds(absl::GetFlag(FLAGS_progress_every_s)));
  absl::Time completed_at = absl::InfiniteFuture();
  while (!stop.SleepFor(absl::Milliseconds(completed_at == absl::InfiniteFuture() ? 1000 : 100))) {
    if (report_progress) {
      const int connected =
          core->WorkersConnected(polo::ACTOR) + core->WorkersConnected(polo::TARGET_WORKER);
      reporter.Report(core->GetProgress(), connected, absl::Now());
    }
    if (absl::GetFlag(FLAGS_exit_when_complete) && core->WaitUntilComplete(absl::Now())) {
      // Serve on until every actor has been told the run is complete and
      // unregistered, those of a resumed checkpoint included (or
      // kCompletionDrain passed): an actor that found the learner gone
      // would retry until stopped.
      if (completed_at == absl::InfiniteFuture()) completed_at = absl::Now();
      if (core->ActorsToTellOfCompletion() == 0 || absl::Now() - completed_at >= kCompletionDrain) {
        break;
      }
    }
  }
  reporter.Finish();
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "POLO learner service. No flags: train point_mass_maze here with local workers.");
  absl::ParseCommandLine(argc, argv);
  polo::util::StopFlag stop;
  polo::util::SignalWatcher signals([&stop](int) { stop.Set(); });

  absl::StatusOr<polo::RunConfig> config = polo::server::RunConfigFromFlags();
  if (!config.ok()) return Fail(config.status());
  absl::StatusOr<polo::cluster::LocalWorkersOptions> local_options =
      polo::cluster::LocalWorkersOptionsFromFlags();
  if (!local_options.ok()) return Fail(local_options.status());
  absl::StatusOr<polo::server::LearnerOptions> options = LearnerOptionsFromFlags(*config);
  if (!options.ok()) return Fail(options.status());
  absl::StatusOr<polo::cluster::ServingOptions> serving = ServingFromFlags(options->listen_address);
  if (!serving.ok()) return Fail(serving.status());
  absl::StatusOr<std::unique_ptr<polo::cluster::LocalCluster>> cluster =
      polo::cluster::LocalCluster::Start(*options, *local_options, *std::move(serving));
  if (!cluster.ok()) return Fail(polo::server::InFlagTerms(cluster.status()));
  LearnerCore* core = (*cluster)->core();
  absl::StatusOr<std::unique_ptr<polo::util::MetricsEndpoint>> metrics =
      StartMetrics(cluster->get());
  if (!metrics.ok()) return Fail(metrics.status());
  AnnounceStart(*core, *options);

  ServeUntilDone(core, stop);
  std::fprintf(stderr, "learner: %s; stopping\n",
               stop.is_set() ? "signal received" : "run complete");
  absl::Status stopped = (*cluster)->Stop();
  const polo::Progress p = core->GetProgress();
  std::fprintf(stderr, "learner: final %s\n", polo::server::ProgressLine(p, 0).c_str());
  if (!stopped.ok()) return Fail(stopped);
  std::fprintf(stderr, "learner: final checkpoint written in %s\n", options->run_dir.c_str());
  return 0;
}

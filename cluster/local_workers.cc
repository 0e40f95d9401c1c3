#include "cluster/local_workers.h"

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "rpc/channel.h"
#include "rpc/health.h"
#include "rpc/security.h"
#include "rpc/serving_flags.h"

namespace polo::cluster {

int SplitActorThreads(int actors, int cores) {
  return std::max(1, cores / std::max(1, actors));
}

absl::Status LocalWorkers::Validate(const LocalWorkersOptions& o) {
  if (o.actors < 0) return absl::InvalidArgumentError(absl::StrCat("actors: got ", o.actors, ", expected >= 0"));
  if (o.target_workers < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("target_workers: got ", o.target_workers, ", expected >= 0"));
  }
  if (o.actor_threads < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("actor_threads: got ", o.actor_threads, ", expected >= 1"));
  }
  if (o.target_threads < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("target_threads: got ", o.target_threads, ", expected >= 1"));
  }
  return absl::OkStatus();
}

LocalWorkers::LocalWorkers(grpc::Server* server, server::LearnerService* service,
                           const LocalWorkersOptions& options, const std::string& token)
    : service_(service) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(rpc::kMaxMessageBytes);
  args.SetMaxSendMessageSize(rpc::kMaxMessageBytes);
  std::vector<std::unique_ptr<grpc::experimental::ClientInterceptorFactoryInterface>> interceptors;
  if (!token.empty()) interceptors.push_back(rpc::BearerTokenInterceptors(token));
  std::shared_ptr<grpc::Channel> local =
      server->experimental().InProcessChannelWithInterceptors(args, std::move(interceptors));
  absl::MutexLock lock(&mu_);
  for (int i = 0; i < options.target_workers; ++i) {
    worker::TargetWorkerOptions o;
    o.threads = options.target_threads;
    o.description = absl::StrCat("in-process target worker ", i);
    target_workers_.push_back(std::make_unique<worker::TargetWorker>(local, o));
  }
  for (int i = 0; i < options.actors; ++i) {
    worker::ActorOptions o;
    o.threads = options.actor_threads;
    o.description = absl::StrCat("in-process actor ", i);
    actors_.push_back(std::make_unique<worker::Actor>(local, o));
  }
  for (auto& w : target_workers_) {
    worker::TargetWorker* target_worker = w.get();
    threads_.emplace_back([target_worker] {
      if (absl::Status s = target_worker->Run(); !s.ok()) {
        std::fprintf(stderr, "target worker: %s\n", s.ToString().c_str());
      }
    });
  }
  for (auto& a : actors_) {
    worker::Actor* actor = a.get();
    threads_.emplace_back([actor] {
      if (absl::Status s = actor->Run(); !s.ok()) {
        std::fprintf(stderr, "actor: %s\n", s.ToString().c_str());
      }
    });
  }
}

LocalWorkers::~LocalWorkers() { Stop(); }

void LocalWorkers::Stop() {
  absl::MutexLock lock(&mu_);
  for (auto& a : actors_) a->Stop();
  for (auto& w : target_workers_) w->Stop();
  service_->Shutdown();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
  // Destroying the workers joins their weights-subscription threads.
  actors_.clear();
  target_workers_.clear();
}

absl::StatusOr<std::unique_ptr<LocalCluster>> LocalCluster::Start(
    const server::LearnerOptions& learner, const LocalWorkersOptions& workers,
    ServingOptions serving) {
  if (absl::Status s = LocalWorkers::Validate(workers); !s.ok()) return s;
  std::unique_ptr<LocalCluster> cluster(new LocalCluster());
  absl::StatusOr<std::unique_ptr<server::LearnerCore>> core = server::LearnerCore::Create(learner);
  if (!core.ok()) return core.status();
  cluster->core_ = *std::move(core);
  const std::string token = serving.authorizer.worker_token();
  cluster->service_ = std::make_unique<server::LearnerService>(cluster->core_.get(),
                                                               std::move(serving.authorizer));
  absl::StatusOr<std::unique_ptr<grpc::Server>> server = server::BuildLearnerServer(
      learner.listen_address, cluster->service_.get(), &cluster->port_, serving.credentials,
      &cluster->calls_);
  if (!server.ok()) return server.status();
  cluster->server_ = *std::move(server);
  if (!serving.health_listen.empty()) {
    absl::StatusOr<std::unique_ptr<grpc::Server>> health =
        rpc::BuildHealthServer(serving.health_listen, &cluster->health_port_);
    if (!health.ok()) return rpc::NamingFlag("health_listen", health.status());
    cluster->health_server_ = *std::move(health);
  }
  cluster->core_->Start();
  cluster->workers_ = std::make_unique<LocalWorkers>(cluster->server_.get(),
                                                     cluster->service_.get(), workers, token);
  return cluster;
}

LocalCluster::~LocalCluster() { (void)Stop(); }

absl::Status LocalCluster::Stop() {
  absl::MutexLock lock(&mu_);
  if (stopped_) return core_ != nullptr ? core_->Stop() : absl::OkStatus();
  stopped_ = true;
  // Workers go while the server still runs (see LocalWorkers).
  if (workers_ != nullptr) workers_->Stop();
  if (service_ != nullptr) service_->Shutdown();
  if (server_ != nullptr) {
    server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  }
  if (health_server_ != nullptr) {
    health_server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
  }
  return core_ != nullptr ? core_->Stop() : absl::OkStatus();
}

}  // namespace polo::cluster

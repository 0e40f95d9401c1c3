#include "server/update_loop.h"

#include <algorithm>
#include <utility>

#include "absl/time/clock.h"
#include "learner/seed_schedule.h"

namespace polo::server {

learner::TrainerSettings TrainerSettingsFromConfig(const polo::RunConfig& c) {
  learner::TrainerSettings s;
  s.learning_rate = c.training().learning_rate();
  s.target_noise = c.training().target_noise();
  s.weight_decay = c.training().weight_decay();
  s.minibatch_size = c.training().minibatch_size();
  s.gradient_steps = 1;  // One Adam step per target job (see the header).
  s.seed = learner::TrainerSeed(c.seed());
  s.num_threads = 1;
  return s;
}

UpdateLoop::UpdateLoop(const polo::RunConfig* config, const models::Task* task,
                       std::unique_ptr<learner::Trainer> trainer, learner::ReplayBuffer* buffer,
                       TargetScheduler* scheduler, WeightsBroadcaster* broadcaster, Hooks hooks,
                       Stats restored)
    : config_(*config),
      task_(*task),
      trainer_(std::move(trainer)),
      buffer_(*buffer),
      scheduler_(*scheduler),
      broadcaster_(*broadcaster),
      hooks_(std::move(hooks)),
      stats_(restored) {}

UpdateLoop::Stats UpdateLoop::stats() const {
  absl::MutexLock lock(&stats_mu_);
  return stats_;
}

absl::Status UpdateLoop::Publish(uint64_t agent_steps) {
  absl::StatusOr<polo::EnsembleWeights> weights = trainer_->ExportWeights();
  if (!weights.ok()) return weights.status();
  weights->set_agent_steps(agent_steps);
  auto shared = std::make_shared<const polo::EnsembleWeights>(*std::move(weights));
  const int64_t now_us = absl::ToUnixMicros(absl::Now());  // Before subscribers can wake.
  absl::Status status = broadcaster_.Publish(std::move(shared));
  if (status.ok()) {
    absl::MutexLock lock(&stats_mu_);
    stats_.published_unix_us = now_us;
  }
  return status;
}

absl::Status UpdateLoop::RunUpdate() {
  const absl::Time start = absl::Now();
  targets_s_ = 0;
  double loss_sum = 0;
  absl::Status status = RunRounds(&loss_sum);
  if (!status.ok()) {
    scheduler_.Clear();  // Jobs of an abandoned update are nobody's now.
    return status;
  }
  absl::MutexLock lock(&stats_mu_);
  ++stats_.updates;
  stats_.value_loss = loss_sum / config_.training().gradient_steps();
  stats_.last_update_s = absl::ToDoubleSeconds(absl::Now() - start);
  stats_.update_seconds.Observe(stats_.last_update_s);
  stats_.last_update_targets_s = targets_s_;
  return absl::OkStatus();
}

absl::Status UpdateLoop::RunRounds(double* loss_sum) {
  const polo::TrainingConfig& training = config_.training();
  const int rounds = training.gradient_steps();
  const int n = training.minibatch_size();
  if (training.target_states() > 0) {
    absl::StatusOr<std::vector<uint64_t>> jobs =
        QueueJobs(static_cast<int>(training.target_states()), hooks_.target_workers_connected());
    if (!jobs.ok()) return jobs.status();
    absl::StatusOr<TargetSet> set = AwaitTargets(*jobs);
    if (!set.ok()) return set.status();
    if (absl::Status s = TrainOn(*set, rounds, loss_sum); !s.ok()) return s;
    return Publish(hooks_.agent_steps());
  }
  if (config_.mode() == polo::SYNCHRONOUS) {
    for (int g = 0; g < rounds; ++g) {
      absl::StatusOr<std::vector<uint64_t>> jobs = QueueJobs(n, hooks_.target_workers_connected());
      if (!jobs.ok()) return jobs.status();
      absl::StatusOr<TargetSet> set = AwaitTargets(*jobs);
      if (!set.ok()) return set.status();
      if (absl::Status s = TrainOn(*set, 1, loss_sum); !s.ok()) return s;
      // The next round's targets use these weights (Algorithm 1).
      if (absl::Status s = Publish(hooks_.agent_steps()); !s.ok()) return s;
    }
    return absl::OkStatus();
  }
  // All G rounds' jobs at once: the pool computes them in parallel.
  std::vector<uint64_t> jobs;
  for (int g = 0; g < rounds; ++g) {
    absl::StatusOr<std::vector<uint64_t>> job = QueueJobs(n, 1);
    if (!job.ok()) return job.status();
    jobs.push_back(job->front());
  }
  for (uint64_t job : jobs) {
    absl::StatusOr<TargetSet> set = AwaitTargets({job});
    if (!set.ok()) return set.status();
    if (absl::Status s = TrainOn(*set, 1, loss_sum); !s.ok()) return s;
  }
  return Publish(hooks_.agent_steps());
}

absl::StatusOr<std::vector<uint64_t>> UpdateLoop::QueueJobs(int num_states, int num_jobs) {
  uint64_t draw;
  {
    absl::MutexLock lock(&stats_mu_);
    draw = stats_.replay_draws++;
  }
  absl::StatusOr<std::vector<learner::ReplayEntry>> sample =
      buffer_.Sample(num_states, learner::ReplayDrawSeed(config_.seed(), draw));
  if (!sample.ok()) return sample.status();
  num_jobs = std::clamp(num_jobs, 1, num_states);
  const polo::TargetConfig& targets = config_.targets();
  const size_t plan_size =
      targets.warm_start() ? static_cast<size_t>(targets.horizon()) * task_.model()->nu : 0;
  std::vector<uint64_t> ids;
  int next = 0;
  for (int j = 0; j < num_jobs; ++j) {
    // Near-equal shares: the first num_states % num_jobs jobs get one more.
    const int end = next + num_states / num_jobs + (j < num_states % num_jobs ? 1 : 0);
    TargetJobInput job;
    job.weights_version = trainer_->version();
    for (int i = next; i < end; ++i) {
      const learner::ReplayEntry& entry = (*sample)[i];
      job.state_ids.push_back(learner::TargetStateId(draw, i));
      job.physics_states.insert(job.physics_states.end(), entry.physics_state.begin(),
                                entry.physics_state.end());
      job.features.insert(job.features.end(), entry.features.begin(), entry.features.end());
      job.plans.insert(job.plans.end(), entry.plan.begin(), entry.plan.end());
    }
    // A job warm-starts only if every state has a plan (a buffer resumed
    // from before warm starts were on may hold states without).
    if (job.plans.size() != job.state_ids.size() * plan_size) job.plans.clear();
    ids.push_back(scheduler_.Add(std::move(job)));
    next = end;
  }
  return ids;
}

absl::StatusOr<UpdateLoop::TargetSet> UpdateLoop::AwaitTargets(absl::Span<const uint64_t> jobs) {
  const absl::Time start = absl::Now();
  while (!scheduler_.WaitForJobs(jobs, absl::Now() + absl::Milliseconds(500))) {
    if (hooks_.stopping()) return absl::CancelledError("the learner is stopping");
  }
  targets_s_ += absl::ToDoubleSeconds(absl::Now() - start);
  TargetSet set;
  for (uint64_t id : jobs) {
    absl::StatusOr<CompletedJob> job = scheduler_.TakeCompleted(id);
    if (!job.ok()) return job.status();
    set.features.insert(set.features.end(), job->features.begin(), job->features.end());
    set.targets.insert(set.targets.end(), job->targets.begin(), job->targets.end());
  }
  return set;
}

absl::Status UpdateLoop::TrainOn(const TargetSet& set, int steps, double* loss_sum) {
  for (int g = 0; g < steps; ++g) {
    // One Adam step on a minibatch of n drawn from the set (trainer.h).
    absl::StatusOr<learner::TrainStats> stats = trainer_->Train(set.features, set.targets);
    if (!stats.ok()) return stats.status();
    *loss_sum += stats->mean_loss;
    absl::MutexLock lock(&stats_mu_);
    stats_.gradient_steps += stats->gradient_steps;
  }
  return absl::OkStatus();
}

}  // namespace polo::server

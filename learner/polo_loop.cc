#include "learner/polo_loop.h"

#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "learner/seed_schedule.h"
#include "models/physics_state.h"

namespace polo::learner {

absl::Status ValidatePoloSettings(const PoloSettings& s) {
  if (absl::Status st = planner::ValidateMppiSettings(s.acting); !st.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("acting.", st.message()));
  }
  if (absl::Status st = ValidateTargetSettings(s.targets); !st.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("targets.", st.message()));
  }
  if (absl::Status st = ValidateTrainerSettings(s.trainer); !st.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("trainer.", st.message()));
  }
  auto bad = [](const char* field, auto value, const char* expected) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": got ", value, ", expected ", expected));
  };
  if (s.ensemble.ensemble_size() < 0) return bad("ensemble_size", s.ensemble.ensemble_size(), ">= 0");
  if (s.gradient_steps < 0) return bad("gradient_steps", s.gradient_steps, ">= 0");
  if (s.update_every < 1) return bad("update_every", s.update_every, ">= 1");
  if (s.trainer.minibatch_size >= kMaxStatesPerDraw) {
    return bad("trainer.minibatch_size", s.trainer.minibatch_size, "< 65536");
  }
  if (!std::isfinite(s.kappa)) return bad("kappa", s.kappa, "finite");
  if (s.replay_capacity < 1) return bad("replay_capacity", s.replay_capacity, ">= 1");
  if (s.episode_length < 0) return bad("episode_length", s.episode_length, ">= 0");
  if (s.targets.rollouts.gamma != s.acting.rollouts.gamma) {
    return absl::InvalidArgumentError(absl::StrCat("targets.gamma: got ", s.targets.rollouts.gamma,
                                                   ", expected acting.gamma = ",
                                                   s.acting.rollouts.gamma));
  }
  return absl::OkStatus();
}

PoloLoop::PoloLoop(const models::Task* task, const PoloSettings& settings)
    : task_(task), settings_(settings) {
  if (settings_.episode_length == 0) settings_.episode_length = task->episode_length();
}

absl::StatusOr<std::unique_ptr<PoloLoop>> PoloLoop::Create(const models::Task* task,
                                                           const PoloSettings& settings,
                                                           planner::ThreadPool* pool) {
  if (task == nullptr || pool == nullptr) {
    return absl::InvalidArgumentError("task and pool must not be null");
  }
  if (absl::Status s = ValidatePoloSettings(settings); !s.ok()) return s;
  auto loop = std::unique_ptr<PoloLoop>(new PoloLoop(task, settings));
  PoloSettings& ls = loop->settings_;
  // The service's seed schedule (seed_schedule.h), this loop being actor 0.
  ls.acting.seed = ActorSeed(settings.seed, 0);
  ls.targets.seed = TargetSeed(settings.seed);
  auto agent = planner::Agent::Create(task, ls.acting, pool);
  if (!agent.ok()) return agent.status();
  loop->agent_ = *std::move(agent);
  loop->agent_->Reset(EpisodeSeed(ls.acting.seed, 0));
  auto buffer = ReplayBuffer::Create(settings.replay_capacity,
                                     models::PhysicsStateSize(task->model()),
                                     task->num_features());
  if (!buffer.ok()) return buffer.status();
  loop->buffer_ = *std::move(buffer);
  if (settings.ensemble.ensemble_size() == 0) return loop;  // Plain MPC.

  ls.ensemble.set_num_features(task->num_features());
  ls.trainer.seed = TrainerSeed(settings.seed);
  ls.trainer.gradient_steps = 1;  // One step per sampled minibatch (line 8).
  auto trainer = Trainer::Create(ls.ensemble, ls.trainer);
  if (!trainer.ok()) return trainer.status();
  loop->trainer_ = *std::move(trainer);
  auto targets = TargetComputer::Create(task, ls.targets, pool);
  if (!targets.ok()) return targets.status();
  loop->targets_ = *std::move(targets);
  const int n = ls.trainer.minibatch_size;
  const int k = ls.ensemble.ensemble_size();
  loop->batch_states_.resize(static_cast<size_t>(n) * models::PhysicsStateSize(task->model()));
  loop->batch_features_.resize(static_cast<size_t>(n) * task->num_features());
  loop->batch_targets_.resize(static_cast<size_t>(n) * k);
  loop->batch_ids_.resize(n);
  loop->member_values_.resize(k);
  if (absl::Status s = loop->RefreshValue(); !s.ok()) return s;
  return loop;
}

absl::Status PoloLoop::RefreshValue() {
  absl::StatusOr<polo::EnsembleWeights> weights = trainer_->ExportWeights();
  if (!weights.ok()) return weights.status();
  auto ensemble = EigenEnsemble::Create(*weights);
  if (!ensemble.ok()) return ensemble.status();
  ensemble_ = *std::move(ensemble);
  if (value_ == nullptr) {
    auto value = OptimisticValue::Create(*weights, settings_.kappa);
    if (!value.ok()) return value.status();
    value_ = *std::move(value);
    value_->Reserve(settings_.acting.rollouts.num_rollouts);
    return absl::OkStatus();
  }
  return value_->SetWeights(*weights);
}

absl::StatusOr<polo::EnsembleWeights> PoloLoop::weights() const {
  if (trainer_ == nullptr) return absl::FailedPreconditionError("no value ensemble (plain MPC)");
  return trainer_->ExportWeights();
}

absl::Status PoloLoop::AddVisitedState() {
  ReplayEntry entry;
  entry.physics_state.assign(agent_->physics_state().begin(), agent_->physics_state().end());
  entry.features.assign(agent_->features().begin(), agent_->features().end());
  entry.provenance.worker_id = "local";
  entry.provenance.episode = episode_;
  entry.provenance.step = step_;
  entry.provenance.weights_version = value_ != nullptr ? value_->version() : 0;
  return buffer_->Add(std::move(entry));
}

absl::StatusOr<PoloStep> PoloLoop::Step() {
  if (episode_step_ == settings_.episode_length) {
    ++episode_;
    episode_step_ = 0;
    agent_->Reset(EpisodeSeed(settings_.acting.seed, episode_));
  }
  PoloStep out;
  out.step = step_;
  out.episode = episode_;
  // Line 4 adds s_t, the state the action was chosen in.
  if (absl::Status s = AddVisitedState(); !s.ok()) return s;
  planner::AgentStep acted = agent_->Step(step_, value_.get());
  out.reward = acted.reward;
  out.planner = acted.planner;
  ++step_;
  ++episode_step_;
  if (trainer_ != nullptr && step_ % settings_.update_every == 0) {
    absl::StatusOr<double> loss = Update();
    if (!loss.ok()) return loss.status();
    out.updated = true;
    out.value_loss = *loss;
  }
  if (trainer_ != nullptr) {
    ensemble_->EvaluateMembers(agent_->features().data(), 1, member_values_.data());
    double mean = 0, sq = 0;
    for (double v : member_values_) mean += v;
    mean /= member_values_.size();
    for (double v : member_values_) sq += (v - mean) * (v - mean);
    out.disagreement = std::sqrt(sq / member_values_.size());
    EigenEnsemble::Aggregate(member_values_.data(), 1, member_values_.size(), settings_.kappa,
                             &out.value);
    out.weights_version = trainer_->version();
  }
  return out;
}

absl::StatusOr<double> PoloLoop::Update() {
  const int n = settings_.trainer.minibatch_size;
  const size_t state_size = models::PhysicsStateSize(task_->model());
  const size_t nf = task_->num_features();
  double total_loss = 0;
  for (int g = 0; g < settings_.gradient_steps; ++g) {
    const uint64_t draw = draws_++;
    absl::StatusOr<std::vector<ReplayEntry>> batch =
        buffer_->Sample(n, ReplayDrawSeed(settings_.seed, draw));
    if (!batch.ok()) return batch.status();
    for (int i = 0; i < n; ++i) {
      const ReplayEntry& e = (*batch)[i];
      std::copy(e.physics_state.begin(), e.physics_state.end(), batch_states_.begin() + i * state_size);
      std::copy(e.features.begin(), e.features.end(), batch_features_.begin() + i * nf);
      batch_ids_[i] = TargetStateId(draw, i);
    }
    if (absl::Status s = targets_->Compute(batch_states_, batch_ids_, ensemble_.get(),
                                           absl::MakeSpan(batch_targets_));
        !s.ok()) {
      return s;
    }
    absl::StatusOr<TrainStats> stats = trainer_->Train(batch_features_, batch_targets_);
    if (!stats.ok()) return stats.status();
    total_loss += stats->mean_loss;
    // Line 7 computes the next targets with the weights just updated.
    absl::StatusOr<polo::EnsembleWeights> weights = trainer_->ExportWeights();
    if (!weights.ok()) return weights.status();
    auto ensemble = EigenEnsemble::Create(*weights);
    if (!ensemble.ok()) return ensemble.status();
    ensemble_ = *std::move(ensemble);
  }
  if (absl::Status s = RefreshValue(); !s.ok()) return s;
  return settings_.gradient_steps > 0 ? total_loss / settings_.gradient_steps : 0.0;
}

}  // namespace polo::learner

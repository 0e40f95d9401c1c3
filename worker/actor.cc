#include "worker/actor.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/base/internal/raw_logging.h"
#include "absl/strings/str_cat.h"
#include "models/registry.h"
#include "rpc/channel.h"
#include "rpc/grpc_status.h"
#include "config/run_config.h"
#include "learner/seed_schedule.h"

namespace polo::worker {

Actor::Actor(std::shared_ptr<grpc::Channel> channel, ActorOptions options)
    : options_(std::move(options)),
      session_(std::move(channel), polo::ACTOR, options_.description, options_.threads,
               options_.stop) {}

Actor::~Actor() = default;

Actor::Stats Actor::stats() const {
  absl::MutexLock lock(&stats_mu_);
  return stats_;
}

uint64_t Actor::unaccepted() const {
  // held_ is the contiguous range [front's sequence, next_sequence_): O(1),
  // as it is read after every step.
  if (held_.empty()) return 0;
  const uint64_t first_unacked = std::max(acked_, held_.front().sequence);
  return next_sequence_ - std::min(first_unacked, next_sequence_);
}

absl::Status Actor::Connect() {
  const bool first = session_.worker_id().empty();
  absl::StatusOr<polo::RegisterResponse> response = session_.Register();
  if (!response.ok()) return response.status();
  if (first) actor_seed_ = response->actor_seed();
  // Reconcile: states below the learner's mark are in its buffer.
  const uint64_t next = response->next_sequence();
  while (!held_.empty() && held_.front().sequence < next) held_.pop_front();
  if (held_.empty() || held_.front().sequence > next) {
    // The learner lost states we no longer hold (fresh learner, or resumed
    // from an older checkpoint): renumber what we hold to follow on.
    uint64_t s = next;
    for (Held& h : held_) h.sequence = s++;
    next_sequence_ = s;
  }
  acked_ = next;
  return absl::OkStatus();
}

absl::Status Actor::Setup() {
  absl::StatusOr<std::unique_ptr<models::Task>> task = models::MakeTask(session_.config().task());
  if (!task.ok()) return task.status();
  task_ = *std::move(task);
  pool_ = std::make_unique<planner::ThreadPool>(std::max(1, options_.threads));
  absl::StatusOr<std::unique_ptr<planner::Agent>> agent = planner::Agent::Create(
      task_.get(), polo::config::MppiSettingsFromConfig(session_.config(), actor_seed_), pool_.get());
  if (!agent.ok()) return agent.status();
  agent_ = *std::move(agent);
  return absl::OkStatus();
}

absl::Status Actor::RefreshValue() {
  std::shared_ptr<const polo::EnsembleWeights> latest = session_.weights()->Latest();
  if (latest == nullptr) return absl::OkStatus();
  if (value_ != nullptr && value_->version() == latest->version()) return absl::OkStatus();
  const double kappa = config::KappaAt(session_.config(), latest->agent_steps());
  // Weights from the learner that do not fit this actor's task mean the two
  // disagree about the run: stop with the reason rather than plan without a
  // value (or with stale weights) unnoticed.
  if (value_ == nullptr) {
    absl::StatusOr<std::unique_ptr<learner::OptimisticValue>> value =
        learner::OptimisticValue::Create(*latest, kappa);
    if (!value.ok()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "weights version ", latest->version(), " do not build a value: ",
          value.status().message()));
    }
    if ((*value)->num_features() != task_->num_features()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "weights version ", latest->version(), ": spec.num_features is ",
          (*value)->num_features(), ", expected ", task_->num_features(), " (the task's)"));
    }
    value_ = *std::move(value);
    value_->Reserve(session_.config().mppi().num_rollouts());
    return absl::OkStatus();
  }
  if (absl::Status s = value_->SetWeights(*latest, kappa); !s.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("weights version ", latest->version(), " do not build a value: ", s.message()));
  }
  return absl::OkStatus();
}

absl::Status Actor::AwaitWeights(uint64_t version) {
  const absl::Time start = absl::Now();
  while (!session_.stop().is_set()) {
    std::shared_ptr<const polo::EnsembleWeights> w =
        session_.weights()->WaitForVersion(version, absl::Now() + absl::Seconds(5));
    if (w != nullptr && w->version() >= version) return absl::OkStatus();
    ABSL_RAW_LOG(WARNING, "actor %s: waiting %.0f s for weights version %llu (have %s)",
                 session_.worker_id().c_str(), absl::ToDoubleSeconds(absl::Now() - start),
                 static_cast<unsigned long long>(version),
                 w == nullptr ? "none" : std::to_string(w->version()).c_str());
  }
  return absl::OkStatus();
}

absl::Status Actor::Flush() {
  rpc::Backoff backoff;
  int resyncs = 0;
  while (!session_.stop().is_set()) {
    polo::ExperienceBatch batch;
    session_.Identify(&batch);
    bool first = true;
    for (const Held& h : held_) {
      if (h.sequence < acked_) continue;
      if (first) batch.set_first_sequence(h.sequence);
      first = false;
      *batch.add_states() = h.state;
      if (batch.states_size() == rpc::kMaxStatesPerMessage) break;
    }
    if (first) batch.set_first_sequence(acked_);
    polo::ExperienceAck ack;
    const grpc::Status status =
        session_.stub()->SubmitExperience(rpc::ContextWithTimeout(kCallDeadline).get(), batch, &ack);
    if (status.ok()) {
      acked_ = ack.next_sequence();
      while (!held_.empty() && held_.front().sequence < ack.durable_sequence()) held_.pop_front();
      while (held_.size() > kMaxHeldStates) held_.pop_front();
      paused_ = ack.acting_paused();
      complete_ = ack.run_complete();
      min_version_ = std::max(min_version_, ack.weights_version());
      // More to send (a batch was capped, or an update just finished)?
      const bool more = !held_.empty() && held_.back().sequence >= acked_ && !paused_ &&
                        !complete_ && ack.accepted() > 0;
      if (!more) return absl::OkStatus();
      continue;
    }
    switch (status.error_code()) {
      case grpc::StatusCode::INVALID_ARGUMENT:
        return polo::rpc::FromGrpcStatus(status);  // Our bug: retrying cannot help.
      case grpc::StatusCode::NOT_FOUND:           // A learner that does not know us.
      case grpc::StatusCode::FAILED_PRECONDITION:  // A sequence gap: resynchronise.
        if (++resyncs > 5) return polo::rpc::FromGrpcStatus(status);
        if (absl::Status s = Connect(); !s.ok()) return s;
        break;
      default:  // UNAVAILABLE, DEADLINE_EXCEEDED, ...: the learner is away.
        if (session_.stop().SleepFor(backoff.Next())) return absl::OkStatus();
        if (absl::Status s = Connect(); !s.ok()) return s;
        break;
    }
  }
  return absl::OkStatus();
}

absl::Status Actor::WaitWhilePaused() {
  while (paused_ && !session_.stop().is_set() && !complete_) {
    polo::WaitForActingRequest request;
    session_.Identify(&request);
    request.set_wait_ms(absl::ToInt64Milliseconds(kActingPoll));
    polo::ActingState state;
    const grpc::Status status =
        session_.stub()->WaitForActing(rpc::ContextWithTimeout(kWaitForActingDeadline).get(), request, &state);
    if (!status.ok()) {
      // Learner away: Flush reconnects, and tells us whether still paused.
      session_.stop().SleepFor(absl::Milliseconds(200));
      if (absl::Status s = Flush(); !s.ok()) return s;
      continue;
    }
    complete_ = state.run_complete();
    if (state.acting_paused()) continue;
    // The learner's newest (a restarted learner may be at an older one).
    min_version_ = state.weights_version();
    // Resend what was refused during the pause, before acting again.
    paused_ = false;
    if (absl::Status s = Flush(); !s.ok()) return s;
  }
  // Act with the update's weights (Algorithm 1), never with older ones.
  return AwaitWeights(min_version_);
}

void Actor::UpdateStats(const planner::AgentStep& step, double plan_s) {
  const polo::MppiConfig& m = session_.config().mppi();
  absl::MutexLock lock(&stats_mu_);
  stats_.steps = steps_;
  stats_.episodes = episode_;
  stats_.unaccepted = unaccepted();
  stats_.last_planning_s = plan_s;
  stats_.effective_samples = step.planner.effective_samples;
  stats_.rollout_steps_per_s = plan_s > 0 ? static_cast<double>(m.num_rollouts()) * m.horizon() *
                                                std::max(1, m.iterations()) / plan_s
                                          : 0;
  stats_.weights_version = value_ ? value_->version() : 0;
}

absl::Status Actor::Run() {
  if (absl::Status s = Connect(); !s.ok()) return session_.stop().is_set() ? absl::OkStatus() : s;
  if (absl::Status s = Setup(); !s.ok()) return s;
  if (absl::Status s = AwaitWeights(0); !s.ok()) return s;
  const bool sync = session_.config().mode() == polo::SYNCHRONOUS;
  while (!session_.stop().is_set() && !complete_) {
    if (options_.max_steps > 0 && steps_ >= options_.max_steps) break;
    if (paused_) {
      if (absl::Status s = WaitWhilePaused(); !s.ok()) return s;
      continue;
    }
    if (absl::Status s = RefreshValue(); !s.ok()) return s;
    if (episode_step_ == 0) agent_->Reset(learner::EpisodeSeed(actor_seed_, episode_));
    Held held;
    held.sequence = next_sequence_++;
    polo::VisitedState& s = held.state;
    s.mutable_physics_state()->Add(agent_->physics_state().begin(), agent_->physics_state().end());
    s.mutable_features()->Add(agent_->features().begin(), agent_->features().end());
    s.mutable_metrics()->Add(agent_->metrics().begin(), agent_->metrics().end());
    s.set_episode(episode_);
    s.set_step(episode_step_);
    s.set_weights_version(value_ ? value_->version() : 0);
    const absl::Time plan_start = absl::Now();
    const planner::AgentStep step = agent_->Step(steps_, value_.get());
    const double plan_s = absl::ToDoubleSeconds(absl::Now() - plan_start);
    s.set_reward(step.reward);
    if (session_.config().targets().warm_start()) {
      // The plan just optimised from s_t: its targets start from it.
      const int steps = session_.config().targets().horizon();
      auto* plan = s.mutable_plan();
      plan->Resize(steps * agent_->task().model()->nu, 0.0f);
      agent_->CopyPlan(steps, plan->mutable_data());
    }
    ++steps_;
    if (++episode_step_ >= session_.config().episode_length()) {
      s.set_episode_end(true);
      episode_step_ = 0;
      ++episode_;
    }
    held_.push_back(std::move(held));
    UpdateStats(step, plan_s);
    // SYNCHRONOUS: every step, so the Z-th state pauses us at once.
    // ASYNCHRONOUS: batches of up to 8 states.
    if (sync || held_.back().sequence >= acked_ + 7) {
      if (absl::Status st = Flush(); !st.ok()) return st;
    }
  }
  if (!session_.stop().is_set()) (void)Flush();
  session_.Unregister();
  return absl::OkStatus();
}

}  // namespace polo::worker

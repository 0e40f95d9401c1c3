#include "config/polo_settings.h"

#include "config/run_config.h"

namespace polo::config {

learner::PoloSettings PoloSettingsFromConfig(const polo::RunConfig& c) {
  learner::PoloSettings s;
  s.acting = MppiSettingsFromConfig(c, c.seed());
  s.targets = TargetSettingsFromConfig(c);
  s.ensemble = c.ensemble();
  s.trainer.learning_rate = c.training().learning_rate();
  s.trainer.target_noise = c.training().target_noise();
  s.trainer.weight_decay = c.training().weight_decay();
  s.trainer.minibatch_size = c.training().minibatch_size();
  s.gradient_steps = c.training().gradient_steps();
  s.update_every = c.training().update_every();
  s.kappa = c.kappa();
  s.replay_capacity = static_cast<int64_t>(c.training().replay_capacity());
  s.episode_length = c.episode_length();
  s.seed = c.seed();
  return s;
}

}  // namespace polo::config

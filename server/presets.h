// The run configuration a task starts from: the paper's defaults
// (rpc::DefaultRunConfig) with the measured presets of the task's family
// (models::TaskFamily) and the task's lifetime. Flags then override single
// fields (server/learner_flags.h). The one place where per-family settings
// live. Stateless.
#ifndef POLO_SERVER_PRESETS_H_
#define POLO_SERVER_PRESETS_H_

#include "models/task.h"
#include "proto/polo.pb.h"

namespace polo::server {

// Point-mass worlds: learner::PoloSettings::PointMass(), measured with
// //experiments:exploration (H = 32, K = 64, σ 0.5, smoothing 0.9,
// λ 0.003 absolute; targets N = 8 with 16 rollouts; 2 × 32 nets, lr 1e-2,
// κ = 5). Humanoid tasks: H = 32, λ 0.05 absolute, M = 128 target states
// (N = 16, 24 rollouts) warm-started from the actor's plan, value scale
// 10, κ from 1 to 0 over the run (results/humanoid/README.md, "Humanoid getup with POLO"). The hand
// (hand_cube): the paper's K = 80, H = 32, 6 x (64, 64) nets, Z = 25,
// G = 16, n = 16; λ 0.02 absolute (measured, see presets.cc); targets as
// the humanoid's (M = 128, N = 16, 24 rollouts, warm start); value scale 10.
// total_steps is task.lifetime_steps(); the config is completed for `task`
// (rpc::CompleteRunConfig).
polo::RunConfig PresetRunConfig(const models::Task& task);

}  // namespace polo::server

#endif  // POLO_SERVER_PRESETS_H_

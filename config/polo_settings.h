// The reference loop's settings (learner/polo_loop.h) for a run
// configuration: a synchronous run of the service with one actor and one
// target worker is that loop bit for bit (tests/service/worker_test.cc),
// and the exploration study runs the loop from a task's preset. Its own
// library because the loop links LibTorch, which the workers and the CLI
// (users of config/run_config.h) never do.
#ifndef POLO_CONFIG_POLO_SETTINGS_H_
#define POLO_CONFIG_POLO_SETTINGS_H_

#include "learner/polo_loop.h"
#include "proto/polo.pb.h"

namespace polo::config {

learner::PoloSettings PoloSettingsFromConfig(const polo::RunConfig& config);

}  // namespace polo::config

#endif  // POLO_CONFIG_POLO_SETTINGS_H_

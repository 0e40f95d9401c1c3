#include "server/fuzz/fuzz_input.h"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "models/physics_state.h"
#include "models/registry.h"
#include "config/run_config.h"

namespace polo::fuzz {

std::string MakeInput(uint8_t flags, const google::protobuf::Message& request) {
  std::string input(1, static_cast<char>(flags));
  request.AppendToString(&input);
  return input;
}

polo::RunConfig FuzzRunConfig() {
  // tests/service's SmallConfig, asynchronous, with short leases.
  polo::RunConfig c = config::DefaultRunConfig();
  c.set_task("point_mass_maze");
  c.set_mode(polo::ASYNCHRONOUS);
  c.mutable_ensemble()->set_ensemble_size(2);
  c.mutable_ensemble()->clear_hidden_sizes();
  c.mutable_ensemble()->add_hidden_sizes(8);
  c.mutable_training()->set_update_every(4);
  c.mutable_training()->set_gradient_steps(2);
  c.mutable_training()->set_minibatch_size(4);
  c.mutable_training()->set_min_replay_size(4);
  c.mutable_training()->set_lease_ms(1000);
  absl::StatusOr<std::unique_ptr<models::Task>> task = models::MakeTask(c.task());
  if (!task.ok()) {
    std::fprintf(stderr, "FuzzRunConfig: %s\n", task.status().ToString().c_str());
    std::abort();
  }
  config::CompleteRunConfig(**task, &c);
  return c;
}

polo::VisitedState ValidState(const models::Task& task, const polo::RunConfig& config,
                              uint64_t seed, bool episode_end) {
  const mjModel* m = task.model();
  models::UniqueMjData d(mj_makeData(m));
  task.Reset(m, d.get(), seed);
  polo::VisitedState s;
  std::vector<double> values(models::PhysicsStateSize(m));
  models::CapturePhysicsState(m, d.get(), values.data());
  s.mutable_physics_state()->Add(values.begin(), values.end());
  values.assign(task.num_features(), 0.0);
  task.Features(m, d.get(), values.data());
  s.mutable_features()->Add(values.begin(), values.end());
  values.assign(task.metric_names().size(), 0.0);
  task.Metrics(m, d.get(), values.data());
  s.mutable_metrics()->Add(values.begin(), values.end());
  s.set_episode(seed / 8);
  s.set_step(seed % 8);
  s.set_episode_end(episode_end);
  if (config.targets().warm_start()) {
    for (int i = 0; i < config.targets().horizon() * m->nu; ++i) s.add_plan(0.0f);
  }
  return s;
}

void CheckErrorContract(const absl::Status& status, const char* rpc) {
  if (status.ok()) return;
  const absl::string_view message = status.message();
  bool control = false;
  for (const char c : message) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) control = true;
  }
  if (message.size() <= kMaxErrorChars && !control) return;
  std::fprintf(stderr, "%s: error message breaks the contract (%zu characters%s): %.300s\n", rpc,
               message.size(), control ? ", control character" : "",
               std::string(message).c_str());
  std::abort();
}

}  // namespace polo::fuzz

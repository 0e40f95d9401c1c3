// A fake task for planner and target tests: a damped point mass on a plane
// with no contacts, whose dynamics are linear in the controls. Fakes over
// mocks: it is a real MuJoCo world, small enough to reason about exactly.
//
// Rewards (chosen at construction):
//  - kGoalDistance: r = −‖xy − goal‖, goal = (0.6, −0.4).
//  - kLinear: r = x + 0.5·y. With linear dynamics the N-step return is linear
//    in the controls, so its maximum over the control box lies at a vertex:
//    an exhaustive search over {−1, 0, 1}^2 per step finds the true optimum.
// Features: (x, y, vx, vy). Thread-safe like every Task.
#ifndef POLO_PLANNER_FAKE_POINT_MASS_H_
#define POLO_PLANNER_FAKE_POINT_MASS_H_

#include <string>
#include <vector>

#include "models/task.h"

namespace polo::planner {

class FakePointMass : public models::Task {
 public:
  enum class Reward { kGoalDistance, kLinear };
  static constexpr double kGoal[2] = {0.6, -0.4};

  explicit FakePointMass(Reward reward = Reward::kGoalDistance);

  int num_features() const override { return 4; }
  int episode_length() const override { return 200; }
  uint64_t lifetime_steps() const override { return 1000; }
  double Reward(const mjModel* m, const mjData* d) const override;
  void Features(const mjModel* m, const mjData* d, double* features) const override;
  // Starts at rest at the origin (seed unused: the start is fixed).
  void Reset(const mjModel* m, mjData* d, uint64_t seed) const override;
  const std::vector<std::string>& metric_names() const override { return metric_names_; }
  // goal_distance.
  void Metrics(const mjModel* m, const mjData* d, double* metrics) const override;

  static double GoalDistance(const double* xy);

 private:
  enum Reward reward_;
  std::vector<std::string> metric_names_ = {"goal_distance"};
};

}  // namespace polo::planner

#endif  // POLO_PLANNER_FAKE_POINT_MASS_H_

// The terminal value V̂(s_H) that MPPI adds to each rollout's return, as an
// interface so the planner does not depend on how values are computed
// (an Eigen ensemble from learner/, or a fixed function in tests).
#ifndef POLO_PLANNER_TERMINAL_VALUE_H_
#define POLO_PLANNER_TERMINAL_VALUE_H_

namespace polo::planner {

// Thread-compatible: a planner calls Evaluate from one thread at a time (it
// batches all rollout end states into one call). Implementations may keep
// scratch buffers and must not allocate once they have seen a batch size.
class TerminalValue {
 public:
  virtual ~TerminalValue() = default;

  // Length of one feature row (the task's num_features()).
  virtual int num_features() const = 0;

  // values[i] = V̂(features row i) for i < batch; features is row-major,
  // batch × num_features().
  virtual void Evaluate(const double* features, int batch, double* values) = 0;
};

}  // namespace polo::planner

#endif  // POLO_PLANNER_TERMINAL_VALUE_H_

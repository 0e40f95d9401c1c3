// The full physics state of a MuJoCo simulation as a flat vector, enough to
// restore the simulator exactly: rollouts started from a restored state are
// bit-identical to rollouts started from the original mjData.
//
// Layout: [time, qpos (nq), qvel (nv), act (na), qacc_warmstart (nv),
//          mocap_pos (3·nmocap), mocap_quat (4·nmocap)].
// qacc_warmstart is included because the constraint solver starts from it,
// so leaving it out changes the next step in the last bits. The mocap poses
// are inputs that mj_step never changes but tasks may set (hand_cube keeps
// its goal orientation in a mocap body's quaternion), so rollouts and
// targets started from a stored state see the goal that state had. Models
// without mocap bodies (nmocap = 0) have exactly the first five parts.
#ifndef POLO_MODELS_PHYSICS_STATE_H_
#define POLO_MODELS_PHYSICS_STATE_H_

#include <mujoco/mujoco.h>

#include "absl/status/status.h"
#include "absl/types/span.h"

namespace polo::models {

// Length of the flat state of model m.
int PhysicsStateSize(const mjModel* m);

// Writes the state of d into `state` (PhysicsStateSize(m) values).
void CapturePhysicsState(const mjModel* m, const mjData* d, double* state);

// Restores d from `state` (does not run mj_forward). Allocation-free.
void RestorePhysicsState(const mjModel* m, const double* state, mjData* d);

// Returns InvalidArgument naming `field` if state has the wrong length or a
// NaN/Inf entry. Use on every state that arrives from outside the process.
absl::Status ValidatePhysicsState(const mjModel* m, absl::Span<const double> state,
                                  const char* field);

}  // namespace polo::models

#endif  // POLO_MODELS_PHYSICS_STATE_H_

#include "models/physics_state.h"

#include <mujoco/mujoco.h>

#include <cmath>
#include <cstring>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/types/span.h"

namespace polo::models {
namespace {

void CopyOut(const mjtNum* from, int n, double*& to) {
  std::memcpy(to, from, sizeof(double) * n);
  to += n;
}

void CopyIn(const double*& from, int n, mjtNum* to) {
  std::memcpy(to, from, sizeof(double) * n);
  from += n;
}

// Names the entry at flat index i as "<part>[<index within part>]".
std::string DescribeIndex(const mjModel* m, int i) {
  if (i == 0) return "time";
  i -= 1;
  if (i < m->nq) return absl::StrCat("qpos[", i, "]");
  i -= m->nq;
  if (i < m->nv) return absl::StrCat("qvel[", i, "]");
  i -= m->nv;
  if (i < m->na) return absl::StrCat("act[", i, "]");
  i -= m->na;
  if (i < m->nv) return absl::StrCat("qacc_warmstart[", i, "]");
  i -= m->nv;
  if (i < 3 * m->nmocap) return absl::StrCat("mocap_pos[", i, "]");
  i -= 3 * m->nmocap;
  return absl::StrCat("mocap_quat[", i, "]");
}

}  // namespace

static_assert(sizeof(mjtNum) == sizeof(double), "the flat state stores mjtNum as double");

int PhysicsStateSize(const mjModel* m) {
  return 1 + m->nq + m->nv + m->na + m->nv + 7 * m->nmocap;
}

void CapturePhysicsState(const mjModel* m, const mjData* d, double* state) {
  state[0] = d->time;
  double* out = state + 1;
  CopyOut(d->qpos, m->nq, out);
  CopyOut(d->qvel, m->nv, out);
  CopyOut(d->act, m->na, out);
  CopyOut(d->qacc_warmstart, m->nv, out);
  CopyOut(d->mocap_pos, 3 * m->nmocap, out);
  CopyOut(d->mocap_quat, 4 * m->nmocap, out);
}

void RestorePhysicsState(const mjModel* m, const double* state, mjData* d) {
  d->time = state[0];
  const double* in = state + 1;
  CopyIn(in, m->nq, d->qpos);
  CopyIn(in, m->nv, d->qvel);
  CopyIn(in, m->na, d->act);
  CopyIn(in, m->nv, d->qacc_warmstart);
  CopyIn(in, 3 * m->nmocap, d->mocap_pos);
  CopyIn(in, 4 * m->nmocap, d->mocap_quat);
}

absl::Status ValidatePhysicsState(const mjModel* m, absl::Span<const double> state,
                                  const char* field) {
  const int expected = PhysicsStateSize(m);
  if (state.size() != static_cast<size_t>(expected)) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " has ", state.size(), " values, expected ", expected, " (1 time + nq ",
                     m->nq, " + nv ", m->nv, " + na ", m->na, " + nv ", m->nv, " warm start",
                     m->nmocap > 0 ? absl::StrCat(" + 7 x nmocap ", m->nmocap, " mocap poses")
                                   : std::string(),
                     ")"));
  }
  for (int i = 0; i < expected; ++i) {
    if (!std::isfinite(state[i])) {
      return absl::InvalidArgumentError(absl::StrCat(field, "[", i, "] (", DescribeIndex(m, i),
                                                     ") is ", state[i],
                                                     ", expected a finite value"));
    }
  }
  return absl::OkStatus();
}

}  // namespace polo::models

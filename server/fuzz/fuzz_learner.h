// The in-process learner behind the libFuzzer targets of this folder
// (README.md): one LearnerCore on FuzzRunConfig() (point_mass_maze,
// ASYNCHRONOUS, fuzz_input.h), no run folder, its training thread running,
// with one registered actor and one registered target worker whose ids and
// keys a fuzz input may borrow (Flags).
//
// Ownership: Get() creates the learner on first use and registers an
// atexit handler that stops and frees it, so LeakSanitizer's check at exit
// sees everything the core allocated returned.
//
// Thread-compatible: libFuzzer calls LLVMFuzzerTestOneInput from one thread.
#ifndef POLO_SERVER_FUZZ_FUZZ_LEARNER_H_
#define POLO_SERVER_FUZZ_FUZZ_LEARNER_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "models/task.h"
#include "proto/polo.pb.h"
#include "server/fuzz/fuzz_input.h"
#include "server/learner_core.h"

namespace polo::fuzz {

class FuzzLearner {
 public:
  // The learner, created on first call (aborts if creation fails: the
  // harness is broken, not the input).
  static FuzzLearner& Get();

  server::LearnerCore& core() { return *core_; }
  const models::Task& task() const { return core_->task(); }
  const polo::RunConfig& config() const { return core_->config(); }
  const polo::RegisterResponse& actor() const { return actor_; }
  const polo::RegisterResponse& target_worker() const { return target_worker_; }

  // Applies kRealId, kRealKey and kOtherKind: the worker of `kind` (the
  // other one with kOtherKind) lends its id and/or key.
  void Borrow(uint8_t flags, polo::WorkerKind kind, std::string* worker_id,
              std::string* worker_key) const;

  // The actor's next expected sequence number (re-registers it, which keeps
  // its sequence numbers).
  uint64_t ActorNextSequence();

  // One non-blocking push towards the next weights version: completes a
  // queued target job with valid targets if there is one; otherwise, if no
  // job is outstanding, submits update_every valid states so the training
  // thread starts an update.
  void Step();

  // Leases a target job for the target worker (not waiting); nullopt if
  // none is queued.
  std::optional<polo::TargetJob> LeaseJob();

  // A job leased for the target worker and held across inputs (leased on
  // the first call after DropHeldJob); null if none is queued.
  const polo::TargetJob* HeldJob();
  void DropHeldJob() { held_job_.reset(); }

  // Calls every query RPC and checks their results' consistency.
  void Queries();

 private:
  FuzzLearner() = default;
  static void Destroy();

  std::unique_ptr<server::LearnerCore> core_;
  polo::RegisterResponse actor_;
  polo::RegisterResponse target_worker_;
  uint64_t valid_states_sent_ = 0;  // Seeds for Step's states.
  std::optional<polo::TargetJob> held_job_;
};

}  // namespace polo::fuzz

#endif  // POLO_SERVER_FUZZ_FUZZ_LEARNER_H_

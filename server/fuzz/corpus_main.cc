// Writes the fuzz targets' seed corpus: valid and nearly valid requests of
// each type, as fuzz inputs (a flags byte, then the serialised request;
// fuzz_learner.h), one file per input in OUT/<target>/. Regenerate with
//
//   bazel run //server/fuzz:corpus
//
// which writes into the checkout's server/fuzz/corpus/ (--out to choose).
// Deterministic: the same build writes the same bytes.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "models/registry.h"
#include "proto/polo.pb.h"
#include "server/fuzz/fuzz_input.h"

ABSL_FLAG(std::string, out, "",
          "corpus folder (default: server/fuzz/corpus in the workspace `bazel run` ran in)");

namespace polo::fuzz {
namespace {

// Ids the harness's learner gives out (no flags needed to hit them by name).
constexpr char kActorId[] = "actor-0";
constexpr char kTargetId[] = "target-1";
// Keys a client may choose have 32 to 128 characters (worker_registry.h).
constexpr size_t kMinKeyChars = 32;
constexpr uint8_t kCredentials = kRealId | kRealKey;

class CorpusWriter {
 public:
  explicit CorpusWriter(std::filesystem::path root) : root_(std::move(root)) {}

  void Add(const std::string& target, const std::string& name, uint8_t flags,
           const google::protobuf::Message& request) {
    const std::filesystem::path dir = root_ / target;
    std::filesystem::create_directories(dir);
    std::ofstream file(dir / name, std::ios::binary | std::ios::trunc);
    const std::string bytes = MakeInput(flags, request);
    file.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!file) {
      std::fprintf(stderr, "corpus: cannot write %s\n", (dir / name).c_str());
      ok_ = false;
    }
    ++written_;
  }
  bool ok() const { return ok_; }
  int written() const { return written_; }

 private:
  std::filesystem::path root_;
  bool ok_ = true;
  int written_ = 0;
};

void Register(CorpusWriter& w) {
  const std::string t = "register_request_fuzzer";
  polo::RegisterRequest r;
  r.set_kind(polo::ACTOR);
  r.set_description("host:1234");
  r.set_threads(2);
  w.Add(t, "actor_new", 0, r);
  r.set_expected_task("point_mass_maze");
  w.Add(t, "actor_expected_task", 0, r);
  r.set_expected_task("humanoid_getup");
  w.Add(t, "actor_other_task", 0, r);
  r.clear_expected_task();
  r.set_kind(polo::TARGET_WORKER);
  w.Add(t, "target_worker_new", kQueries, r);
  r.set_kind(polo::WORKER_KIND_UNSPECIFIED);
  w.Add(t, "kind_unspecified", 0, r);
  r.set_kind(polo::ACTOR);
  w.Add(t, "actor_reconnects", kCredentials, r);
  w.Add(t, "actor_reconnects_without_key", kRealId, r);
  w.Add(t, "actor_id_as_target_worker", kCredentials | kOtherKind, r);
  r.set_worker_id("actor-77");
  r.set_worker_key(std::string(kMinKeyChars, 'k'));
  w.Add(t, "actor_own_id_and_key", kQueries, r);
  r.set_worker_key(std::string(kMinKeyChars - 1, 'k'));
  w.Add(t, "actor_short_key", 0, r);
  r.set_worker_id(std::string(200, 'x'));
  r.clear_worker_key();
  w.Add(t, "actor_long_id", 0, r);
}

void Unregister(CorpusWriter& w) {
  const std::string t = "unregister_request_fuzzer";
  polo::UnregisterRequest r;
  w.Add(t, "actor", kCredentials, r);
  w.Add(t, "target_worker", kCredentials | kOtherKind | kStep, r);
  w.Add(t, "actor_without_key", kRealId, r);
  w.Add(t, "actor_as_admin", kRealId | kFixA | kQueries, r);
  r.set_worker_id("actor-99");
  r.set_worker_key(std::string(kMinKeyChars, 'k'));
  w.Add(t, "unknown", 0, r);
  w.Add(t, "unknown_as_admin", kFixA, r);
}

void Experience(CorpusWriter& w, const models::Task& task, const polo::RunConfig& config) {
  const std::string t = "experience_batch_fuzzer";
  constexpr uint8_t kSend = kCredentials | kFixA;
  polo::ExperienceBatch b;
  b.set_worker_id(kActorId);
  *b.add_states() = ValidState(task, config, 0, false);
  w.Add(t, "one_state", kSend, b);
  for (int i = 1; i < 8; ++i) *b.add_states() = ValidState(task, config, i, i == 7);
  w.Add(t, "episode_of_8", kSend | kQueries, b);
  w.Add(t, "episode_of_8_resent", kCredentials, b);
  w.Add(t, "episode_of_8_as_target_worker", kSend | kOtherKind, b);
  w.Add(t, "episode_of_8_without_key", kRealId | kFixA, b);
  b.set_first_sequence(1u << 30);
  w.Add(t, "gap", kCredentials, b);
  b.clear_first_sequence();
  polo::ExperienceBatch bad = b;
  bad.mutable_states(3)->set_features(1, std::numeric_limits<double>::quiet_NaN());
  w.Add(t, "nan_feature", kSend, bad);
  bad = b;
  bad.mutable_states(2)->set_physics_state(1, 1e300);
  bad.mutable_states(5)->set_physics_state(2, -1e300);
  w.Add(t, "far_away", kSend, bad);
  bad = b;
  bad.mutable_states(0)->mutable_physics_state()->RemoveLast();
  w.Add(t, "short_physics_state", kSend, bad);
  w.Add(t, "short_physics_state_padded", kSend | kFixB, bad);
  bad = b;
  bad.mutable_states(4)->add_plan(0.5f);
  w.Add(t, "unexpected_plan", kSend, bad);
  bad = b;
  bad.mutable_states(6)->set_reward(std::numeric_limits<double>::infinity());
  w.Add(t, "infinite_reward", kSend, bad);
  polo::ExperienceBatch empty;
  w.Add(t, "empty", kSend | kStep, empty);
}

void WaitForActing(CorpusWriter& w) {
  const std::string t = "wait_for_acting_request_fuzzer";
  polo::WaitForActingRequest r;
  r.set_wait_ms(500);
  w.Add(t, "actor", kCredentials, r);
  w.Add(t, "actor_queries", kCredentials | kStep | kQueries, r);
  w.Add(t, "target_worker", kCredentials | kOtherKind, r);
  w.Add(t, "actor_without_key", kRealId, r);
  r.set_worker_id("actor-99");
  r.set_wait_ms(-1);
  w.Add(t, "unknown", 0, r);
}

void SubscribeWeights(CorpusWriter& w) {
  const std::string t = "subscribe_weights_request_fuzzer";
  polo::SubscribeWeightsRequest r;
  r.set_worker_id(kActorId);
  w.Add(t, "no_version", 0, r);
  r.set_has_version(true);
  w.Add(t, "version_0", kStep, r);
  r.set_version(1);
  w.Add(t, "version_1", 0, r);
  w.Add(t, "one_below_latest", kFixA | kStep | kQueries, r);
  r.set_version(~uint64_t{0});
  w.Add(t, "ahead", 0, r);
}

void GetWeights(CorpusWriter& w) {
  const std::string t = "get_weights_request_fuzzer";
  polo::GetWeightsRequest r;
  r.set_worker_id(kTargetId);
  r.set_latest(true);
  w.Add(t, "latest", 0, r);
  w.Add(t, "latest_after_step", kStep | kQueries, r);
  r.set_latest(false);
  r.set_version(1);
  w.Add(t, "version_1", 0, r);
  r.set_version(0);
  w.Add(t, "latest_by_number", kFixA | kStep, r);
  r.set_version(17);
  w.Add(t, "latest_minus_17", kFixA | kStep, r);
  r.set_version(~uint64_t{0});
  w.Add(t, "version_max", 0, r);
}

void LeaseTargetJob(CorpusWriter& w) {
  const std::string t = "lease_target_job_request_fuzzer";
  polo::LeaseTargetJobRequest r;
  r.set_wait_ms(1000);
  w.Add(t, "target_worker", kCredentials | kStep, r);
  w.Add(t, "target_worker_completes", kCredentials | kStep | kFixA | kQueries, r);
  w.Add(t, "actor", kCredentials | kOtherKind, r);
  w.Add(t, "target_worker_without_key", kRealId, r);
  r.set_worker_id("target-99");
  w.Add(t, "unknown", 0, r);
}

void TargetResult(CorpusWriter& w, const polo::RunConfig& config) {
  const std::string t = "target_result_fuzzer";
  constexpr uint8_t kHeld = kCredentials | kStep | kFixA | kFixB;
  polo::TargetResult r;
  r.set_worker_id(kTargetId);
  const int n = config.training().minibatch_size() * config.ensemble().ensemble_size();
  for (int i = 0; i < n; ++i) r.add_targets(0.1 * i);
  w.Add(t, "held_job", kHeld, r);
  w.Add(t, "held_job_queries", kHeld | kQueries, r);
  w.Add(t, "held_job_padded", kHeld | kFixC, r);
  w.Add(t, "held_job_stale_version", kCredentials | kStep | kFixA, r);
  w.Add(t, "held_job_as_actor", kHeld | kOtherKind, r);
  polo::TargetResult bad = r;
  bad.set_targets(3, std::numeric_limits<double>::quiet_NaN());
  w.Add(t, "held_job_nan", kHeld, bad);
  bad = r;
  bad.add_targets(1.0);
  w.Add(t, "held_job_too_many", kHeld, bad);
  bad = r;
  bad.set_job_id(12345);
  w.Add(t, "never_issued", kCredentials, bad);
  bad.clear_targets();
  w.Add(t, "never_issued_empty", kCredentials, bad);
}

}  // namespace
}  // namespace polo::fuzz

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("Writes the fuzz targets' seed corpus (server/fuzz/README.md).");
  absl::ParseCommandLine(argc, argv);
  std::string out = absl::GetFlag(FLAGS_out);
  if (out.empty()) {
    const char* workspace = std::getenv("BUILD_WORKSPACE_DIRECTORY");
    if (workspace == nullptr) {
      std::fprintf(stderr, "corpus: give --out (or run it with bazel run)\n");
      return 2;
    }
    out = std::string(workspace) + "/server/fuzz/corpus";
  }
  const polo::RunConfig config = polo::fuzz::FuzzRunConfig();
  absl::StatusOr<std::unique_ptr<polo::models::Task>> task = polo::models::MakeTask(config.task());
  if (!task.ok()) {
    std::fprintf(stderr, "corpus: %s\n", task.status().ToString().c_str());
    return 1;
  }
  polo::fuzz::CorpusWriter w(out);
  polo::fuzz::Register(w);
  polo::fuzz::Unregister(w);
  polo::fuzz::Experience(w, **task, config);
  polo::fuzz::WaitForActing(w);
  polo::fuzz::SubscribeWeights(w);
  polo::fuzz::GetWeights(w);
  polo::fuzz::LeaseTargetJob(w);
  polo::fuzz::TargetResult(w, config);
  if (!w.ok()) return 1;
  std::printf("corpus: %d inputs in %s\n", w.written(), out.c_str());
  return 0;
}

// Oversized fields over real gRPC on loopback: every request with a field
// over its bound (rpc/request_bounds.h) is INVALID_ARGUMENT naming the
// field, the answer is short whatever the field held, and the same channel
// then serves GetStatus. A 100,000-character echo once stalled the
// connection it came on (its trailer was over gRPC's metadata limit).
#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "rpc/request_bounds.h"
#include "tests/service/service_fixture.h"

namespace polo::testing {
namespace {

using ::grpc::StatusCode;

// Longest answer to an oversized request: the field, its length and the bound.
constexpr size_t kShortMessage = 200;

class BoundsTest : public LearnerServiceTest {
 protected:
  // The answer to `call`, which must come within the 5 s deadline; then the
  // same channel must answer GetStatus.
  void ExpectRejectedThenServing(const std::string& what, const std::string& field,
                                 const std::function<grpc::Status(grpc::ClientContext*)>& call) {
    std::unique_ptr<grpc::ClientContext> context = Context(absl::Seconds(5));
    const grpc::Status status = call(context.get());
    EXPECT_EQ(status.error_code(), StatusCode::INVALID_ARGUMENT) << what << ": " << status.error_message();
    EXPECT_EQ(status.error_message().rfind(field + ": has ", 0), 0u) << what << ": " << status.error_message();
    EXPECT_LE(status.error_message().size(), kShortMessage) << what;
    polo::RunStatus run_status;
    EXPECT_TRUE(stub_->GetStatus(Context(absl::Seconds(5)).get(), polo::StatusRequest(), &run_status).ok())
        << "GetStatus after " << what;
  }
};

TEST_F(BoundsTest, EveryOversizedFieldIsInvalidArgumentAndTheChannelKeepsServing) {
  StartLearner(SmallConfig(polo::ASYNCHRONOUS));
  const polo::RegisterResponse actor = RegisterWorker(polo::ACTOR);
  const polo::RegisterResponse target = RegisterWorker(polo::TARGET_WORKER);
  const std::string huge(100000, 'x');

  for (const char* field : {"worker_id", "worker_key", "description", "expected_task"}) {
    polo::RegisterRequest request;
    request.set_kind(polo::ACTOR);
    const std::string name = field;
    if (name == "worker_id") request.set_worker_id(huge);
    if (name == "worker_key") request.set_worker_key(huge);
    if (name == "description") request.set_description(huge);
    if (name == "expected_task") request.set_expected_task(huge);
    ExpectRejectedThenServing("Register." + name, name, [&](grpc::ClientContext* c) {
      polo::RegisterResponse response;
      return stub_->Register(c, request, &response);
    });
  }
  ExpectRejectedThenServing("Unregister", "worker_id", [&](grpc::ClientContext* c) {
    polo::UnregisterRequest request;
    request.set_worker_id(huge);
    polo::UnregisterResponse response;
    return stub_->Unregister(c, request, &response);
  });
  ExpectRejectedThenServing("SubmitExperience.worker_key", "worker_key", [&](grpc::ClientContext* c) {
    polo::ExperienceBatch batch;
    batch.set_worker_id(actor.worker_id());
    batch.set_worker_key(huge);
    polo::ExperienceAck ack;
    return stub_->SubmitExperience(c, batch, &ack);
  });
  ExpectRejectedThenServing("SubmitExperience.states", "states", [&](grpc::ClientContext* c) {
    polo::ExperienceBatch batch;
    batch.set_worker_id(actor.worker_id());
    batch.set_worker_key(actor.worker_key());
    for (int i = 0; i <= rpc::kMaxStatesPerMessage; ++i) batch.add_states();
    polo::ExperienceAck ack;
    return stub_->SubmitExperience(c, batch, &ack);
  });
  ExpectRejectedThenServing("SubmitExperience.features", "states[0].features", [&](grpc::ClientContext* c) {
    polo::ExperienceBatch batch;
    batch.set_worker_id(actor.worker_id());
    batch.set_worker_key(actor.worker_key());
    batch.add_states()->mutable_features()->Resize(rpc::kMaxValuesPerStateField + 1, 1.0);
    polo::ExperienceAck ack;
    return stub_->SubmitExperience(c, batch, &ack);
  });
  ExpectRejectedThenServing("WaitForActing", "worker_id", [&](grpc::ClientContext* c) {
    polo::WaitForActingRequest request;
    request.set_worker_id(huge);
    polo::ActingState state;
    return stub_->WaitForActing(c, request, &state);
  });
  ExpectRejectedThenServing("SubscribeWeights", "worker_id", [&](grpc::ClientContext* c) {
    polo::SubscribeWeightsRequest request;
    request.set_worker_id(huge);
    std::unique_ptr<grpc::ClientReader<polo::EnsembleWeights>> reader = stub_->SubscribeWeights(c, request);
    polo::EnsembleWeights weights;
    EXPECT_FALSE(reader->Read(&weights));
    return reader->Finish();
  });
  ExpectRejectedThenServing("GetWeights", "worker_id", [&](grpc::ClientContext* c) {
    polo::GetWeightsRequest request;
    request.set_worker_id(huge);
    request.set_latest(true);
    polo::EnsembleWeights weights;
    return stub_->GetWeights(c, request, &weights);
  });
  ExpectRejectedThenServing("LeaseTargetJob", "worker_key", [&](grpc::ClientContext* c) {
    polo::LeaseTargetJobRequest request;
    request.set_worker_id(target.worker_id());
    request.set_worker_key(huge);
    polo::TargetJob job;
    return stub_->LeaseTargetJob(c, request, &job);
  });
  ExpectRejectedThenServing("SubmitTargets", "targets", [&](grpc::ClientContext* c) {
    polo::TargetResult result;
    result.set_worker_id(target.worker_id());
    result.set_worker_key(target.worker_key());
    result.mutable_targets()->Resize(rpc::kMaxTargetsPerResult + 1, 0.5);
    polo::SubmitTargetsResponse response;
    return stub_->SubmitTargets(c, result, &response);
  });
  // Nothing of the above was registered or stored.
  polo::ListWorkersResponse workers;
  ASSERT_TRUE(stub_->ListWorkers(Context().get(), polo::ListWorkersRequest(), &workers).ok());
  EXPECT_EQ(workers.workers_size(), 2);
  EXPECT_EQ(Progress().replay_size(), 0u);
}

TEST_F(BoundsTest, ErrorsQuoteAShortPrefixOfAClientsValue) {
  StartLearner(SmallConfig(polo::ASYNCHRONOUS));
  // Within the bound but unknown: the NOT_FOUND quotes the id whole.
  polo::WaitForActingRequest wait;
  wait.set_worker_id("no-such-worker");
  polo::ActingState state;
  grpc::Status s = stub_->WaitForActing(Context().get(), wait, &state);
  EXPECT_EQ(s.error_code(), StatusCode::NOT_FOUND);
  EXPECT_EQ(s.error_message(), "worker_id: unknown worker \"no-such-worker\" (call Register first)");
  // A wrong task of the bound's length is quoted by its first characters.
  polo::RegisterRequest request;
  request.set_kind(polo::ACTOR);
  request.set_expected_task(std::string(rpc::kMaxTaskNameChars, 't'));
  polo::RegisterResponse response;
  s = stub_->Register(Context().get(), request, &response);
  EXPECT_EQ(s.error_code(), StatusCode::FAILED_PRECONDITION);
  EXPECT_EQ(s.error_message(), "expected_task: is \"" + std::string(rpc::kMaxQuotedChars, 't') +
                                   "...\" (64 characters), the learner trains \"point_mass_maze\"");
}

}  // namespace
}  // namespace polo::testing

#include "rpc/request_bounds.h"

#include <string>

#include "gtest/gtest.h"
#include "rpc/grpc_status.h"

namespace polo::rpc {
namespace {

TEST(QuoteTest, ShortValuesQuotedWhole) {
  EXPECT_EQ(Quote("actor-0"), "\"actor-0\"");
  EXPECT_EQ(Quote(""), "\"\"");
}

TEST(QuoteTest, LongValuesShowAPrefixAndTheirLength) {
  const std::string q = Quote(std::string(100000, 'x'));
  EXPECT_EQ(q, "\"" + std::string(kMaxQuotedChars, 'x') + "...\" (100000 characters)");
}

TEST(QuoteTest, ControlAndNonAsciiBytesEscaped) {
  EXPECT_EQ(Quote(std::string("a\nb\"\xff", 5)), "\"a\\x0ab\\x22\\xff\"");
}

TEST(RequestBoundsTest, EveryStringFieldOfRegisterIsBounded) {
  const struct {
    const char* field;
    size_t bound;
    void (*set)(polo::RegisterRequest*, std::string);
  } cases[] = {
      {"worker_id", kMaxWorkerIdChars, [](polo::RegisterRequest* r, std::string v) { r->set_worker_id(v); }},
      {"worker_key", kMaxWorkerKeyChars, [](polo::RegisterRequest* r, std::string v) { r->set_worker_key(v); }},
      {"description", kMaxDescriptionChars, [](polo::RegisterRequest* r, std::string v) { r->set_description(v); }},
      {"expected_task", kMaxTaskNameChars, [](polo::RegisterRequest* r, std::string v) { r->set_expected_task(v); }},
  };
  for (const auto& c : cases) {
    polo::RegisterRequest at_bound;
    c.set(&at_bound, std::string(c.bound, 'a'));
    EXPECT_TRUE(CheckBounds(at_bound).ok()) << c.field;
    polo::RegisterRequest over;
    c.set(&over, std::string(100000, 'a'));
    const absl::Status s = CheckBounds(over);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_EQ(s.message(), std::string(c.field) + ": has 100000 characters, expected at most " +
                               std::to_string(c.bound));
  }
}

TEST(RequestBoundsTest, WorkerFieldsOfEveryWorkerCallAreBounded) {
  const std::string long_id(kMaxWorkerIdChars + 1, 'i');
  polo::UnregisterRequest unregister;
  unregister.set_worker_id(long_id);
  polo::WaitForActingRequest wait;
  wait.set_worker_key(std::string(kMaxWorkerKeyChars + 1, 'k'));
  polo::SubscribeWeightsRequest subscribe;
  subscribe.set_worker_id(long_id);
  polo::GetWeightsRequest get;
  get.set_worker_id(long_id);
  polo::LeaseTargetJobRequest lease;
  lease.set_worker_id(long_id);
  polo::TargetResult result;
  result.set_worker_key(std::string(kMaxWorkerKeyChars + 1, 'k'));
  polo::ExperienceBatch batch;
  batch.set_worker_id(long_id);
  for (const absl::Status& s : {CheckBounds(unregister), CheckBounds(subscribe), CheckBounds(get),
                                CheckBounds(lease), CheckBounds(batch)}) {
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(s.message().substr(0, 11), "worker_id: ");
  }
  for (const absl::Status& s : {CheckBounds(wait), CheckBounds(result)}) {
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(s.message().substr(0, 12), "worker_key: ");
  }
}

TEST(RequestBoundsTest, RepeatedFieldsAreBounded) {
  polo::ExperienceBatch batch;
  for (int i = 0; i < kMaxStatesPerMessage; ++i) batch.add_states();
  EXPECT_TRUE(CheckBounds(batch).ok());
  batch.add_states();
  EXPECT_EQ(CheckBounds(batch).message(), "states: has 4097 states, expected at most 4096");

  polo::ExperienceBatch one;
  polo::VisitedState* state = one.add_states();
  one.add_states()->mutable_plan()->Resize(kMaxValuesPerStateField + 1, 0.0f);
  state->mutable_features()->Resize(3, 0.0);
  EXPECT_EQ(CheckBounds(one).message(), "states[1].plan: has 65537 values, expected at most 65536");

  polo::TargetResult result;
  result.mutable_targets()->Resize(kMaxTargetsPerResult, 0.0);
  EXPECT_TRUE(CheckBounds(result).ok());
  result.add_targets(0.0);
  EXPECT_EQ(CheckBounds(result).code(), absl::StatusCode::kInvalidArgument);
}

TEST(GrpcStatusTest, LongMessagesAreCutAndSayHowLongTheyWere) {
  const grpc::Status s = ToGrpcStatus(absl::InvalidArgumentError(std::string(100000, 'm')));
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(s.error_message().size(), kMaxStatusMessageChars);
  EXPECT_NE(s.error_message().find("(message cut, 100000 characters)"), std::string::npos);
  EXPECT_EQ(ToGrpcStatus(absl::NotFoundError("short")).error_message(), "short");
}

}  // namespace
}  // namespace polo::rpc

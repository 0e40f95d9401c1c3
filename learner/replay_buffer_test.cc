#include "learner/replay_buffer.h"

#include <cmath>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace polo::learner {
namespace {

// Entry number i: physics state {i, i + 0.5, i + 0.25}, features {-i, 2i}.
ReplayEntry Entry(int i) {
  ReplayEntry entry;
  entry.physics_state = {double(i), i + 0.5, i + 0.25};
  entry.features = {-double(i), 2.0 * i};
  entry.provenance = {"worker-" + std::to_string(i % 3), uint64_t(i / 10), uint64_t(i % 10),
                      uint64_t(100 + i)};
  return entry;
}

std::unique_ptr<ReplayBuffer> Buffer(int capacity) {
  absl::StatusOr<std::unique_ptr<ReplayBuffer>> buffer = ReplayBuffer::Create(capacity, 3, 2);
  EXPECT_TRUE(buffer.ok()) << buffer.status();
  return *std::move(buffer);
}

std::vector<int> Ids(const std::vector<ReplayEntry>& entries) {
  std::vector<int> ids;
  for (const ReplayEntry& e : entries) ids.push_back(static_cast<int>(e.physics_state[0]));
  return ids;
}

TEST(ReplayBufferTest, KeepsAtMostCapacityAndDropsTheOldest) {
  std::unique_ptr<ReplayBuffer> buffer = Buffer(4);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(buffer->Add(Entry(i)).ok());
  EXPECT_EQ(buffer->size(), 3);
  EXPECT_EQ(Ids(buffer->Contents()), (std::vector<int>{0, 1, 2}));
  for (int i = 3; i < 10; ++i) ASSERT_TRUE(buffer->Add(Entry(i)).ok());
  EXPECT_EQ(buffer->size(), 4);
  EXPECT_EQ(buffer->capacity(), 4);
  EXPECT_EQ(buffer->total_added(), 10u);
  EXPECT_EQ(Ids(buffer->Contents()), (std::vector<int>{6, 7, 8, 9}));
}

TEST(ReplayBufferTest, KeepsProvenance) {
  std::unique_ptr<ReplayBuffer> buffer = Buffer(2);
  ASSERT_TRUE(buffer->Add(Entry(23)).ok());
  const ReplayEntry entry = buffer->Contents()[0];
  EXPECT_EQ(entry.provenance.worker_id, "worker-2");
  EXPECT_EQ(entry.provenance.episode, 2u);
  EXPECT_EQ(entry.provenance.step, 3u);
  EXPECT_EQ(entry.provenance.weights_version, 123u);
  EXPECT_EQ(entry.features, (std::vector<double>{-23, 46}));
}

TEST(ReplayBufferTest, SamplingIsDeterministicPerSeedAndUniform) {
  std::unique_ptr<ReplayBuffer> buffer = Buffer(10);
  for (int i = 0; i < 15; ++i) ASSERT_TRUE(buffer->Add(Entry(i)).ok());  // Holds 5..14.
  const std::vector<int> a = Ids(*buffer->Sample(1000, 42));
  const std::vector<int> b = Ids(*buffer->Sample(1000, 42));
  const std::vector<int> c = Ids(*buffer->Sample(1000, 43));
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  std::vector<int> counts(15, 0);
  for (int id : a) {
    ASSERT_GE(id, 5);
    ASSERT_LT(id, 15);
    ++counts[id];
  }
  // Binomial(1000, 0.1): mean 100, sd 9.5; [60, 140] is > 4 sd either side.
  for (int id = 5; id < 15; ++id) {
    EXPECT_GT(counts[id], 60) << id;
    EXPECT_LT(counts[id], 140) << id;
  }
}

TEST(ReplayBufferTest, SamplingAnEmptyBufferFails) {
  std::unique_ptr<ReplayBuffer> buffer = Buffer(3);
  EXPECT_EQ(buffer->Sample(1, 0).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(buffer->Sample(0, 0).ok());
  EXPECT_EQ(buffer->Sample(-1, 0).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ReplayBufferTest, RejectsBadEntriesNamingTheFieldAndChangesNothing) {
  std::unique_ptr<ReplayBuffer> buffer = Buffer(2);
  ASSERT_TRUE(buffer->Add(Entry(0)).ok());
  ASSERT_TRUE(buffer->Add(Entry(1)).ok());

  ReplayEntry short_state = Entry(2);
  short_state.physics_state.pop_back();
  EXPECT_EQ(buffer->Add(short_state).message(), "physics_state: has 2 values, expected 3");

  ReplayEntry long_features = Entry(3);
  long_features.features.push_back(0);
  EXPECT_EQ(buffer->Add(long_features).message(), "features: has 3 values, expected 2");

  ReplayEntry nan = Entry(4);
  nan.features[1] = std::numeric_limits<double>::quiet_NaN();
  const absl::Status status = buffer->Add(nan);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "features[1]: is nan, expected a finite value");

  ReplayEntry inf = Entry(5);
  inf.physics_state[0] = -std::numeric_limits<double>::infinity();
  EXPECT_EQ(buffer->Add(inf).message(), "physics_state[0]: is -inf, expected a finite value");

  EXPECT_EQ(buffer->size(), 2);
  EXPECT_EQ(buffer->total_added(), 2u);
  EXPECT_EQ(Ids(buffer->Contents()), (std::vector<int>{0, 1}));
}

TEST(ReplayBufferTest, CreateRejectsNonPositiveSizes) {
  EXPECT_EQ(ReplayBuffer::Create(0, 3, 2).status().message(), "capacity: is 0, expected > 0");
  EXPECT_EQ(ReplayBuffer::Create(5, 3, -1).status().message(),
            "num_features: is -1, expected > 0");
}

TEST(ReplayBufferTest, ProtoRoundTripKeepsContentsOrderAndRingPosition) {
  std::unique_ptr<ReplayBuffer> buffer = Buffer(4);
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(buffer->Add(Entry(i)).ok());
  const polo::ReplayBufferSnapshot snapshot = buffer->ToProto();
  EXPECT_EQ(snapshot.entries_size(), 4);
  absl::StatusOr<std::unique_ptr<ReplayBuffer>> restored = ReplayBuffer::FromProto(snapshot);
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_EQ((*restored)->ToProto().SerializeAsString(), snapshot.SerializeAsString());
  EXPECT_EQ((*restored)->total_added(), 6u);
  EXPECT_EQ(Ids(*(*restored)->Sample(50, 7)), Ids(*buffer->Sample(50, 7)));
  // Both drop the same (oldest) entry next.
  ASSERT_TRUE(buffer->Add(Entry(6)).ok());
  ASSERT_TRUE((*restored)->Add(Entry(6)).ok());
  EXPECT_EQ(Ids((*restored)->Contents()), (std::vector<int>{3, 4, 5, 6}));
  EXPECT_EQ(Ids((*restored)->Contents()), Ids(buffer->Contents()));
}

TEST(ReplayBufferTest, ASnapshotKeepsTheContentsOfItsInstantWhileTheRingMovesOn) {
  std::unique_ptr<ReplayBuffer> buffer = Buffer(4);
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(buffer->Add(Entry(i)).ok());
  const polo::ReplayBufferSnapshot expected = buffer->ToProto();
  const ReplayBuffer::Snapshot snapshot = buffer->TakeSnapshot();
  for (int i = 6; i < 12; ++i) ASSERT_TRUE(buffer->Add(Entry(i)).ok());  // Overwrites all slots.
  EXPECT_EQ(snapshot.size(), 4u);
  EXPECT_EQ(snapshot.ToProto().SerializeAsString(), expected.SerializeAsString());
  EXPECT_EQ(Ids(buffer->Contents()), (std::vector<int>{8, 9, 10, 11}));
}

TEST(ReplayBufferTest, FromProtoRejectsBadSnapshotsNamingTheField) {
  std::unique_ptr<ReplayBuffer> buffer = Buffer(4);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(buffer->Add(Entry(i)).ok());
  polo::ReplayBufferSnapshot snapshot = buffer->ToProto();
  snapshot.mutable_entries(1)->set_features(0, std::numeric_limits<double>::infinity());
  EXPECT_EQ(ReplayBuffer::FromProto(snapshot).status().message(),
            "entries[1].features[0]: is inf, expected a finite value");

  snapshot = buffer->ToProto();
  snapshot.set_capacity(2);
  EXPECT_EQ(ReplayBuffer::FromProto(snapshot).status().message(),
            "entries: has 3 entries, expected <= capacity 2");
}

TEST(ReplayBufferTest, ConcurrentAddsAreAllCounted) {
  std::unique_ptr<ReplayBuffer> buffer = Buffer(50);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&buffer, t] {
      for (int i = 0; i < 100; ++i) {
        EXPECT_TRUE(buffer->Add(Entry(t * 100 + i)).ok());
        EXPECT_TRUE(buffer->Sample(2, i).ok());
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(buffer->total_added(), 400u);
  EXPECT_EQ(buffer->size(), 50);
}

}  // namespace
}  // namespace polo::learner

// The Prometheus endpoints (util/metrics.h): the learner's metrics
// (server/learner_metrics.h) and an actor's and a target worker's
// (worker/worker_metrics.h), scraped over HTTP as Prometheus would: the
// names are there and the counters rise. Fast suite.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <regex>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "rpc/channel.h"
#include "rpc/serving_flags.h"
#include "server/learner_metrics.h"
#include "tests/service/service_fixture.h"
#include "util/metrics.h"
#include "worker/actor.h"
#include "worker/target_worker.h"
#include "worker/worker_metrics.h"

namespace polo::testing {
namespace {

// GET /metrics from 127.0.0.1:port; the body, or "" on any error.
std::string Scrape(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return "";
  }
  const std::string request = "GET /metrics HTTP/1.0\r\nHost: localhost\r\n\r\n";
  if (write(fd, request.data(), request.size()) != static_cast<ssize_t>(request.size())) {
    close(fd);
    return "";
  }
  std::string response;
  char buffer[4096];
  for (ssize_t n; (n = read(fd, buffer, sizeof(buffer))) > 0;) response.append(buffer, n);
  close(fd);
  const size_t body = response.find("\r\n\r\n");
  return body == std::string::npos ? "" : response.substr(body + 4);
}

// The value of the sample `series` (name with labels, as exposed), or -1.
double Value(const std::string& text, const std::string& series) {
  const std::regex pattern("(^|\\n)" + std::regex_replace(series, std::regex(R"([{}"\[\]])"), R"(\$&)") +
                           " ([-+0-9.eE]+|inf|nan)");
  std::smatch m;
  if (!std::regex_search(text, m, pattern)) return -1;
  return std::stod(m[2]);
}

TEST_F(LearnerServiceTest, TheLearnersMetricsAreScrapedAndTheirCountersRise) {
  StartLearner(SmallConfig(polo::SYNCHRONOUS));  // Z = 4, G = 2.
  absl::StatusOr<std::unique_ptr<util::MetricsEndpoint>> endpoint =
      util::MetricsEndpoint::Start("127.0.0.1:0");
  ASSERT_TRUE(endpoint.ok()) << endpoint.status();
  (*endpoint)->Add(std::make_shared<server::LearnerMetrics>(core_.get(), &calls_));
  const std::string before = Scrape((*endpoint)->port());
  ASSERT_FALSE(before.empty());
  for (const char* name :
       {"polo_agent_steps_total", "polo_episodes_total", "polo_updates_total",
        "polo_weights_version", "polo_replay_states", "polo_duplicate_states_total",
        "polo_target_jobs_reassigned_total", "polo_target_results_late_total",
        "polo_target_jobs_leased", "polo_value_loss", "polo_last_update_target_wait_seconds",
        "polo_last_weights_published_timestamp_seconds", "polo_coverage_ratio",
        "polo_update_duration_seconds_count", "polo_cpu_utilisation_ratio"}) {
    EXPECT_GE(Value(before, name), 0) << name << " missing from:\n" << before;
  }
  EXPECT_EQ(Value(before, "polo_agent_steps_total"), 0);
  EXPECT_EQ(Value(before, R"(polo_workers_connected{kind="actor"})"), 0);
  EXPECT_NE(before.find("# TYPE polo_update_duration_seconds histogram"), std::string::npos);

  // One update: four states, targets from a fake worker.
  FakeTargetWorker targets(channel_);
  polo::RegisterResponse actor = RegisterWorker(polo::ACTOR);
  polo::ExperienceAck ack;
  ASSERT_TRUE(Send(actor, 0, 4, &ack).ok());
  polo::ExperienceBatch bad;
  bad.set_worker_id(actor.worker_id());
  bad.set_worker_key(actor.worker_key());
  bad.add_states();  // Wrong sizes: INVALID_ARGUMENT.
  polo::ExperienceAck unused;
  EXPECT_FALSE(stub_->SubmitExperience(Context().get(), bad, &unused).ok());
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (Progress().updates() < 1 && absl::Now() < deadline) absl::SleepFor(absl::Milliseconds(10));
  const std::string after = Scrape((*endpoint)->port());
  EXPECT_EQ(Value(after, "polo_agent_steps_total"), 4);
  EXPECT_EQ(Value(after, "polo_updates_total"), 1);
  EXPECT_EQ(Value(after, "polo_replay_states"), 4);
  EXPECT_EQ(Value(after, "polo_update_duration_seconds_count"), 1);
  EXPECT_GE(Value(after, "polo_gradient_steps_total"), 2);
  EXPECT_EQ(Value(after, R"(polo_workers_connected{kind="actor"})"), 1);
  EXPECT_EQ(Value(after, R"(polo_workers_connected{kind="target_worker"})"), 1);
  EXPECT_EQ(Value(after, R"(polo_grpc_server_handled_total{code="0",method="SubmitExperience"})"), 1)
      << after;
  EXPECT_EQ(Value(after, R"(polo_grpc_server_handled_total{code="3",method="SubmitExperience"})"), 1)
      << after;
  EXPECT_GT(Value(after, "polo_last_weights_published_timestamp_seconds"),
            Value(before, "polo_last_weights_published_timestamp_seconds"));
}

TEST_F(LearnerServiceTest, AnActorsAndATargetWorkersMetricsCountTheirWork) {
  StartLearner(CheapConfig(8));
  worker::TargetWorker target(rpc::MakeLearnerChannel(absl::StrCat("127.0.0.1:", port_)), {});
  worker::Actor actor(rpc::MakeLearnerChannel(absl::StrCat("127.0.0.1:", port_)), {});
  absl::StatusOr<std::unique_ptr<util::MetricsEndpoint>> actor_endpoint =
      util::MetricsEndpoint::Start("127.0.0.1:0");
  absl::StatusOr<std::unique_ptr<util::MetricsEndpoint>> target_endpoint =
      util::MetricsEndpoint::Start("127.0.0.1:0");
  ASSERT_TRUE(actor_endpoint.ok() && target_endpoint.ok());
  (*actor_endpoint)->Add(std::make_shared<worker::ActorMetrics>(&actor));
  (*target_endpoint)->Add(std::make_shared<worker::TargetWorkerMetrics>(&target));
  EXPECT_EQ(Value(Scrape((*actor_endpoint)->port()), "polo_actor_steps_total"), 0);
  std::thread target_thread([&target] { (void)target.Run(); });
  ASSERT_TRUE(actor.Run().ok());
  ASSERT_TRUE(core_->WaitUntilComplete(absl::Now() + absl::Seconds(30)));
  target.Stop();
  target_thread.join();
  const std::string a = Scrape((*actor_endpoint)->port());
  EXPECT_EQ(Value(a, "polo_actor_steps_total"), 8) << a;
  EXPECT_GE(Value(a, "polo_actor_effective_samples"), 1);
  EXPECT_LE(Value(a, "polo_actor_effective_samples"), 16);
  EXPECT_GT(Value(a, "polo_actor_planning_seconds"), 0);
  EXPECT_GT(Value(a, "polo_actor_rollout_steps_per_second"), 0);
  const std::string t = Scrape((*target_endpoint)->port());
  EXPECT_GE(Value(t, "polo_target_worker_jobs_total"), 2) << t;  // Two updates, G = 2 each.
  EXPECT_GE(Value(t, "polo_target_worker_states_total"), 8);
}

TEST(MetricsEndpointTest, APortInUseIsAnErrorNamingTheFlag) {
  absl::StatusOr<std::unique_ptr<util::MetricsEndpoint>> first =
      util::MetricsEndpoint::Start("127.0.0.1:0");
  ASSERT_TRUE(first.ok());
  absl::SetFlag(&FLAGS_metrics_listen, absl::StrCat("127.0.0.1:", (*first)->port()));
  const absl::Status second = rpc::MetricsEndpointFromFlag().status();
  absl::SetFlag(&FLAGS_metrics_listen, "");
  EXPECT_EQ(second.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(second.message().rfind("--metrics_listen: cannot listen on 127.0.0.1:", 0), 0u)
      << second.message();
}

}  // namespace
}  // namespace polo::testing

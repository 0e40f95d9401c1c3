// The learner's security, in-process over loopback: TLS (certificates made
// by deploy/make_certs.sh in the test's own folder), mutual TLS, renewal of
// certificates without a restart, per-role tokens on every method, worker
// ids that belong to whoever registered them, and the plaintext health
// port. Fast suite.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <future>
#include <set>
#include <string>
#include <thread>

#include <grpcpp/generic/generic_stub.h>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "proto/polo.grpc.pb.h"
#include "rpc/channel.h"
#include "rpc/health.h"
#include "rpc/security.h"
#include "server/auth.h"
#include "server/learner_service.h"
#include "tests/service/service_fixture.h"
#include "util/secrets.h"
#include "worker/actor.h"
#include "worker/target_worker.h"

namespace polo::testing {
namespace {

using grpc::StatusCode;

const std::string& TmpDir() {
  static const std::string dir = std::getenv("TEST_TMPDIR");
  return dir;
}

// deploy/make_certs.sh OUT_DIR with the default SANs (localhost,
// 127.0.0.1); true on success.
bool MakeCerts(const std::string& out) {
  const std::string command = absl::StrCat("bash deploy/make_certs.sh '", out, "' > /dev/null");
  const int status = std::system(command.c_str());
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

class SecurityTest : public LearnerServiceTest {
 protected:
  void SetUp() override {
    certs_ = TmpDir() + "/certs";
    std::filesystem::remove_all(certs_);
    ASSERT_TRUE(MakeCerts(certs_));
  }

  rpc::ServerTls Tls(bool mutual = false) const {
    rpc::ServerTls tls;
    tls.cert_file = certs_ + "/server.pem";
    tls.key_file = certs_ + "/server.key";
    if (mutual) tls.client_ca_file = certs_ + "/ca.pem";
    return tls;
  }
  rpc::ClientSecurity Client(const std::string& token = "", bool with_cert = false) const {
    rpc::ClientSecurity c;
    c.ca_file = certs_ + "/ca.pem";
    if (with_cert) {
      c.cert_file = certs_ + "/client.pem";
      c.key_file = certs_ + "/client.key";
    }
    if (!token.empty()) c.token_file = certs_ + "/" + token + ".token";
    return c;
  }
  // Starts a learner with TLS (and tokens if `tokens`); the fixture's own
  // client connects with `client`.
  void StartSecure(const rpc::ServerTls& tls, bool tokens, const rpc::ClientSecurity& client,
                   absl::Duration refresh = rpc::kCertificateRefresh) {
    absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> credentials =
        rpc::MakeServerCredentials(tls, refresh);
    ASSERT_TRUE(credentials.ok()) << credentials.status();
    server_credentials_ = *credentials;
    if (tokens) {
      absl::StatusOr<server::Authorizer> a = server::Authorizer::FromFiles(
          certs_ + "/worker.token", certs_ + "/admin.token");
      ASSERT_TRUE(a.ok()) << a.status();
      authorizer_ = *a;
    }
    client_security_ = client;
    StartLearner(SmallConfig(polo::ASYNCHRONOUS));
  }
  std::unique_ptr<polo::Learner::Stub> StubWith(const rpc::ClientSecurity& client) {
    absl::StatusOr<std::shared_ptr<grpc::Channel>> channel =
        rpc::MakeSecureLearnerChannel(absl::StrCat("127.0.0.1:", port_), client);
    EXPECT_TRUE(channel.ok()) << channel.status();
    return polo::Learner::NewStub(*channel);
  }
  StatusCode ProgressCode(polo::Learner::Stub* stub) {
    polo::Progress p;
    return stub->GetProgress(Context(absl::Seconds(5)).get(), {}, &p).error_code();
  }

  std::string certs_;
};

TEST_F(SecurityTest, ATlsClientThatTrustsTheCaConnectsAndOthersDoNot) {
  StartSecure(Tls(), /*tokens=*/false, Client());
  EXPECT_EQ(ProgressCode(stub_.get()), StatusCode::OK);
  // Plaintext to a TLS port.
  auto plaintext = polo::Learner::NewStub(rpc::MakeLearnerChannel(absl::StrCat("127.0.0.1:", port_)));
  EXPECT_EQ(ProgressCode(plaintext.get()), StatusCode::UNAVAILABLE);
  // Another CA.
  const std::string other = TmpDir() + "/other_ca";
  std::filesystem::remove_all(other);
  ASSERT_TRUE(MakeCerts(other));
  rpc::ClientSecurity wrong_ca = Client();
  wrong_ca.ca_file = other + "/ca.pem";
  EXPECT_EQ(ProgressCode(StubWith(wrong_ca).get()), StatusCode::UNAVAILABLE);
  // A name the certificate does not carry.
  rpc::ClientSecurity wrong_name = Client();
  wrong_name.server_name = "learner.elsewhere.example";
  EXPECT_EQ(ProgressCode(StubWith(wrong_name).get()), StatusCode::UNAVAILABLE);
}

TEST_F(SecurityTest, MutualTlsRefusesAClientWithoutACertificate) {
  StartSecure(Tls(/*mutual=*/true), /*tokens=*/false, Client("", /*with_cert=*/true));
  EXPECT_EQ(ProgressCode(stub_.get()), StatusCode::OK);
  EXPECT_EQ(ProgressCode(StubWith(Client()).get()), StatusCode::UNAVAILABLE);
}

TEST_F(SecurityTest, ARenewedCertificateIsServedWithoutARestart) {
  StartSecure(Tls(), /*tokens=*/false, Client(), /*refresh=*/absl::Seconds(1));
  EXPECT_EQ(ProgressCode(stub_.get()), StatusCode::OK);
  // A new CA and server certificate replace the files the learner reads.
  const std::string renewed = TmpDir() + "/renewed";
  std::filesystem::remove_all(renewed);
  ASSERT_TRUE(MakeCerts(renewed));
  rpc::ClientSecurity new_ca = Client();
  new_ca.ca_file = renewed + "/ca.pem";
  EXPECT_EQ(ProgressCode(StubWith(new_ca).get()), StatusCode::UNAVAILABLE);
  for (const char* f : {"server.key", "server.pem"}) {
    std::filesystem::copy_file(renewed + "/" + f, certs_ + "/" + f + ".new");
    std::filesystem::rename(certs_ + "/" + f + ".new", certs_ + "/" + f);
  }
  const absl::Time deadline = absl::Now() + absl::Seconds(15);
  StatusCode code = StatusCode::UNAVAILABLE;
  while (code != StatusCode::OK && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(500));
    code = ProgressCode(StubWith(new_ca).get());  // A fresh channel: a new handshake.
  }
  EXPECT_EQ(code, StatusCode::OK);
}

// A unary call of `method` on polo.Learner with an empty request, through
// gRPC's generic stub: every method, whatever its message types.
StatusCode CallEmpty(grpc::Channel* channel, const std::string& method) {
  grpc::GenericStub stub(std::shared_ptr<grpc::Channel>(channel, [](grpc::Channel*) {}));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  grpc::Slice empty("");
  grpc::ByteBuffer request(&empty, 1);  // An empty message (all fields default).
  grpc::ByteBuffer response;
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, absl::StrCat("/polo.Learner/", method), grpc::StubOptions(), &request,
                 &response, [&done](grpc::Status s) { done.set_value(s); });
  return done.get_future().get().error_code();
}

TEST_F(SecurityTest, EveryMethodNeedsAToken) {
  StartSecure(Tls(), /*tokens=*/true, Client());  // The fixture's client has no token.
  const google::protobuf::ServiceDescriptor* service =
      polo::RegisterRequest::descriptor()->file()->FindServiceByName("Learner");
  ASSERT_NE(service, nullptr);
  std::set<std::string> methods;
  for (int i = 0; i < service->method_count(); ++i) {
    const std::string name = service->method(i)->name();
    methods.insert(name);
    EXPECT_EQ(CallEmpty(channel_.get(), name), StatusCode::UNAUTHENTICATED) << name;
  }
  // The policy names exactly the service's methods.
  const std::vector<std::string> policy = server::Authorizer::PolicyMethods();
  EXPECT_EQ(methods, std::set<std::string>(policy.begin(), policy.end()));
  // A token that is neither role's.
  const std::string bogus = TmpDir() + "/bogus.token";
  {
    std::ofstream(bogus) << util::RandomHexToken() << "\n";
  }
  rpc::ClientSecurity with_bogus = Client();
  with_bogus.token_file = bogus;
  EXPECT_EQ(ProgressCode(StubWith(with_bogus).get()), StatusCode::UNAUTHENTICATED);
  // Health on the main port needs TLS but no token (probes carry none).
  auto health = grpc::health::v1::Health::NewStub(channel_);
  grpc::health::v1::HealthCheckResponse serving;
  EXPECT_TRUE(health->Check(Context().get(), {}, &serving).ok());
}

TEST_F(SecurityTest, EachTokenCallsItsRolesMethodsOnly) {
  StartSecure(Tls(), /*tokens=*/true, Client("worker"));
  auto admin = StubWith(Client("admin"));
  // Either reads progress.
  EXPECT_EQ(ProgressCode(stub_.get()), StatusCode::OK);
  EXPECT_EQ(ProgressCode(admin.get()), StatusCode::OK);
  // The worker token cannot checkpoint; the admin token cannot register.
  polo::CheckpointResponse checkpoint;
  grpc::Status status = stub_->Checkpoint(Context().get(), {}, &checkpoint);
  EXPECT_EQ(status.error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(status.error_message(),
            "Checkpoint: not allowed with the worker token (needs the admin token)");
  polo::RegisterRequest request;
  request.set_kind(polo::ACTOR);
  polo::RegisterResponse response;
  EXPECT_EQ(admin->Register(Context().get(), request, &response).error_code(),
            StatusCode::PERMISSION_DENIED);
  // The admin's checkpoint gets past the token check (no run folder here).
  EXPECT_EQ(admin->Checkpoint(Context().get(), {}, &checkpoint).error_code(),
            StatusCode::FAILED_PRECONDITION);
}

TEST_F(SecurityTest, AWorkerIdBelongsToTheClientThatRegisteredItEvenAcrossARestart) {
  const std::string run_dir = TmpDir() + "/ownership";
  std::filesystem::remove_all(run_dir);
  StartSecure(Tls(), /*tokens=*/true, Client("worker"));
  StopLearner();
  StartLearner(SmallConfig(polo::ASYNCHRONOUS), run_dir);
  polo::RegisterResponse owner = RegisterWorker(polo::ACTOR);
  ASSERT_EQ(owner.worker_key().size(), 64u);
  polo::ExperienceAck ack;
  ASSERT_TRUE(Send(owner, 0, 3, &ack).ok());

  // Another client with a valid worker token, without the key.
  polo::RegisterResponse thief = owner;
  thief.set_worker_key(util::RandomHexToken());
  grpc::Status status = Send(thief, 3, 1, &ack);
  EXPECT_EQ(status.error_code(), StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(status.error_message().rfind("worker_key: does not match worker \"actor-0\"", 0), 0u)
      << status.error_message();
  polo::RegisterRequest take_over;
  take_over.set_kind(polo::ACTOR);
  take_over.set_worker_id(owner.worker_id());
  polo::RegisterResponse taken;
  EXPECT_EQ(stub_->Register(Context().get(), take_over, &taken).error_code(),
            StatusCode::PERMISSION_DENIED);
  polo::UnregisterRequest bye;
  bye.set_worker_id(owner.worker_id());
  polo::UnregisterResponse unused;
  EXPECT_EQ(stub_->Unregister(Context().get(), bye, &unused).error_code(),
            StatusCode::PERMISSION_DENIED);

  // After a restart from the checkpoint the key still proves the id.
  StopLearner();
  StartLearner(SmallConfig(polo::ASYNCHRONOUS), run_dir, /*resume=*/true);
  EXPECT_EQ(stub_->Register(Context().get(), take_over, &taken).error_code(),
            StatusCode::PERMISSION_DENIED);
  polo::RegisterResponse back = RegisterWorker(polo::ACTOR, owner.worker_id(), owner.worker_key());
  EXPECT_EQ(back.next_sequence(), 3u);
  ASSERT_TRUE(Send(back, 3, 1, &ack).ok());
  EXPECT_EQ(ack.next_sequence(), 4u);
  // The admin may unregister anyone.
  auto admin = StubWith(Client("admin"));
  EXPECT_TRUE(admin->Unregister(Context().get(), bye, &unused).ok());
}

TEST_F(SecurityTest, TheHealthPortAnswersWithoutCredentials) {
  StartSecure(Tls(/*mutual=*/true), /*tokens=*/true, Client("worker", /*with_cert=*/true));
  int health_port = 0;
  absl::StatusOr<std::unique_ptr<grpc::Server>> health_server =
      rpc::BuildHealthServer("127.0.0.1:0", &health_port);
  ASSERT_TRUE(health_server.ok()) << health_server.status();
  auto health = grpc::health::v1::Health::NewStub(
      rpc::MakeLearnerChannel(absl::StrCat("127.0.0.1:", health_port)));
  grpc::health::v1::HealthCheckResponse response;
  ASSERT_TRUE(health->Check(Context().get(), {}, &response).ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
  // It serves nothing else.
  auto learner = polo::Learner::NewStub(rpc::MakeLearnerChannel(absl::StrCat("127.0.0.1:", health_port)));
  EXPECT_EQ(ProgressCode(learner.get()), StatusCode::UNIMPLEMENTED);
  (*health_server)->Shutdown();
}

TEST_F(SecurityTest, RealWorkersCompleteARunOverMutualTlsWithTokens) {
  StartSecure(Tls(/*mutual=*/true), /*tokens=*/true, Client("worker", /*with_cert=*/true));
  StopLearner();
  StartLearner(CheapConfig(8));
  const std::string address = absl::StrCat("127.0.0.1:", port_);
  absl::StatusOr<std::shared_ptr<grpc::Channel>> actor_channel =
      rpc::MakeSecureLearnerChannel(address, Client("worker", true));
  absl::StatusOr<std::shared_ptr<grpc::Channel>> target_channel =
      rpc::MakeSecureLearnerChannel(address, Client("worker", true));
  ASSERT_TRUE(actor_channel.ok() && target_channel.ok());
  worker::TargetWorker targets(*target_channel, {});
  worker::Actor actor(*actor_channel, {});
  absl::Status target_status;
  std::thread target_thread([&] { target_status = targets.Run(); });
  EXPECT_TRUE(actor.Run().ok());
  EXPECT_TRUE(core_->WaitUntilComplete(absl::Now() + absl::Seconds(30)));
  targets.Stop();
  target_thread.join();
  EXPECT_TRUE(target_status.ok()) << target_status;
  EXPECT_EQ(Progress().agent_steps(), 8u);
  EXPECT_EQ(Progress().updates(), 2u);
}

}  // namespace
}  // namespace polo::testing

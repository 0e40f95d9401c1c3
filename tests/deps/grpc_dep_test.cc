// gRPC inside the build: code from tools/proto.bzl serves a round trip on
// loopback, and the standard health and reflection services answer.
#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "grpc/health/v1/health.grpc.pb.h"
#include "grpc/reflection/v1alpha/reflection.grpc.pb.h"
#include "tests/deps/echo.grpc.pb.h"

namespace {

class EchoService final : public polo::testing::Echo::Service {
  grpc::Status Say(grpc::ServerContext*, const polo::testing::EchoRequest* request,
                   polo::testing::EchoReply* reply) override {
    if (request->text().empty()) {
      return grpc::Status(grpc::StatusCode::INVALID_ARGUMENT, "text: must not be empty");
    }
    reply->set_text(request->text());
    float sum = 0;
    for (float v : request->values()) sum += v;
    reply->set_sum(sum);
    return grpc::Status::OK;
  }
};

class GrpcDepTest : public ::testing::Test {
 protected:
  void SetUp() override {
    grpc::EnableDefaultHealthCheckService(true);
    grpc::reflection::InitProtoReflectionServerBuilderPlugin();
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&service_);
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(port, 0);
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                   grpc::InsecureChannelCredentials());
  }
  void TearDown() override { server_->Shutdown(); }

  EchoService service_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
};

TEST_F(GrpcDepTest, RoundTripCarriesFieldsAndErrors) {
  auto stub = polo::testing::Echo::NewStub(channel_);
  polo::testing::EchoRequest request;
  request.set_text("hello");
  request.add_values(1.5f);
  request.add_values(2.0f);
  polo::testing::EchoReply reply;
  grpc::ClientContext context;
  ASSERT_TRUE(stub->Say(&context, request, &reply).ok());
  EXPECT_EQ(reply.text(), "hello");
  EXPECT_FLOAT_EQ(reply.sum(), 3.5f);

  grpc::ClientContext bad_context;
  grpc::Status bad = stub->Say(&bad_context, polo::testing::EchoRequest(), &reply);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(bad.error_message(), "text: must not be empty");
}

TEST_F(GrpcDepTest, HealthServiceReportsServing) {
  auto stub = grpc::health::v1::Health::NewStub(channel_);
  grpc::health::v1::HealthCheckRequest request;  // "" = the whole server.
  grpc::health::v1::HealthCheckResponse response;
  grpc::ClientContext context;
  ASSERT_TRUE(stub->Check(&context, request, &response).ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST_F(GrpcDepTest, ReflectionListsTheEchoService) {
  namespace reflection = grpc::reflection::v1alpha;
  auto stub = reflection::ServerReflection::NewStub(channel_);
  grpc::ClientContext context;
  auto stream = stub->ServerReflectionInfo(&context);
  reflection::ServerReflectionRequest request;
  request.set_list_services("");
  ASSERT_TRUE(stream->Write(request));
  stream->WritesDone();
  reflection::ServerReflectionResponse response;
  ASSERT_TRUE(stream->Read(&response));
  bool found = false;
  for (const auto& service : response.list_services_response().service()) {
    found = found || service.name() == "polo.testing.Echo";
  }
  EXPECT_TRUE(found) << response.DebugString();
  EXPECT_TRUE(stream->Finish().ok());
}

}  // namespace

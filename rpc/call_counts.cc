#include "rpc/call_counts.h"

namespace polo::rpc {
namespace {

class CountingInterceptor final : public grpc::experimental::Interceptor {
 public:
  CountingInterceptor(CallCounts* counts, std::string method)
      : counts_(counts), method_(std::move(method)) {}
  void Intercept(grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::PRE_SEND_STATUS)) {
      counts_->Add(method_, methods->GetSendStatus().error_code());
    }
    methods->Proceed();
  }

 private:
  CallCounts* counts_;
  const std::string method_;
};

class CountingFactory final : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit CountingFactory(CallCounts* counts) : counts_(counts) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    std::string method = info->method() != nullptr ? info->method() : "";
    if (const size_t slash = method.rfind('/'); slash != std::string::npos) {
      method = method.substr(slash + 1);
    }
    return new CountingInterceptor(counts_, std::move(method));
  }

 private:
  CallCounts* counts_;
};

}  // namespace

void CallCounts::Add(const std::string& method, grpc::StatusCode code) {
  absl::MutexLock lock(&mu_);
  ++counts_[{method, code}];
}

CallCounts::Snapshot CallCounts::Get() const {
  absl::MutexLock lock(&mu_);
  return counts_;
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> CallCounts::Interceptors() {
  return std::make_unique<CountingFactory>(this);
}

}  // namespace polo::rpc

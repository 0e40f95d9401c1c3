// Every call a gRPC server finished, counted by method and status code (for
// the polo_grpc_server_handled_total metric): a server interceptor, so no
// handler can be missed. Thread-safe.
#ifndef POLO_RPC_CALL_COUNTS_H_
#define POLO_RPC_CALL_COUNTS_H_

#include <grpcpp/grpcpp.h>
#include <grpcpp/support/server_interceptor.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace polo::rpc {

class CallCounts {
 public:
  // (method name without the service, e.g. "Register"; status code) -> calls.
  using Snapshot = std::map<std::pair<std::string, grpc::StatusCode>, uint64_t>;

  void Add(const std::string& method, grpc::StatusCode code) ABSL_LOCKS_EXCLUDED(mu_);
  Snapshot Get() const ABSL_LOCKS_EXCLUDED(mu_);

  // For grpc::ServerBuilder::experimental().SetInterceptorCreators; counts
  // into this object, which must outlive the server.
  std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface> Interceptors();

 private:
  mutable absl::Mutex mu_;
  Snapshot counts_ ABSL_GUARDED_BY(mu_);
};

}  // namespace polo::rpc

#endif  // POLO_RPC_CALL_COUNTS_H_

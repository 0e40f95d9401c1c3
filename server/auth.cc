#include "server/auth.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "util/secrets.h"

namespace polo::server {
namespace {

struct MethodPolicy {
  const char* method;
  bool worker;  // The worker token may call it.
  bool admin;   // The admin token may call it.
};

// The one policy. Unregister by a worker is of itself only (its
// worker_key, checked by the registry); by the admin of anyone.
constexpr MethodPolicy kPolicy[] = {
    {"Register", true, false},        {"Unregister", true, true},
    {"SubmitExperience", true, false}, {"WaitForActing", true, false},
    {"SubscribeWeights", true, true},  {"GetWeights", true, true},
    {"LeaseTargetJob", true, false},   {"SubmitTargets", true, false},
    {"GetStatus", true, true},         {"GetProgress", true, true},
    {"ListWorkers", true, true},       {"Checkpoint", false, true},
};

const MethodPolicy* Find(absl::string_view method) {
  for (const MethodPolicy& p : kPolicy) {
    if (method == p.method) return &p;
  }
  return nullptr;
}

}  // namespace

absl::StatusOr<Authorizer> Authorizer::FromFiles(const std::string& worker_token_file,
                                                 const std::string& admin_token_file) {
  if (worker_token_file.empty() && admin_token_file.empty()) return Authorizer();
  if (worker_token_file.empty() || admin_token_file.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        worker_token_file.empty() ? "--worker_token_file" : "--admin_token_file",
        ": missing; tokens need both --worker_token_file and --admin_token_file "
        "(deploy/make_certs.sh writes both)"));
  }
  absl::StatusOr<std::string> worker = util::ReadTokenFile("worker_token_file", worker_token_file);
  if (!worker.ok()) return worker.status();
  absl::StatusOr<std::string> admin = util::ReadTokenFile("admin_token_file", admin_token_file);
  if (!admin.ok()) return admin.status();
  if (*worker == *admin) {
    return absl::InvalidArgumentError(
        "--admin_token_file: holds the worker token; the roles need different tokens");
  }
  return FromTokens(*std::move(worker), *std::move(admin));
}

Authorizer Authorizer::FromTokens(std::string worker_token, std::string admin_token) {
  Authorizer a;
  a.worker_digest_ = util::Sha256(worker_token);
  a.admin_digest_ = util::Sha256(admin_token);
  a.worker_token_ = std::move(worker_token);
  return a;
}

std::vector<std::string> Authorizer::PolicyMethods() {
  std::vector<std::string> out;
  for (const MethodPolicy& p : kPolicy) out.push_back(p.method);
  return out;
}

absl::StatusOr<Role> Authorizer::Authorize(const grpc::ServerContext& context,
                                           absl::string_view method) const {
  const MethodPolicy* policy = Find(method);
  if (policy == nullptr) {
    return absl::PermissionDeniedError(absl::StrCat("method ", method, ": not in the policy"));
  }
  if (!enabled()) return Role::kAdmin;
  std::string presented;
  const auto& metadata = context.client_metadata();
  if (auto it = metadata.find("authorization"); it != metadata.end()) {
    const absl::string_view value(it->second.data(), it->second.size());
    constexpr absl::string_view kScheme = "bearer ";
    if (value.size() > kScheme.size() &&
        absl::EqualsIgnoreCase(value.substr(0, kScheme.size()), kScheme)) {
      presented = std::string(absl::StripAsciiWhitespace(value.substr(kScheme.size())));
    }
  }
  if (presented.empty()) {
    return absl::UnauthenticatedError(
        "authorization: missing; this learner needs `authorization: Bearer <token>` "
        "(workers and the CLI: --token_file)");
  }
  // Both compared, each in constant time, whichever matches.
  const std::string digest = util::Sha256(presented);
  const bool is_worker = util::DigestsEqual(digest, worker_digest_);
  const bool is_admin = util::DigestsEqual(digest, admin_digest_);
  if (!is_worker && !is_admin) {
    return absl::UnauthenticatedError("authorization: the token is not one this learner accepts");
  }
  const Role role = is_admin ? Role::kAdmin : Role::kWorker;
  if ((role == Role::kWorker && !policy->worker) || (role == Role::kAdmin && !policy->admin)) {
    return absl::PermissionDeniedError(absl::StrCat(
        method, ": not allowed with the ", role == Role::kAdmin ? "admin" : "worker",
        " token (needs the ", policy->worker ? "worker" : "admin", " token)"));
  }
  return role;
}

}  // namespace polo::server

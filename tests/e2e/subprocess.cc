#include "tests/e2e/subprocess.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace polo::testing {

std::string RunfilePath(const std::string& workspace_relative) {
  const char* srcdir = std::getenv("TEST_SRCDIR");
  return absl::StrCat(srcdir ? srcdir : ".", "/polo/", workspace_relative);
}

std::string OutputDir() {
  if (const char* d = std::getenv("TEST_UNDECLARED_OUTPUTS_DIR")) return d;
  if (const char* d = std::getenv("TEST_TMPDIR")) return d;
  return "/tmp";
}

int FreePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

namespace {

pid_t Spawn(const std::vector<std::string>& argv, int out_fd) {
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out_fd, STDOUT_FILENO);
    dup2(out_fd, STDERR_FILENO);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

std::optional<int> WaitPid(pid_t pid, absl::Time deadline) {
  while (true) {
    int status = 0;
    const pid_t r = waitpid(pid, &status, WNOHANG);
    if (r == pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (absl::Now() >= deadline) return std::nullopt;
    absl::SleepFor(absl::Milliseconds(20));
  }
}

}  // namespace

Subprocess::Subprocess(std::vector<std::string> argv, std::string log_path)
    : log_path_(std::move(log_path)) {
  const int fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  pid_ = Spawn(argv, fd);
  close(fd);
}

Subprocess::~Subprocess() {
  if (running()) {
    kill(pid_, SIGKILL);
    Wait(absl::InfiniteFuture());
  }
}

void Subprocess::Signal(int signal) {
  if (running()) kill(pid_, signal);
}

std::optional<int> Subprocess::Wait(absl::Time deadline) {
  if (!status_) status_ = WaitPid(pid_, deadline);
  return status_;
}

bool Subprocess::running() { return pid_ > 0 && !Wait(absl::InfinitePast()).has_value(); }

std::string Subprocess::Log() const {
  std::ifstream in(log_path_);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::optional<std::string> RunAndCapture(const std::vector<std::string>& argv,
                                         absl::Duration timeout) {
  char path[] = "/tmp/polo_capture_XXXXXX";
  const int fd = mkstemp(path);
  const pid_t pid = Spawn(argv, fd);
  close(fd);
  std::optional<int> status = WaitPid(pid, absl::Now() + timeout);
  if (!status) {
    kill(pid, SIGKILL);
    WaitPid(pid, absl::InfiniteFuture());
  }
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  unlink(path);
  if (!status || *status != 0) return std::nullopt;
  return s.str();
}

}  // namespace polo::testing

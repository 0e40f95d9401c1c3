#include "util/subprocess.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

namespace polo::util {

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
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid == 0) {
    // Ends with the thread that started it; if that already happened, now.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
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

int Subprocess::Stop(absl::Duration grace) {
  Signal(SIGTERM);
  if (std::optional<int> status = Wait(absl::Now() + grace)) return *status;
  Signal(SIGKILL);
  return *Wait(absl::InfiniteFuture());
}

std::optional<double> Subprocess::CpuSeconds() const {
  if (status_ || pid_ <= 0) return std::nullopt;
  std::ifstream in(absl::StrCat("/proc/", pid_, "/stat"));
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  // "PID (COMM) STATE ...": the name may hold spaces and parentheses, so
  // count from the last ')'. utime and stime are fields 14 and 15.
  const size_t close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  const std::vector<std::string> fields =
      absl::StrSplit(line.substr(close + 2), ' ', absl::SkipEmpty());
  double utime = 0, stime = 0;
  if (fields.size() < 13 || !absl::SimpleAtod(fields[11], &utime) ||
      !absl::SimpleAtod(fields[12], &stime)) {
    return std::nullopt;
  }
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
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

}  // namespace polo::util

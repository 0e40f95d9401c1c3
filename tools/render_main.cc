// //tools:render — a recorded episode replayed and rendered with MuJoCo's
// own renderer, offscreen, and encoded with ffmpeg (README, "Seeing a run").
// Episodes come from //experiments:mpc --record (--states=FILE) or from a
// learner's run folder (--run_dir=RUN --episode=K: RUN/episodes/K.states):
//
//   bazel run -c opt //experiments:mpc -- --task=humanoid_getup (one line)
//       --value=results/humanoid/runs/humanoid_getup/seed0/weights.pb --kappa=0 --horizon=32
//       --temperature=0.05 --temperature_mode=absolute --record=getup.states
//   xvfb-run -a bazel run -c opt //tools:render -- --states=getup.states --out=getup.mp4
//
// Each state (models/state_file.h) is restored exactly and rendered, so the
// video is the recorded episode bit for bit. Needs an OpenGL context
// (GLFW; under Xvfb without a display) and Debian's ffmpeg. --gif writes a
// small GIF as well. Ends with one line: frames=N width=W height=H
// first_frame_colours=C (distinct colours in the first frame: a blank
// render has 1).
#include <GLFW/glfw3.h>
#include <mujoco/mujoco.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "models/physics_state.h"
#include "models/registry.h"
#include "models/state_file.h"
#include "server/run_folder.h"
#include "util/paths.h"

ABSL_FLAG(std::string, states, "", "recorded states (//experiments:mpc --record)");
ABSL_FLAG(std::string, run_dir, "", "a learner's run folder: render its episode --episode");
ABSL_FLAG(int64_t, episode, 0, "with --run_dir: the episode (as numbered in episodes.jsonl)");
ABSL_FLAG(std::string, out, "", "MP4 to write (empty: none)");
ABSL_FLAG(std::string, gif, "", "GIF to write as well (320 px wide, 25 fps; empty: none)");
ABSL_FLAG(int, width, 640, "frame width in pixels");
ABSL_FLAG(int, height, 480, "frame height in pixels");
ABSL_FLAG(int, frames, 0, "render only the first N states (0 = all)");
ABSL_FLAG(int, every, 1, "render every N-th state (the video plays at the control rate / N)");

namespace polo {
namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "render: %s\n", message.c_str());
  return 2;
}

// Frames in, video out: an ffmpeg process reading raw RGB on its stdin.
class Encoder {
 public:
  Encoder(const std::string& command) : pipe_(popen(command.c_str(), "w")) {}
  ~Encoder() { Close(); }
  bool ok() const { return pipe_ != nullptr; }
  bool Write(const std::vector<unsigned char>& rgb) {
    return std::fwrite(rgb.data(), 1, rgb.size(), pipe_) == rgb.size();
  }
  int Close() {
    if (pipe_ == nullptr) return 0;
    const int status = pclose(pipe_);
    pipe_ = nullptr;
    return status;
  }

 private:
  std::FILE* pipe_;
};

std::string Quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// The recording to render: --states, or --run_dir's episode --episode.
absl::StatusOr<std::string> StatesPathFromFlags() {
  const std::string states_path = util::ResolveUserPath(absl::GetFlag(FLAGS_states));
  const std::string run_dir = util::ResolveUserPath(absl::GetFlag(FLAGS_run_dir));
  if (run_dir.empty()) {
    if (states_path.empty()) {
      return absl::InvalidArgumentError(
          "--states or --run_dir with --episode: missing (what to render)");
    }
    return states_path;
  }
  if (!states_path.empty()) return absl::InvalidArgumentError("--states and --run_dir: give one");
  if (absl::GetFlag(FLAGS_episode) < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("--episode: got ", absl::GetFlag(FLAGS_episode),
                     ", expected an episode of episodes.jsonl (1, 2, ...)"));
  }
  return server::RunFolder::EpisodeStatesPath(run_dir, absl::GetFlag(FLAGS_episode));
}

// The MP4 (--out) and GIF (--gif) encoders, each null where not asked for.
struct Encoders {
  std::unique_ptr<Encoder> mp4, gif;
};

absl::StatusOr<Encoders> OpenEncoders(int width, int height, double fps) {
  const std::string out = util::ResolveUserPath(absl::GetFlag(FLAGS_out));
  const std::string gif = util::ResolveUserPath(absl::GetFlag(FLAGS_gif));
  const std::string input = absl::StrCat("ffmpeg -loglevel error -y -f rawvideo -pix_fmt rgb24 -s ",
                                         width, "x", height, " -r ", fps, " -i - ");
  Encoders e;
  if (!out.empty()) {
    // OpenGL rows start at the bottom: flipped.
    e.mp4 = std::make_unique<Encoder>(input + "-vf vflip -pix_fmt yuv420p " + Quoted(out));
    if (!e.mp4->ok()) return absl::InternalError("--out: cannot start ffmpeg");
  }
  if (!gif.empty()) {
    e.gif = std::make_unique<Encoder>(
        input + "-vf " +
        Quoted("vflip,fps=25,scale=320:-1:flags=lanczos,split[a][b];[a]palettegen[p];[b][p]paletteuse") +
        " " + Quoted(gif));
    if (!e.gif->ok()) return absl::InternalError("--gif: cannot start ffmpeg");
  }
  return e;
}

size_t CountColours(const std::vector<unsigned char>& rgb) {
  std::set<uint32_t> colours;
  for (size_t p = 0; p < rgb.size(); p += 3) {
    colours.insert((rgb[p] << 16) | (rgb[p + 1] << 8) | rgb[p + 2]);
  }
  return colours.size();
}

// MuJoCo's offscreen renderer for `m` in a hidden GLFW window, the task's
// camera.
class Renderer {
 public:
  static absl::StatusOr<std::unique_ptr<Renderer>> Create(const models::Task& task, int width,
                                                          int height) {
    if (!glfwInit()) {
      return absl::FailedPreconditionError(
          "no OpenGL context: glfwInit failed (run under xvfb-run -a)");
    }
    glfwWindowHint(GLFW_VISIBLE, GLFW_FALSE);
    GLFWwindow* window = glfwCreateWindow(width, height, "polo render", nullptr, nullptr);
    if (window == nullptr) {
      glfwTerminate();
      return absl::FailedPreconditionError(
          "no OpenGL context: glfwCreateWindow failed (run under xvfb-run -a)");
    }
    return std::unique_ptr<Renderer>(new Renderer(task, window, width, height));
  }
  ~Renderer() {
    mjr_freeContext(&context_);
    mjv_freeScene(&scene_);
    mj_deleteData(d_);
    glfwDestroyWindow(window_);
    glfwTerminate();
  }

  // The frame of physics state `state` into `rgb` (width x height x 3).
  void Render(const double* state, std::vector<unsigned char>* rgb) {
    models::RestorePhysicsState(m_, state, d_);
    mj_forward(m_, d_);
    mjv_updateScene(m_, d_, &option_, nullptr, &camera_, mjCAT_ALL, &scene_);
    mjr_render(viewport_, &scene_, &context_);
    mjr_readPixels(rgb->data(), nullptr, viewport_, &context_);
  }

 private:
  Renderer(const models::Task& task, GLFWwindow* window, int width, int height)
      : m_(const_cast<mjModel*>(task.model())), window_(window), viewport_{0, 0, width, height} {
    glfwMakeContextCurrent(window_);
    m_->vis.global.offwidth = std::max(m_->vis.global.offwidth, width);
    m_->vis.global.offheight = std::max(m_->vis.global.offheight, height);
    d_ = mj_makeData(m_);
    mjv_defaultScene(&scene_);
    mjv_defaultOption(&option_);
    mjr_defaultContext(&context_);
    mjv_makeScene(m_, &scene_, 2000);
    mjr_makeContext(m_, &context_, mjFONTSCALE_100);
    mjr_setBuffer(mjFB_OFFSCREEN, &context_);
    mjv_defaultFreeCamera(m_, &camera_);
    task.SetCamera(&camera_);  // The task's view (models::Task::SetCamera).
  }

  mjModel* m_;
  GLFWwindow* window_;
  mjrRect viewport_;
  mjData* d_ = nullptr;
  mjvScene scene_;
  mjvCamera camera_;
  mjvOption option_;
  mjrContext context_;
};

int Run() {
  absl::StatusOr<std::string> states_path = StatesPathFromFlags();
  if (!states_path.ok()) return Fail(std::string(states_path.status().message()));
  absl::StatusOr<models::StateFile> file = models::ReadStateFile(*states_path);
  if (!file.ok()) return Fail(std::string(file.status().message()));
  absl::StatusOr<std::unique_ptr<models::Task>> task = models::MakeTask(file->task);
  if (!task.ok()) return Fail(absl::StrCat("--states: task \"", file->task, "\": ", task.status().message()));
  const mjModel* m = (*task)->model();
  if (file->state_size != models::PhysicsStateSize(m)) {
    return Fail(absl::StrCat("--states: rows of ", file->state_size, " values, the task's state has ",
                             models::PhysicsStateSize(m)));
  }
  const int width = absl::GetFlag(FLAGS_width), height = absl::GetFlag(FLAGS_height);
  const int every = absl::GetFlag(FLAGS_every);
  if (width < 16 || height < 16 || width > 4096 || height > 4096) {
    return Fail("--width, --height: expected 16..4096 pixels");
  }
  if (every < 1) return Fail(absl::StrCat("--every: got ", every, ", expected >= 1"));
  absl::StatusOr<std::unique_ptr<Renderer>> renderer = Renderer::Create(**task, width, height);
  if (!renderer.ok()) return Fail(std::string(renderer.status().message()));
  // One state per agent step, of substeps() physics steps each.
  absl::StatusOr<Encoders> encoders =
      OpenEncoders(width, height, 1.0 / (m->opt.timestep * (*task)->substeps() * every));
  if (!encoders.ok()) return Fail(std::string(encoders.status().message()));

  std::vector<unsigned char> rgb(static_cast<size_t>(width) * height * 3);
  size_t frames = 0, first_colours = 0;
  const size_t limit = absl::GetFlag(FLAGS_frames) > 0 ? absl::GetFlag(FLAGS_frames) : file->count();
  for (size_t i = 0; i < file->count() && frames < limit; i += every) {
    (*renderer)->Render(file->states.data() + i * file->state_size, &rgb);
    if (frames == 0) first_colours = CountColours(rgb);
    if ((encoders->mp4 && !encoders->mp4->Write(rgb)) ||
        (encoders->gif && !encoders->gif->Write(rgb))) {
      return Fail("ffmpeg stopped");
    }
    ++frames;
  }
  const int mp4_status = encoders->mp4 ? encoders->mp4->Close() : 0;
  const int gif_status = encoders->gif ? encoders->gif->Close() : 0;
  renderer->reset();
  if (mp4_status != 0) return Fail("--out: ffmpeg failed writing " + util::ResolveUserPath(absl::GetFlag(FLAGS_out)));
  if (gif_status != 0) return Fail("--gif: ffmpeg failed writing " + util::ResolveUserPath(absl::GetFlag(FLAGS_gif)));
  std::printf("frames=%zu width=%d height=%d first_frame_colours=%zu\n", frames, width, height,
              first_colours);
  return 0;
}

}  // namespace
}  // namespace polo

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  return polo::Run();
}

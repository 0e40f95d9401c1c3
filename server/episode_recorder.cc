#include "server/episode_recorder.h"

#include <utility>

namespace polo::server {

void EpisodeRecorder::Add(const std::string& worker, const polo::VisitedState& state) {
  auto [it, added] = open_.try_emplace(worker);
  Open& open = it->second;
  if (added || open.episode != state.episode()) {
    open = Open();
    open.episode = state.episode();
    open.whole = state.step() == 0;
  } else if (state.step() != open.next_step) {
    open.whole = false;  // A gap: the states in between never arrived here.
  }
  open.next_step = state.step() + 1;
  if (open.whole) {
    open.states.insert(open.states.end(), state.physics_state().begin(), state.physics_state().end());
  }
}

std::optional<std::vector<double>> EpisodeRecorder::Finish(const std::string& worker) {
  auto it = open_.find(worker);
  if (it == open_.end()) return std::nullopt;
  std::optional<std::vector<double>> states;
  if (it->second.whole) states = std::move(it->second.states);
  open_.erase(it);
  return states;
}

}  // namespace polo::server

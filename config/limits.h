// Bounds every layer above shares, with no dependencies of their own (the
// service's message code includes this, never the configuration's heavier
// libraries).
#ifndef POLO_CONFIG_LIMITS_H_
#define POLO_CONFIG_LIMITS_H_

namespace polo::config {

// Most states in one message (rpc/channel.h): an ExperienceBatch, a target
// job, a minibatch. ValidateRunConfig bounds training.minibatch_size and
// training.target_states by it.
inline constexpr int kMaxStatesPerMessage = 4096;

}  // namespace polo::config

#endif  // POLO_CONFIG_LIMITS_H_

// Protocol-buffer messages as JSON with the .proto field names, the form of
// the run folder's files (config.json, metrics.jsonl) and of the CLI's
// output. Stateless, thread-safe.
#ifndef POLO_RPC_JSON_H_
#define POLO_RPC_JSON_H_

#include <string>

#include "google/protobuf/message.h"

namespace polo::rpc {

// The message as single-line JSON (indented when `pretty`), every field
// printed, proto field names.
std::string ToJson(const google::protobuf::Message& message, bool pretty = false);

}  // namespace polo::rpc

#endif  // POLO_RPC_JSON_H_

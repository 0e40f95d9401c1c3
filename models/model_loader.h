// Loading MuJoCo models from MJCF text held in memory (through MuJoCo's
// virtual file system), in particular the files embedded in the binary
// (models/embedded_models.h).
//
// Thread-safety: safe to call from any thread; loads are serialised
// internally because MuJoCo's XML compiler keeps global state.
#ifndef POLO_MODELS_MODEL_LOADER_H_
#define POLO_MODELS_MODEL_LOADER_H_

#include <string_view>

#include "absl/status/statusor.h"
#include "models/task.h"

namespace polo::models {

// Compiles the MJCF document `xml`, which must be self-contained (no
// <include>, no mesh or texture files). `file_name` is the name MuJoCo sees
// and quotes in its messages. Returns InvalidArgument carrying MuJoCo's error
// text (e.g. "XML Error: ...") if the document does not compile.
absl::StatusOr<UniqueMjModel> LoadModelFromXml(std::string_view xml,
                                               std::string_view file_name = "model.xml");

// Loads the embedded MJCF file `file` (e.g. "humanoid.xml"). Returns NotFound
// listing the embedded files if there is no such file, or the error of
// LoadModelFromXml.
absl::StatusOr<UniqueMjModel> LoadEmbeddedModel(std::string_view file);

}  // namespace polo::models

#endif  // POLO_MODELS_MODEL_LOADER_H_

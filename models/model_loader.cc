#include "models/model_loader.h"

#include <mujoco/mujoco.h>

#include <array>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "absl/base/const_init.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "models/embedded_models.h"

namespace polo::models {
namespace {

// mj_loadXML keeps the last parsed model in a global (for mj_saveLastXML).
ABSL_CONST_INIT absl::Mutex load_mutex(absl::kConstInit);

// mjVFS holds fixed arrays of 2000 file names (about 2 MB): too big for a
// thread's stack, so it lives on the heap and frees its files on the way out.
struct VfsDeleter {
  void operator()(mjVFS* vfs) const {
    mj_deleteVFS(vfs);
    delete vfs;
  }
};

}  // namespace

absl::StatusOr<UniqueMjModel> LoadModelFromXml(std::string_view xml, std::string_view file_name) {
  const std::string name(file_name);
  if (name.empty() || name.size() >= mjMAXVFSNAME) {
    return absl::InvalidArgumentError(absl::StrCat(
        "model file name must have 1 to ", mjMAXVFSNAME - 1, " characters, got '", name, "'"));
  }
  std::unique_ptr<mjVFS, VfsDeleter> vfs(new mjVFS);
  mj_defaultVFS(vfs.get());
  // The VFS file is the text plus a terminating NUL: the XML parser reads C strings.
  const int size = static_cast<int>(xml.size()) + 1;
  if (mj_makeEmptyFileVFS(vfs.get(), name.c_str(), size) != 0) {
    return absl::InternalError(absl::StrCat("could not create VFS file '", name, "'"));
  }
  char* data = static_cast<char*>(vfs->filedata[vfs->nfile - 1]);
  std::memcpy(data, xml.data(), xml.size());
  data[xml.size()] = '\0';

  std::array<char, 1024> error{};
  mjModel* model;
  {
    absl::MutexLock lock(&load_mutex);
    model = mj_loadXML(name.c_str(), vfs.get(), error.data(), error.size());
  }
  if (model == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "MuJoCo could not load '", name, "': ", absl::StripTrailingAsciiWhitespace(error.data())));
  }
  return UniqueMjModel(model);
}

absl::StatusOr<UniqueMjModel> LoadEmbeddedModel(std::string_view file) {
  const std::string_view xml = EmbeddedModelXml(file);
  if (xml.empty()) {
    // Debian's Abseil has its own string_view, so std::string_view is appended by hand.
    const std::string known = absl::StrJoin(
        EmbeddedModelFiles(), ", ",
        [](std::string* out, std::string_view name) { out->append(name.data(), name.size()); });
    return absl::NotFoundError(
        absl::StrCat("no embedded model file '", std::string(file), "'; embedded: ", known));
  }
  return LoadModelFromXml(xml, file);
}

}  // namespace polo::models

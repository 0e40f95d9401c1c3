#include "models/embedded_models.h"

#include <string_view>
#include <vector>

namespace polo::models {

std::string_view EmbeddedModelXml(std::string_view file) {
  for (int i = 0; i < internal::kNumEmbeddedFiles; ++i) {
    if (file == internal::kEmbeddedFiles[i].name) return internal::kEmbeddedFiles[i].contents;
  }
  return {};
}

std::vector<std::string_view> EmbeddedModelFiles() {
  std::vector<std::string_view> files;
  files.reserve(internal::kNumEmbeddedFiles);
  for (int i = 0; i < internal::kNumEmbeddedFiles; ++i) {
    files.push_back(internal::kEmbeddedFiles[i].name);
  }
  return files;
}

}  // namespace polo::models

// The MJCF files of models/ (point_mass_box.xml, point_mass_maze.xml,
// humanoid.xml, humanoid_box.xml, hand_cube.xml), compiled into the binary at build time by
// the genrule in models/BUILD, so that every binary carries its models and
// runs on any machine without runfiles or a source tree.
//
// Thread-safety: the table is immutable static data; every function is safe
// to call from any thread.
#ifndef POLO_MODELS_EMBEDDED_MODELS_H_
#define POLO_MODELS_EMBEDDED_MODELS_H_

#include <string_view>
#include <vector>

namespace polo::models {

// The text of the embedded MJCF file with base name `file` (e.g.
// "humanoid.xml"), or an empty view if no such file was embedded. The view
// points at static storage and stays valid for the life of the program.
std::string_view EmbeddedModelXml(std::string_view file);

// Base names of all embedded files, in build order.
std::vector<std::string_view> EmbeddedModelFiles();

namespace internal {

// One embedded file. Defined by the generated embedded_models_data.cc.
struct EmbeddedFile {
  const char* name;
  const char* contents;
};
extern const EmbeddedFile kEmbeddedFiles[];
extern const int kNumEmbeddedFiles;

}  // namespace internal
}  // namespace polo::models

#endif  // POLO_MODELS_EMBEDDED_MODELS_H_

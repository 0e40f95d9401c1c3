#include "learner/test_weights.h"

#include <cmath>
#include <random>

#include "util/random.h"

namespace polo::learner {
namespace {

void RandomMlp(const polo::EnsembleSpec& spec, std::mt19937_64& rng, polo::Mlp* mlp) {
  int in = spec.num_features();
  for (int l = 0; l <= spec.hidden_sizes_size(); ++l) {
    const int out = l < spec.hidden_sizes_size() ? spec.hidden_sizes(l) : 1;
    const double bound = 1.0 / std::sqrt(static_cast<double>(in));
    polo::DenseLayer* layer = mlp->add_layers();
    layer->set_in_features(in);
    layer->set_out_features(out);
    for (int i = 0; i < in * out; ++i) {
      layer->add_weights(static_cast<float>((2 * util::UniformDouble(rng) - 1) * bound));
    }
    for (int o = 0; o < out; ++o) {
      layer->add_bias(static_cast<float>((2 * util::UniformDouble(rng) - 1) * bound));
    }
    in = out;
  }
}

}  // namespace

polo::EnsembleSpec MakeSpec(int num_features, int ensemble_size,
                            std::initializer_list<int> hidden_sizes,
                            polo::EnsembleSpec::Activation activation, double prior_scale) {
  polo::EnsembleSpec spec;
  spec.set_num_features(num_features);
  spec.set_ensemble_size(ensemble_size);
  for (int h : hidden_sizes) spec.add_hidden_sizes(h);
  spec.set_activation(activation);
  spec.set_prior_scale(prior_scale);
  return spec;
}

polo::EnsembleWeights RandomEnsembleWeights(const polo::EnsembleSpec& spec, uint64_t seed) {
  std::mt19937_64 rng(seed);
  polo::EnsembleWeights weights;
  *weights.mutable_spec() = spec;
  for (int j = 0; j < spec.num_features(); ++j) {
    weights.mutable_normalisation()->add_offset(2 * util::UniformDouble(rng) - 1);
    weights.mutable_normalisation()->add_scale(0.5 + 1.5 * util::UniformDouble(rng));
  }
  for (int k = 0; k < spec.ensemble_size(); ++k) {
    polo::EnsembleMember* member = weights.add_members();
    RandomMlp(spec, rng, member->mutable_trained());
    RandomMlp(spec, rng, member->mutable_prior());
  }
  weights.set_version(7);
  return weights;
}

}  // namespace polo::learner

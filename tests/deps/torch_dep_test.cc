// LibTorch inside the build: tensor maths, autograd and one Adam step.
#include <torch/torch.h>

#include <gtest/gtest.h>

namespace {

TEST(TorchDepTest, MatmulMatchesHandComputedResult) {
  torch::set_num_threads(1);
  torch::Tensor a = torch::tensor({{1.0f, 2.0f}, {3.0f, 4.0f}});
  torch::Tensor b = torch::tensor({{5.0f}, {6.0f}});
  torch::Tensor c = torch::matmul(a, b);
  EXPECT_FLOAT_EQ(c[0][0].item<float>(), 17.0f);
  EXPECT_FLOAT_EQ(c[1][0].item<float>(), 39.0f);
}

TEST(TorchDepTest, OneAdamStepMovesParameterAgainstGradient) {
  torch::set_num_threads(1);
  torch::manual_seed(0);
  torch::nn::Linear layer(3, 1);
  torch::Tensor before = layer->weight.detach().clone();
  torch::optim::Adam adam(layer->parameters(), torch::optim::AdamOptions(0.1));
  torch::Tensor x = torch::ones({4, 3});
  torch::Tensor loss = layer->forward(x).sum();  // d loss / d w = 4 for each w.
  adam.zero_grad();
  loss.backward();
  adam.step();
  // Adam's first step moves each weight by -lr * sign(grad) (up to epsilon).
  torch::Tensor delta = layer->weight.detach() - before;
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(delta[0][i].item<float>(), -0.1f, 1e-5f);
}

}  // namespace

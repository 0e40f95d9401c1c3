// Checks that batched evaluation does not touch the heap after the first
// call with a batch size, as planner/terminal_value.h requires. This binary
// interposes malloc/calloc/realloc (Eigen allocates with malloc, not
// operator new) and counts calls inside a window.
#include <atomic>
#include <cstdlib>
#include <random>
#include <vector>

#include <gtest/gtest.h>

#include "learner/eigen_ensemble.h"
#include "learner/optimistic_value.h"
#include "learner/test_weights.h"

extern "C" void* __libc_malloc(size_t size);
extern "C" void* __libc_calloc(size_t count, size_t size);
extern "C" void* __libc_realloc(void* pointer, size_t size);

namespace {
std::atomic<bool> counting{false};
std::atomic<long> allocations{0};
void Count() {
  if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1);
}
}  // namespace

extern "C" void* malloc(size_t size) noexcept {
  Count();
  return __libc_malloc(size);
}
extern "C" void* calloc(size_t count, size_t size) noexcept {
  Count();
  return __libc_calloc(count, size);
}
extern "C" void* realloc(void* pointer, size_t size) noexcept {
  Count();
  return __libc_realloc(pointer, size);
}

namespace polo::learner {
namespace {

// Allocations made by fn().
template <typename Fn>
long CountAllocations(Fn fn) {
  allocations = 0;
  counting = true;
  fn();
  counting = false;
  return allocations.load();
}

std::vector<double> Features(int rows, int nf) {
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> uniform(-2, 2);
  std::vector<double> x(static_cast<size_t>(rows) * nf);
  for (double& v : x) v = uniform(rng);
  return x;
}

TEST(NoAllocationTest, CountsAllocationsAtAll) {
  // Guards the other tests against an interposition that silently fails.
  EXPECT_GE(CountAllocations([] { delete new std::vector<double>(100); }), 1);
  EXPECT_GE(CountAllocations([] { Eigen::MatrixXf m(64, 64); m.setZero(); }), 1);
}

TEST(NoAllocationTest, EigenEnsembleReusesScratchAfterFirstCall) {
  const polo::EnsembleWeights weights =
      RandomEnsembleWeights(MakeSpec(34, 6, {16, 16}, polo::EnsembleSpec::TANH, 1.0), 3);
  std::unique_ptr<EigenEnsemble> ensemble = *EigenEnsemble::Create(weights);
  const std::vector<double> x = Features(120, 34);
  std::vector<double> values(120 * 6);
  ensemble->EvaluateMembers(x.data(), 120, values.data());  // Allocates scratch.
  EXPECT_EQ(CountAllocations([&] {
              ensemble->EvaluateMembers(x.data(), 120, values.data());
              ensemble->EvaluateMembers(x.data(), 7, values.data());  // Smaller: fits.
              ensemble->EvaluateMembers(x.data(), 1, values.data());
            }),
            0);
}

TEST(NoAllocationTest, OptimisticValueDoesNotAllocateAfterReserve) {
  const polo::EnsembleWeights weights =
      RandomEnsembleWeights(MakeSpec(34, 6, {16, 16}, polo::EnsembleSpec::RELU, 1.0), 4);
  std::unique_ptr<OptimisticValue> value = *OptimisticValue::Create(weights, 0.5);
  value->Reserve(120);
  const std::vector<double> x = Features(120, 34);
  std::vector<double> values(120);
  EXPECT_EQ(CountAllocations([&] {
              value->Evaluate(x.data(), 120, values.data());
              value->Evaluate(x.data(), 64, values.data());
            }),
            0);
}

}  // namespace
}  // namespace polo::learner

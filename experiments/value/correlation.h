// Correlations for the value checks (//experiments:value_ranking,
// //experiments:value_fit): how well a value's numbers follow the returns
// they predict. Functions; no state.
#ifndef POLO_EXPERIMENTS_VALUE_CORRELATION_H_
#define POLO_EXPERIMENTS_VALUE_CORRELATION_H_

#include <vector>

namespace polo::experiments {

// Pearson's r of x and y (same length). NaN if either is constant or the
// vectors are empty.
double Pearson(const std::vector<double>& x, const std::vector<double>& y);

// The ranks of x from 0, ties sharing their average rank.
std::vector<double> Ranks(const std::vector<double>& x);

// Spearman's rho: Pearson's r of the ranks.
double Spearman(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace polo::experiments

#endif  // POLO_EXPERIMENTS_VALUE_CORRELATION_H_

#include "learner/occupancy_grid.h"

#include <algorithm>
#include <cmath>

namespace polo::learner {

void CellCentre(const models::CoverageGrid& grid, int cell, double xy[2]) {
  const int n = grid.cells_per_side;
  xy[0] = grid.x_min + (cell % n + 0.5) * (grid.x_max - grid.x_min) / n;
  xy[1] = grid.y_min + (cell / n + 0.5) * (grid.y_max - grid.y_min) / n;
}

OccupancyGrid::OccupancyGrid(const models::CoverageGrid& grid)
    : grid_(grid), cells_(static_cast<size_t>(grid.cells_per_side) * grid.cells_per_side, 0) {}

void OccupancyGrid::Visit(double x, double y) {
  const int n = grid_.cells_per_side;
  const double fx = (x - grid_.x_min) / (grid_.x_max - grid_.x_min);
  const double fy = (y - grid_.y_min) / (grid_.y_max - grid_.y_min);
  // Range-checked as doubles before any conversion to int (NaN fails too).
  if (!(fx >= 0 && fx < 1 && fy >= 0 && fy < 1)) return;
  const int i = std::min(n - 1, static_cast<int>(std::floor(fx * n)));
  const int j = std::min(n - 1, static_cast<int>(std::floor(fy * n)));
  char& cell = cells_[static_cast<size_t>(j) * n + i];
  if (cell == 0) {
    cell = 1;
    ++visited_;
  }
}

bool OccupancyGrid::Restore(const std::string& cells) {
  if (cells.size() != cells_.size()) return false;
  visited_ = 0;
  for (size_t i = 0; i < cells.size(); ++i) {
    cells_[i] = cells[i] != 0 ? 1 : 0;
    visited_ += cells_[i];
  }
  return true;
}

double OccupancyGrid::coverage() const {
  return cells_.empty() ? 0.0 : static_cast<double>(visited_) / cells_.size();
}

}  // namespace polo::learner

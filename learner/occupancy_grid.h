// Coverage of a reward-free world (paper Fig. 2a): the fraction of the
// cells of a models::CoverageGrid the agent has visited. The fraction is
// over all cells of the grid, walls included (so a maze's maximum is below
// 1), as the paper plots "percentage of an occupancy grid covered".
// Positions outside the grid are ignored. Thread-compatible.
#ifndef POLO_LEARNER_OCCUPANCY_GRID_H_
#define POLO_LEARNER_OCCUPANCY_GRID_H_

#include <string>
#include <vector>

#include "models/task.h"

namespace polo::learner {

// Centre (x, y) of cell `cell` of `grid`, cells row-major from (x_min,
// y_min) with x fastest, as OccupancyGrid numbers them.
void CellCentre(const models::CoverageGrid& grid, int cell, double xy[2]);

class OccupancyGrid {
 public:
  explicit OccupancyGrid(const models::CoverageGrid& grid);

  // Marks the cell containing (x, y), if any.
  void Visit(double x, double y);
  // Visited cells / all cells, in [0, 1].
  double coverage() const;
  int visited_cells() const { return visited_; }

  // One byte per cell (1 = visited), row-major as CellCentre numbers them:
  // for checkpoints.
  const std::vector<char>& cells() const { return cells_; }
  // Restores cells() saved from a grid of the same size; false (and no
  // change) if the size differs.
  bool Restore(const std::string& cells);

 private:
  models::CoverageGrid grid_;
  std::vector<char> cells_;
  int visited_ = 0;
};

}  // namespace polo::learner

#endif  // POLO_LEARNER_OCCUPANCY_GRID_H_

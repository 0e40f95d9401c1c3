#include "learner/occupancy_grid.h"

#include <cmath>
#include <limits>
#include <string>

#include <gtest/gtest.h>

namespace polo::learner {
namespace {

models::CoverageGrid Grid() {
  models::CoverageGrid g;
  g.x_min = -1;
  g.x_max = 1;
  g.y_min = -1;
  g.y_max = 1;
  g.cells_per_side = 4;
  return g;
}

TEST(OccupancyGridTest, CountsEachCellOnceOverAllCells) {
  OccupancyGrid grid(Grid());
  EXPECT_EQ(grid.coverage(), 0.0);  // Empty: 0, not a sentinel.
  grid.Visit(-0.9, -0.9);
  grid.Visit(-0.8, -0.8);  // Same cell.
  grid.Visit(0.9, 0.9);
  EXPECT_EQ(grid.visited_cells(), 2);
  EXPECT_EQ(grid.coverage(), 2.0 / 16);
  double xy[2];
  CellCentre(Grid(), 15, xy);
  EXPECT_EQ(xy[0], 0.75);
  EXPECT_EQ(xy[1], 0.75);
  EXPECT_EQ(grid.cells()[15], 1);
}

TEST(OccupancyGridTest, PositionsOutsideOrNotFiniteAreIgnoredWithoutOverflow) {
  OccupancyGrid grid(Grid());
  const double inf = std::numeric_limits<double>::infinity();
  for (double v : {1.0, -1.0 - 1e-12, 1e300, -1e300, inf, -inf, std::nan("")}) {
    grid.Visit(v, 0.0);
    grid.Visit(0.0, v);
  }
  EXPECT_EQ(grid.visited_cells(), 0);
  // The largest position below x_max lands in the last cell.
  grid.Visit(1.0 - 1e-12, 1.0 - 1e-12);
  EXPECT_EQ(grid.cells()[15], 1);
}

TEST(OccupancyGridTest, RestoreTakesCellsOfTheSameSizeOnly) {
  OccupancyGrid grid(Grid());
  grid.Visit(0.1, 0.1);
  const std::string saved(grid.cells().begin(), grid.cells().end());
  OccupancyGrid restored(Grid());
  ASSERT_TRUE(restored.Restore(saved));
  EXPECT_EQ(restored.visited_cells(), 1);
  EXPECT_EQ(restored.cells(), grid.cells());
  EXPECT_FALSE(restored.Restore("short"));
  EXPECT_EQ(restored.visited_cells(), 1);
}

}  // namespace
}  // namespace polo::learner

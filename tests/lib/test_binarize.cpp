#include <catch2/catch.hpp>

#include <vector>

#include "neuroncert/core/binarize.hpp"
#include "neuroncert/core/quantile.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/ordering.hpp"

using namespace neuroncert;
using Catch::Matchers::WithinAbs;
using vec = std::vector<double>;

TEST_CASE("top_alpha_count is ceil(alpha n) without floating-point overshoot", "[binarize]") {
  CHECK(top_alpha_count(0.05, 100) == 5.0);
  CHECK(top_alpha_count(0.07, 100) == 7.0);  // 0.07 * 100 = 7.000000000000001 in doubles
  CHECK(top_alpha_count(0.05, 101) == 6.0);
  CHECK(top_alpha_count(0.001, 10) == 1.0);
  CHECK(top_alpha_count(0.3, 10) == 3.0);
}

TEST_CASE("top-alpha includes every tie at the cut-off", "[binarize]") {
  // alpha = 0.2 of 10: k = 2. The 2nd largest is 5, shared by three samples: all three fire.
  const vec z{1, 5, 2, 5, 9, 5, 0, 3, 4, 1};
  const auto f = binarize_top_alpha(z, 0.2);
  CHECK(f == vec{0, 1, 0, 1, 1, 1, 0, 0, 0, 0});
  // Permutation invariance: reversing the samples reverses the result.
  const vec zr(z.rbegin(), z.rend());
  const auto fr = binarize_top_alpha(zr, 0.2);
  CHECK(vec(fr.rbegin(), fr.rend()) == f);
}

TEST_CASE("weighted top-alpha counts each sample by its multiplicity", "[binarize]") {
  // n = 10 by weight; k = 2. The most active sample has weight 2, so it alone reaches k.
  const vec z{9, 8, 7, 6}, w{2, 3, 4, 1};
  CHECK(binarize_top_alpha(z, 0.2, w) == vec{1, 0, 0, 0});
  // A zero-weight top sample cannot set the cut-off.
  const vec w0{0, 3, 4, 3};
  CHECK(top_alpha_threshold(z, descending_order(z), 0.2, w0) == 8.0);
  CHECK_THROWS_AS(binarize_top_alpha(z, 1.5), invalid_argument);
  CHECK_THROWS_WITH(binarize_top_alpha(z, 0.0), Catch::Contains("alpha"));
  CHECK_THROWS_AS(binarize_top_alpha(z, 0.2, vec{0, 0, 0, 0}), invalid_argument);
}

TEST_CASE("type-7 quantiles match NumPy's default", "[binarize]") {
  const vec x{4, 1, 3, 2};
  CHECK(quantile_type7(x, 0.5) == 2.5);           // np.quantile([1,2,3,4], 0.5)
  CHECK_THAT(quantile_type7(x, 0.99), WithinAbs(3.97, 1e-12));  // h = 2.97
  CHECK(quantile_type7(x, 0.0) == 1.0);
  CHECK(quantile_type7(x, 1.0) == 4.0);
  CHECK(quantile_type7(vec{7}, 0.3) == 7.0);
  CHECK_THAT(quantile_type7(vec{0, 10}, 0.25), WithinAbs(2.5, 1e-15));
  CHECK_THROWS_AS(quantile_type7(vec{}, 0.5), invalid_argument);
  CHECK_THROWS_AS(quantile_type7(x, 1.5), invalid_argument);
}

TEST_CASE("weighted mid-ranks", "[binarize]") {
  const vec z{3, 1, 3, 2};
  std::vector<double> r(4);
  weighted_mid_ranks(z, descending_order(z), {}, r);
  // Usual 1-based mid-ranks are 3.5, 1, 3.5, 2; ours are 1/2 lower.
  CHECK(r == vec{3.0, 0.5, 3.0, 1.5});
  const vec w{1, 2, 0, 1};
  weighted_mid_ranks(z, descending_order(z), w, r);
  // Below 3: weight 3; tie block weight 1 -> 3.5. Sample 1: 0 below, block 2 -> 1. Sample 3: 2 below + 0.5.
  CHECK(r == vec{3.5, 1.0, 3.5, 2.5});
}

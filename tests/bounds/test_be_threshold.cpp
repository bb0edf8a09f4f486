// The checked BE threshold (bounds::checked_be_threshold) that identify --bootstrap and be-coverage
// share: t given in [1, K], or tau in (0, 1] giving t = ceil(tau K); exactly one of the two.
#include <catch2/catch.hpp>

#include <optional>

#include "neuroncert/bounds/be_coverage.hpp"
#include "neuroncert/core/error.hpp"

using namespace neuroncert::bounds;
using Catch::Matchers::Equals;
using std::nullopt;

TEST_CASE("checked BE threshold: a given t in [1, K] is returned as is", "[bounds][be_coverage]") {
  CHECK(checked_be_threshold(20, 1, nullopt) == 1);
  CHECK(checked_be_threshold(20, 19, nullopt) == 19);
  CHECK(checked_be_threshold(20, 20, nullopt) == 20);
  CHECK(checked_be_threshold(1, 1, nullopt) == 1);
}

TEST_CASE("checked BE threshold: a fraction gives ceil(tau K), decimals read as written", "[bounds][be_coverage]") {
  CHECK(checked_be_threshold(20, nullopt, 0.95) == 19);
  CHECK(checked_be_threshold(10, nullopt, 0.5) == 5);
  CHECK(checked_be_threshold(10, nullopt, 0.51) == 6);
  CHECK(checked_be_threshold(100, nullopt, 0.07) == 7);  // 0.07 * 100 is 7.000000000000001 in binary
  CHECK(checked_be_threshold(3, nullopt, 1e-9) == 1);
  CHECK(checked_be_threshold(3, nullopt, 1.0) == 3);
}

TEST_CASE("checked BE threshold: the messages name the options", "[bounds][be_coverage]") {
  CHECK_THROWS_WITH(checked_be_threshold(20, 0, nullopt), Equals("--threshold must be in (0, K] = (0, 20], got 0"));
  CHECK_THROWS_WITH(checked_be_threshold(20, 21, nullopt), Equals("--threshold must be in (0, K] = (0, 20], got 21"));
  CHECK_THROWS_WITH(checked_be_threshold(20, nullopt, 0.0),
                    Equals("--threshold-fraction must be in (0, 1], got 0"));
  CHECK_THROWS_WITH(checked_be_threshold(20, nullopt, 1.5),
                    Equals("--threshold-fraction must be in (0, 1], got 1.5"));
  CHECK_THROWS_WITH(checked_be_threshold(20, nullopt, nullopt),
                    Equals("give exactly one of --threshold or --threshold-fraction"));
  CHECK_THROWS_WITH(checked_be_threshold(20, 5, 0.5),
                    Equals("give exactly one of --threshold or --threshold-fraction"));
  CHECK_THROWS_AS(checked_be_threshold(20, 0, nullopt), neuroncert::invalid_argument);
  CHECK_THROWS_WITH(checked_be_threshold(20, 30, nullopt, {"t", "tau"}),
                    Equals("t must be in (0, K] = (0, 20], got 30"));
  CHECK_THROWS_WITH(checked_be_threshold(0, 1, nullopt), Equals("K must be at least 1, got 0"));
}

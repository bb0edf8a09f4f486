// Every pair metric of a binary neuron from its 2x2 counts equals the engine's value on the samples.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "neuroncert/core/all_pairs.hpp"
#include "neuroncert/core/binary_neuron_metrics.hpp"
#include "neuroncert/core/counts.hpp"
#include "neuroncert/core/error.hpp"

using namespace neuroncert;

namespace {
// Explicit samples with the given counts, in a scrambled order (the engine must not depend on it).
void samples_of(const counts2x2& k, std::vector<double>& z, std::vector<double>& c) {
  z.clear();
  c.clear();
  const std::int64_t cells[4] = {static_cast<std::int64_t>(k.f00), static_cast<std::int64_t>(k.f01),
                                 static_cast<std::int64_t>(k.f10), static_cast<std::int64_t>(k.f11)};
  for (int round = 0; round < 64; ++round)
    for (int cell = 3; cell >= 0; --cell)
      if (cells[cell] > round) {
        z.push_back(cell >= 2 ? 1.0 : 0.0);
        c.push_back(cell % 2 == 1 ? 1.0 : 0.0);
      }
}
}  // namespace

TEST_CASE("binary_neuron_metric equals pair_metric on explicit binary samples", "[lib][binary_neuron]") {
  metric_options o;
  o.binary_activations = true;
  const std::vector<counts2x2> tables = {{20, 3, 5, 7}, {30, 0, 4, 6}, {25, 5, 0, 6}, {10, 2, 9, 1},
                                         {0, 3, 4, 5},  {12, 0, 0, 0}, {8, 3, 0, 0},  {0, 0, 5, 2}};
  std::vector<double> z, c;
  for (const counts2x2& k : tables) {
    samples_of(k, z, c);
    REQUIRE(static_cast<double>(z.size()) == k.total());
    for (metric m : pair_metrics) {
      for (bool standardised : {false, true}) {
        if (standardised && m != metric::mad) continue;
        o.mad_standardised = standardised;
        const metric_value want = pair_metric(m, z, c, {}, o);
        const metric_value got = binary_neuron_metric(m, k, o);
        INFO(to_string(m) << " counts " << k.f00 << "," << k.f01 << "," << k.f10 << "," << k.f11);
        REQUIRE(got.defined() == want.defined());
        if (want.defined())
          CHECK(got.value == Approx(want.value).epsilon(1e-12).margin(1e-12));
        else
          CHECK(got.reason == want.reason);
      }
    }
  }
}

TEST_CASE("binary_neuron_metric hand-computed values and layer metrics refused", "[lib][binary_neuron]") {
  // F00=20, F01=3, F10=5, F11=7, n=35: AP = (7*7/12 + 3*10/35)/10; phi = (7*20-5*3)/sqrt(12*23*10*25).
  const counts2x2 k{20, 3, 5, 7};
  CHECK(binary_neuron_metric(metric::auprc, k).value == Approx((49.0 / 12.0 + 30.0 / 35.0) / 10.0));
  CHECK(binary_neuron_metric(metric::correlation, k).value == Approx(125.0 / std::sqrt(12.0 * 23 * 10 * 25)));
  CHECK(binary_neuron_metric(metric::mad, k).value == Approx(0.7 - 0.2));
  CHECK(binary_neuron_metric(metric::wpmi, k).value == Approx(std::log(1e-8) * 5.0 / 12.0 - std::log(10.0 / 35.0)));
  CHECK_THROWS_AS(binary_neuron_metric(metric::soft_wpmi, k), invalid_argument);
}

// Monte Carlo engine: per-replicate streams, preallocated slots, thread-count invariance.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include <boost/random/uniform_01.hpp>
#include <tbb/global_control.h>

#include "neuroncert/core/random_stream.hpp"
#include "neuroncert/sim/engine.hpp"
#include "neuroncert/sim/experiments.hpp"
#include "neuroncert/sim/tidy.hpp"

using namespace neuroncert;

namespace {
std::vector<std::string> lines(const std::vector<sim::tidy_row>& rows) {
  std::vector<std::string> out;
  for (const auto& r : rows) out.push_back(sim::to_csv_line(r));
  return out;
}

template <class F>
auto with_threads(int threads, F&& f) {
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, static_cast<std::size_t>(threads));
  return f();
}
}  // namespace

TEST_CASE("replicate j draws from make_stream(seed, j, salt)", "[sim][engine]") {
  sim::engine_options o;
  o.seed = 42;
  o.salt = sim::study_salt("test/study");
  const auto v = sim::map_replicates<std::uint64_t>(257, o, [](std::size_t, random_engine& rng) { return rng(); });
  for (std::size_t j = 0; j < v.size(); ++j) {
    random_engine e = make_stream(42, j, sim::study_salt("test/study"));
    REQUIRE(v[j] == e());
  }
  // Different studies get different streams.
  o.salt = sim::study_salt("test/other");
  const auto w = sim::map_replicates<std::uint64_t>(257, o, [](std::size_t, random_engine& rng) { return rng(); });
  CHECK(v[0] != w[0]);
}

TEST_CASE("progress reaches the total, monotonically", "[sim][engine]") {
  sim::engine_options o;
  std::vector<std::size_t> seen;
  o.progress = [&](std::size_t done, std::size_t total) {
    REQUIRE(total == 1000);
    seen.push_back(done);
  };
  sim::run_replicates(1000, o, [](std::size_t, random_engine&) {});
  REQUIRE_FALSE(seen.empty());
  CHECK(seen.back() == 1000);
  for (std::size_t i = 1; i < seen.size(); ++i) CHECK(seen[i] > seen[i - 1]);
}

TEST_CASE("experiments are bit-identical for 1 and 2 threads", "[sim][engine]") {
  sim::study_options o;
  o.seed = 7;
  o.replicates = 300;
  o.n_grid = {100, 1000, 10000};
  const auto settings = std::vector<sim::binary_setting>{sim::setting1(), sim::setting2()};
  const auto run1 = [&] { return lines(sim::run_exp1(settings, sim::paper_metrics(), o)); };
  const auto exp1_a = with_threads(1, run1);
  const auto exp1_b = with_threads(2, run1);
  REQUIRE(exp1_a.size() == exp1_b.size());
  CHECK(exp1_a == exp1_b);

  const auto runv = [&] { return lines(sim::run_validate(settings, sim::paper_metrics(), o)); };
  CHECK(with_threads(1, runv) == with_threads(2, runv));

  sim::study_options o2 = o;
  o2.replicates = 60;
  o2.n_grid = {200, 2000};
  const auto run2 = [&] { return lines(sim::run_exp2(sim::concept_set_spec{}, sim::paper_metrics(), o2)); };
  const auto exp2_a = with_threads(1, run2);
  const auto exp2_b = with_threads(2, run2);
  REQUIRE(!exp2_a.empty());
  CHECK(exp2_a == exp2_b);

  // Another seed changes the numbers.
  o.seed = 8;
  CHECK(with_threads(2, run1) != exp1_a);
}

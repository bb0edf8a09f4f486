// advise on a real pilot (issue 14): ResNet-20's penultimate layer on the first 1,000 CIFAR-100 test
// images gives a recommendation and an n; on n other test images the recommended metric's certified
// error is then at most the epsilon asked for, for every neuron.
#include "models/catch_torch.hpp"  // first: LibTorch's CHECK macro

#include <algorithm>

#include "neuroncert/bounds/certify.hpp"
#include "neuroncert/core/probing_set.hpp"
#include "neuroncert/studies/advise.hpp"
#include "neuroncert/studies/advise_records.hpp"
#include "neuroncert/studies/extract_study.hpp"

using namespace neuroncert;

namespace {

using RowMatrixF = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using RowMatrixB = Eigen::Matrix<std::uint8_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Rows [begin, begin + count) of an extraction as double matrices.
std::pair<Eigen::MatrixXd, Eigen::MatrixXd> rows_of(const studies::extracted_layer& x, Eigen::Index begin,
                                                    Eigen::Index count) {
  const auto& a = x.activations;
  const auto& c = x.concepts.matrix;
  const Eigen::Map<const RowMatrixF> acts(a.data_ptr<float>(), a.size(0), a.size(1));
  const Eigen::Map<const RowMatrixB> concepts(c.data_ptr<std::uint8_t>(), c.size(0), c.size(1));
  return {acts.middleRows(begin, count).cast<double>(), concepts.middleRows(begin, count).cast<double>()};
}

}  // namespace

TEST_CASE("advise on a CIFAR-100 pilot: the recommended metric certifies epsilon at the n it names",
          "[studies][advise][pilot]") {
  studies::extract_request request;
  request.model = "resnet20";
  request.data = "cifar100";
  request.layer = "penultimate";
  request.data_dir = NEURONCERT_DATA_DIR;
  const auto all = studies::extract_in_memory(request);  // 10,000 x 64, 120 concepts (fine + coarse)
  REQUIRE(all.activations.size(0) == 10000);

  const auto [pilot_acts, pilot_concepts] = rows_of(all, 0, 1000);
  studies::advise_settings s;
  s.epsilon = 0.05;
  s.pilot_activations = &pilot_acts;
  s.pilot_concepts = &pilot_concepts;
  s.sanity_seeds = 200;
  const auto setup = studies::advise_setup_from(s, [](std::string_view) { return false; });
  REQUIRE(setup.pilot);
  CHECK(setup.inputs.concepts == 120 - setup.pilot->concepts_left_out);
  const auto r = studies::advise_study(setup.inputs);
  const auto& best = r.summaries.front();
  REQUIRE(best.recommended);
  REQUIRE(best.n_needed);
  const std::int64_t n = *best.n_needed;
  INFO("recommended " << to_string(best.m) << ", n = " << n);
  REQUIRE(n <= 9000);  // fits in the images the pilot did not use

  const auto [acts, concepts] = rows_of(all, 1000, n);
  metric_options o;
  const auto certified = bounds::certify_identifications(make_probing_set(acts, concepts, {.reject_empty_concepts = false}),
                                                         best.m, o, setup.inputs.delta);
  double worst = 0.0;
  std::size_t bounded = 0;
  for (const auto& c : certified)
    if (c.has_bound) {
      worst = std::max(worst, c.rate);
      ++bounded;
    }
  CHECK(bounded == certified.size());
  CHECK(worst <= 0.05);
}

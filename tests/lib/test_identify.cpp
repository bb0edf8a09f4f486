#include <catch2/catch.hpp>

#include "neuroncert/core/identify.hpp"

using namespace neuroncert;

namespace {
similarity_matrix matrix(const Eigen::MatrixXd& v) {
  similarity_matrix s;
  s.value = v;
  s.reason = reason_matrix::Zero(v.rows(), v.cols());
  return s;
}
}  // namespace

TEST_CASE("identification is the argmax with ties to the lowest concept index", "[identify]") {
  Eigen::MatrixXd v(3, 4);
  v << 0.1, 0.7, 0.7, 0.2,  //
      0.9, 0.1, 0.2, 0.9,   //
      0.3, 0.3, 0.3, 0.3;
  const auto ids = identify(matrix(v));
  CHECK(ids[0].concept_index == 1);
  CHECK(ids[0].value == 0.7);
  CHECK(ids[1].concept_index == 0);
  CHECK(ids[2].concept_index == 0);
  CHECK(ids[2].skipped == 0);
}

TEST_CASE("identification skips undefined concepts and counts them", "[identify]") {
  Eigen::MatrixXd v(2, 3);
  v << 0.0, 0.4, 0.2,  //
      0.0, 0.0, 0.0;
  auto s = matrix(v);
  s.reason(0, 0) = static_cast<std::uint8_t>(undefined_reason::no_concept_positives);  // value 0 is not a score
  s.reason(0, 1) = static_cast<std::uint8_t>(undefined_reason::neuron_never_fires);
  for (int c = 0; c < 3; ++c) s.reason(1, c) = static_cast<std::uint8_t>(undefined_reason::zero_variance_activation);
  const auto ids = identify(s);
  CHECK(ids[0].concept_index == 2);
  CHECK(ids[0].value == 0.2);
  CHECK(ids[0].skipped == 2);
  CHECK_FALSE(ids[1].found());
  CHECK(ids[1].skipped == 3);
}

TEST_CASE("negative similarities are still maximised", "[identify]") {
  Eigen::MatrixXd v(1, 3);
  v << -0.5, -0.2, -0.9;
  CHECK(identify(matrix(v))[0].concept_index == 1);
}

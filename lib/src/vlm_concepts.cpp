#include "neuroncert/core/vlm_concepts.hpp"

#include <cmath>

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include "neuroncert/core/checks.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/range_checks.hpp"

namespace neuroncert {
namespace {

/// The rows scaled to norm 1, after checking them: not empty, finite, no zero row.
Eigen::MatrixXd unit_rows(const Eigen::MatrixXd& m, std::string_view source) {
  if (m.rows() == 0 || m.cols() == 0)
    throw data_error(fmt::format("{}: empty matrix ({} x {})", source, m.rows(), m.cols()));
  for (Eigen::Index i = 0; i < m.rows(); ++i)
    for (Eigen::Index j = 0; j < m.cols(); ++j)
      if (!std::isfinite(m(i, j)))
        throw data_error(fmt::format("{}: non-finite value {} at row {}, column {}", source, m(i, j), i, j));
  Eigen::MatrixXd out = m;
  for (Eigen::Index i = 0; i < m.rows(); ++i) {
    const double norm = m.row(i).norm();
    if (!(norm > 0.0)) throw data_error(fmt::format("{}: row {} has norm 0 (it cannot be L2-normalised)", source, i));
    out.row(i) /= norm;
  }
  return out;
}

/// 1 / (1 + exp(-x)) without overflow for either sign.
double sigmoid(double x) {
  if (x >= 0.0) return 1.0 / (1.0 + std::exp(-x));
  const double e = std::exp(x);
  return e / (1.0 + e);
}

}  // namespace

void check_vlm_concept_options(const vlm_concept_options& o) {
  if (o.link == vlm_link::softmax) {
    check_positive("temperature", o.temperature);
  } else {
    check_positive("scale", o.scale);
    if (!std::isfinite(o.shift)) throw invalid_argument(fmt::format("shift must be finite, got {}", o.shift));
  }
}

vlm_concept_options vlm_concept_settings(std::string_view link, std::optional<double> temperature,
                                         std::optional<double> scale, std::optional<double> shift) {
  vlm_concept_options o;
  if (link == "sigmoid") {
    reject_unused_option("--temperature", temperature.has_value(),
                         "with --sigmoid (it is the softmax's a; the sigmoid takes --scale)");
    if (!scale || !shift)
      throw invalid_argument("--sigmoid needs --scale A and --shift B (per model; Neuron_Eval's SigLIP: 58 and -0.13)");
    o.link = vlm_link::sigmoid;
    o.scale = *scale;
    o.shift = *shift;
    if (!(o.scale > 0.0)) throw invalid_argument(fmt::format("--scale must be positive and finite, got {}", o.scale));
  } else if (link == "softmax") {
    reject_unused_option("--scale", scale.has_value(), "with --softmax (give --sigmoid)");
    reject_unused_option("--shift", shift.has_value(), "with --softmax (give --sigmoid)");
    o.temperature = temperature.value_or(10.0);
    if (!(o.temperature > 0.0))
      throw invalid_argument(fmt::format("--temperature must be positive and finite, got {}", o.temperature));
  } else {
    throw invalid_argument(fmt::format("the link must be softmax or sigmoid, got '{}'", link));
  }
  check_vlm_concept_options(o);
  return o;
}

Eigen::MatrixXd concepts_from_embeddings(const Eigen::MatrixXd& images, const Eigen::MatrixXd& texts,
                                         const vlm_concept_options& o, const vlm_sources& sources) {
  check_vlm_concept_options(o);
  if (images.rows() > 0 && texts.rows() > 0 && images.cols() != texts.cols())
    throw data_error(fmt::format("{}: embedding width {} differs from {} in {} (the same model must embed both)",
                                 sources.texts, texts.cols(), images.cols(), sources.images));
  const Eigen::MatrixXd e = unit_rows(images, sources.images), t = unit_rows(texts, sources.texts);
  Eigen::MatrixXd p(e.rows(), t.rows());
  // Rows of images in parallel; each row is the same operations whatever the thread count.
  tbb::parallel_for(tbb::blocked_range<Eigen::Index>(0, e.rows(), 64), [&](const tbb::blocked_range<Eigen::Index>& r) {
    for (Eigen::Index i = r.begin(); i < r.end(); ++i) {
      Eigen::RowVectorXd s(t.rows());
      for (Eigen::Index c = 0; c < t.rows(); ++c) s(c) = e.row(i).dot(t.row(c));
      if (o.link == vlm_link::softmax) {
        const Eigen::RowVectorXd x = o.temperature * s;
        const double top = x.maxCoeff();
        double sum = 0.0;
        for (Eigen::Index c = 0; c < x.size(); ++c) sum += std::exp(x(c) - top);
        for (Eigen::Index c = 0; c < x.size(); ++c) p(i, c) = std::exp(x(c) - top) / sum;
      } else {
        for (Eigen::Index c = 0; c < s.size(); ++c) p(i, c) = sigmoid(o.scale * (s(c) + o.shift));
      }
    }
  });
  return p;
}

}  // namespace neuroncert

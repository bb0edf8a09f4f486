#pragma once
// Concept probabilities from a vision-language model's embeddings (docs/theory.md sec. 2.3), for
// probing sets without labels: image embeddings E (n x d, e.g. a CLIP image encoder's outputs)
// and text embeddings T (|C| x d, the encoder's embeddings of the concept names).
//
// Both are L2-normalised per row here (as CLIP-Dissect does), so raw encoder outputs can be
// given; S = E T^T holds the cosines (n x |C|). Then, per image x_i and concept c:
//   softmax (CLIP-Dissect):        P(c | x_i) = exp(a S_ic) / sum_c' exp(a S_ic')
//   sigmoid (Neuron_Eval, SigLIP): P(c | x_i) = 1 / (1 + exp(-a (S_ic + b)))
// Everything is computed in float64; the softmax subtracts each row's maximum first (the same
// value, without overflow). The result is a concept matrix for `identify --concepts`.
// Theory: docs/theory.md sec. 2.3 (concepts from embeddings, CLIP-Dissect).
#include <optional>
#include <string_view>

#include <Eigen/Core>

namespace neuroncert {

enum class vlm_link {
  softmax,  ///< over the concepts of a S (CLIP-Dissect; a = 10 for soft_wpmi, 2 for its WPMI)
  sigmoid,  ///< of a (S + b) per concept (Neuron_Eval; per-model a, b such as 58, -0.13)
};

struct vlm_concept_options {
  vlm_link link = vlm_link::softmax;
  double temperature = 10.0;  ///< softmax: a, finite and > 0
  double scale = 1.0;         ///< sigmoid: a, finite and > 0
  double shift = 0.0;         ///< sigmoid: b, finite
};

/// The names the errors use for the inputs (file paths, or argument names in Python).
struct vlm_sources {
  std::string_view images = "image embeddings", texts = "text embeddings";
};

/// n x |C| probabilities. data_error naming the source: an empty matrix, widths that differ,
/// a non-finite entry (first row and column), a row of norm zero; invalid_argument for bad options.
Eigen::MatrixXd concepts_from_embeddings(const Eigen::MatrixXd& images, const Eigen::MatrixXd& texts,
                                         const vlm_concept_options& options, const vlm_sources& sources = {});

/// The options of `link` ("softmax" or "sigmoid") from the values a user gave (nullopt: not
/// given; the softmax's temperature defaults to 10), checked before any file is read: a value the
/// link does not read is refused, and the sigmoid needs both its scale and its shift. The CLI and
/// the Python package share it, and its messages name the CLI's options (--temperature, ...).
vlm_concept_options vlm_concept_settings(std::string_view link, std::optional<double> temperature,
                                         std::optional<double> scale, std::optional<double> shift);

/// Validates the options alone (CLI and Python check them before reading any file).
void check_vlm_concept_options(const vlm_concept_options& options);

}  // namespace neuroncert

#pragma once
// Samplers of the binary synthetic settings (docs/theory.md sec. 6.1, 6.2), through sufficient
// statistics and, as the test oracle, sample by sample.
//
// A 2x2 cell-probability matrix M = [[W00, W01], [W10, W11]] (rows neuron f = 0/1, columns
// concept c = 0/1) is stored in a counts2x2 {f00 = W00, f01 = W01, f10 = W10, f11 = W11}; the
// core metrics applied to it give the population values (binary_metric(m, M)).
//
// All draws use Boost.Random distributions on the caller's engine, so results are identical with
// every standard library. Binomial draws are boost::random::binomial_distribution<int64, double>.
// Theory: docs/theory.md sec. 6.1 (Experiment 1), sec. 6.2 (Experiment 2).
#include <cstdint>
#include <string_view>
#include <vector>

#include "neuroncert/core/counts.hpp"
#include "neuroncert/core/random_stream.hpp"

namespace neuroncert::sim {

/// Throws invalid_argument (naming `what`) unless every cell is finite and >= 0 and the cells sum
/// to 1 within 1e-9.
void check_cell_matrix(const counts2x2& m, std::string_view what = "matrix");

/// Parses "m00,m01,m10,m11" (the --matrix option) and checks it. Throws invalid_argument.
counts2x2 parse_cell_matrix(std::string_view text, std::string_view what = "--matrix");

/// X ~ Binomial(trials, p), p clamped to [0,1] (so rounding in ratios of cells is harmless).
std::int64_t draw_binomial(random_engine& rng, std::int64_t trials, double p);

/// Counts of one dataset of n i.i.d. samples: Multinomial(n, M), drawn as a chain of binomials
///   F00 ~ Bin(n, W00), F01 ~ Bin(n - F00, W01/(1 - W00)), F10 ~ Bin(rest, W10/(W10 + W11)),
///   F11 = the remainder.  O(1) per dataset.
counts2x2 draw_counts(random_engine& rng, std::int64_t n, const counts2x2& m);

/// The oracle: draws each sample's cell (one uniform per sample) and counts. O(n).
counts2x2 draw_counts_per_sample(random_engine& rng, std::int64_t n, const counts2x2& m);

// ---- Experiment 2 (docs/theory.md sec. 6.2) ------------------------------------------------------

struct concept_set_spec {
  double a = 0.05;               ///< neuron firing rate, in (0,1)
  std::int64_t num_concepts = 1000;
  double rho_min = 1e-4;         ///< rho_c ~ log-uniform on (rho_min, rho_max), 0 < rho_min < rho_max < 1
  double rho_max = 1e-1;
};

/// Throws invalid_argument unless the spec is valid (a in (0,1), |C| >= 1, 0 < rho_min < rho_max,
/// a + rho_max <= 1 so that W00 >= 0).
void check_concept_set_spec(const concept_set_spec& spec);

/// Draws |C| population matrices: rho_c log-uniform, W11 ~ U(0, min(a, rho_c)), W10 = a - W11,
/// W01 = rho_c - W11, W00 = 1 - a - rho_c + W11. Every matrix has margins a (neuron) and rho_c.
std::vector<counts2x2> draw_concept_matrices(random_engine& rng, const concept_set_spec& spec);

/// Sufficient statistics of one dataset against every concept (the neuron is shared): N1 ~ Bin(n, a)
/// once, then per concept F11 ~ Bin(N1, W11/a), F01 ~ Bin(n - N1, W01/(1-a)). O(|C|).
/// Every matrix must have neuron margin W10 + W11 = a (as draw_concept_matrices makes them).
std::vector<counts2x2> draw_concept_counts(random_engine& rng, std::int64_t n, double a,
                                           const std::vector<counts2x2>& matrices);

/// The oracle: draws f_i ~ Bernoulli(a) for each sample, then c_i | f_i for every concept
/// (P(c=1|f=1) = W11/a, P(c=1|f=0) = W01/(1-a)), and counts. O(n |C|).
std::vector<counts2x2> draw_concept_counts_per_sample(random_engine& rng, std::int64_t n, double a,
                                                      const std::vector<counts2x2>& matrices);

}  // namespace neuroncert::sim

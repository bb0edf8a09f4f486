#pragma once
// The generalisation gap of neuron identification (docs/theory.md sec. 4, paper Cor. 3.2): with probability
// >= 1 - delta, sim(c_hat) >= sim(c*) - gap.
// Theory: docs/theory.md sec. 4 (rates and the generalisation gap).
#include <cstdint>
#include <span>

#include "neuroncert/bounds/rates.hpp"

namespace neuroncert::bounds {

/// Uniform gap, Corollary 3.2: 2 r(n, delta/|C|) with the rate of `spec` (n is m for the ESS kind).
/// This is also the smallest margin Delta that n samples resolve (docs/theory.md sec. 4.1).
/// delta in (0,1), num_concepts >= 1. +infinity when the rate is (ESS with m = 0).
double uniform_gap(const rate_spec& spec, double n, double delta, std::int64_t num_concepts);

/// Accuracy shorthand: 2 sqrt(ln(2|C|/delta) / (2n)).
double uniform_gap_accuracy(double n, double delta, std::int64_t num_concepts);

/// Smallest margin Delta resolvable with n samples, docs/theory.md sec. 4.1: Delta = 2 r(n, delta/|C|).
/// Same value as uniform_gap; named for the planning use.
double resolvable_margin(const rate_spec& spec, double n, double delta, std::int64_t num_concepts);

/// Per-concept gap (docs/theory.md sec. 4, valid when rates differ per concept): r_{c_hat} + r_{c*},
/// both already computed at delta/|C|. Rates >= 0; +infinity allowed (and returned).
double per_concept_gap(double rate_c_hat, double rate_c_star);

/// Worst case over concepts when c* is unknown: r_{c_hat} + max_c r_c (rates at delta/|C|).
/// concept_rates must be non-empty, entries >= 0 (+infinity allowed).
double worst_case_gap(double rate_c_hat, std::span<const double> concept_rates);

}  // namespace neuroncert::bounds

#include "neuroncert/sim/sampling.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string>

#include <boost/random/bernoulli_distribution.hpp>
#include <boost/random/binomial_distribution.hpp>
#include <boost/random/uniform_01.hpp>
#include <boost/random/uniform_real_distribution.hpp>
#include <fmt/format.h>

#include "neuroncert/core/checks.hpp"
#include "neuroncert/core/error.hpp"

namespace neuroncert::sim {

void check_cell_matrix(const counts2x2& m, std::string_view what) {
  const double cells[4] = {m.f00, m.f01, m.f10, m.f11};
  for (double c : cells)
    if (!std::isfinite(c) || c < 0.0)
      throw invalid_argument(fmt::format("{}: cells must be finite and >= 0, got {},{},{},{}", what, m.f00, m.f01,
                                         m.f10, m.f11));
  const double s = m.total();
  if (std::abs(s - 1.0) > 1e-9)
    throw invalid_argument(fmt::format("{}: cells must sum to 1, got {} ({},{},{},{})", what, s, m.f00, m.f01,
                                       m.f10, m.f11));
}

counts2x2 parse_cell_matrix(std::string_view text, std::string_view what) {
  double v[4];
  std::size_t pos = 0;
  for (int i = 0; i < 4; ++i) {
    const std::size_t comma = text.find(',', pos);
    const bool last = i == 3;
    if (last != (comma == std::string_view::npos))
      throw invalid_argument(fmt::format("{}: expected 4 comma-separated numbers m00,m01,m10,m11, got '{}'", what, text));
    const std::string_view field = text.substr(pos, last ? std::string_view::npos : comma - pos);
    const std::string s(field);
    std::size_t used = 0;
    try {
      v[i] = std::stod(s, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (s.empty() || used != s.size())
      throw invalid_argument(fmt::format("{}: '{}' is not a number (expected m00,m01,m10,m11)", what, field));
    pos = comma + 1;
  }
  const counts2x2 m{v[0], v[1], v[2], v[3]};
  check_cell_matrix(m, what);
  return m;
}

std::int64_t draw_binomial(random_engine& rng, std::int64_t trials, double p) {
  if (trials <= 0 || !(p > 0.0)) return 0;
  if (p >= 1.0) return trials;
  boost::random::binomial_distribution<std::int64_t, double> d(trials, p);
  return d(rng);
}

namespace {
double ratio_or_zero(double num, double den) { return den > 0.0 ? num / den : 0.0; }

/// draw_binomial, keeping Boost's distribution while (trials, p) repeat: its set-up costs more than a
/// draw, and a draw depends only on (trials, p) and the engine, so the draws are draw_binomial's.
class repeated_binomial {
 public:
  std::int64_t operator()(random_engine& rng, std::int64_t trials, double p) {
    if (trials <= 0 || !(p > 0.0)) return 0;
    if (p >= 1.0) return trials;
    if (!(trials == trials_ && p == p_)) {
      d_ = boost::random::binomial_distribution<std::int64_t, double>(trials, p);
      trials_ = trials;
      p_ = p;
    }
    return d_(rng);
  }

 private:
  boost::random::binomial_distribution<std::int64_t, double> d_;
  std::int64_t trials_ = -1;
  double p_ = -1.0;
};
}  // namespace

counts2x2 draw_counts(random_engine& rng, std::int64_t n, const counts2x2& m) {
  const std::int64_t f00 = draw_binomial(rng, n, m.f00);
  const std::int64_t rest0 = n - f00;
  const std::int64_t f01 = draw_binomial(rng, rest0, ratio_or_zero(m.f01, m.f01 + m.f10 + m.f11));
  const std::int64_t rest1 = rest0 - f01;
  const std::int64_t f10 = draw_binomial(rng, rest1, ratio_or_zero(m.f10, m.f10 + m.f11));
  const std::int64_t f11 = rest1 - f10;
  return {static_cast<double>(f00), static_cast<double>(f01), static_cast<double>(f10), static_cast<double>(f11)};
}

counts2x2 draw_counts_per_sample(random_engine& rng, std::int64_t n, const counts2x2& m) {
  boost::random::uniform_01<double> u;
  const double t0 = m.f00, t1 = t0 + m.f01, t2 = t1 + m.f10;
  std::int64_t k[4] = {0, 0, 0, 0};
  for (std::int64_t i = 0; i < n; ++i) {
    const double x = u(rng);
    ++k[x < t0 ? 0 : x < t1 ? 1 : x < t2 ? 2 : 3];
  }
  return {static_cast<double>(k[0]), static_cast<double>(k[1]), static_cast<double>(k[2]), static_cast<double>(k[3])};
}

void check_concept_set_spec(const concept_set_spec& spec) {
  check_open_unit("neuron rate a", spec.a);
  check_at_least("number of concepts", spec.num_concepts, 1);
  check_open_unit("rho_min", spec.rho_min);
  check_open_unit("rho_max", spec.rho_max);
  if (!(spec.rho_min < spec.rho_max))
    throw invalid_argument(fmt::format("rho_min ({}) must be below rho_max ({})", spec.rho_min, spec.rho_max));
  if (spec.a + spec.rho_max > 1.0)
    throw invalid_argument(fmt::format("a + rho_max must be <= 1, got {} + {}", spec.a, spec.rho_max));
}

std::vector<counts2x2> draw_concept_matrices(random_engine& rng, const concept_set_spec& spec) {
  check_concept_set_spec(spec);
  const double a = spec.a;
  boost::random::uniform_real_distribution<double> log_rho(std::log(spec.rho_min), std::log(spec.rho_max));
  boost::random::uniform_01<double> u;
  std::vector<counts2x2> out(static_cast<std::size_t>(spec.num_concepts));
  for (counts2x2& w : out) {
    const double rho = std::exp(log_rho(rng));
    const double w11 = u(rng) * std::min(a, rho);
    w.f11 = w11;
    w.f10 = a - w11;
    w.f01 = rho - w11;
    w.f00 = 1.0 - a - rho + w11;
  }
  return out;
}

std::vector<counts2x2> draw_concept_counts(random_engine& rng, std::int64_t n, double a,
                                           const std::vector<counts2x2>& matrices) {
  const std::int64_t n1 = draw_binomial(rng, n, a);
  const std::int64_t n0 = n - n1;
  std::vector<counts2x2> out(matrices.size());
  repeated_binomial positives, negatives;  // concepts with equal matrices (BE coverage) share the set-up
  for (std::size_t c = 0; c < matrices.size(); ++c) {
    const std::int64_t f11 = positives(rng, n1, matrices[c].f11 / a);
    const std::int64_t f01 = negatives(rng, n0, matrices[c].f01 / (1.0 - a));
    out[c] = {static_cast<double>(n0 - f01), static_cast<double>(f01), static_cast<double>(n1 - f11),
              static_cast<double>(f11)};
  }
  return out;
}

std::vector<counts2x2> draw_concept_counts_per_sample(random_engine& rng, std::int64_t n, double a,
                                                      const std::vector<counts2x2>& matrices) {
  boost::random::uniform_01<double> u;
  std::vector<counts2x2> out(matrices.size());
  for (std::int64_t i = 0; i < n; ++i) {
    const bool f = u(rng) < a;
    for (std::size_t c = 0; c < matrices.size(); ++c) {
      const double p1 = f ? matrices[c].f11 / a : matrices[c].f01 / (1.0 - a);
      const bool ci = u(rng) < p1;
      counts2x2& k = out[c];
      if (f)
        (ci ? k.f11 : k.f10) += 1.0;
      else
        (ci ? k.f01 : k.f00) += 1.0;
    }
  }
  return out;
}

}  // namespace neuroncert::sim

#pragma once
// True coverage of the bootstrap-ensemble (BE) prediction set (docs/theory.md sec. 5 and 6.4; a question the
// paper leaves open): how often does Algorithm 1's set S contain the population-best concept c*, next
// to the corrected Theorem 4.1 bound, its tightened form and the paper's printed eq. 9?
//
// Model (a concept set with a known best concept and margin):
//   neuron   f ~ Bernoulli(a) per sample (a = firing_rate; a fixed binary neuron, as the bounds assume);
//   concept j (j = 0..|C|-1) agrees with f independently of everything else with probability acc_j:
//            c_j = f with probability acc_j, 1 - f otherwise, i.e. P(c_j=1 | f=1) = acc_j and
//            P(c_j=1 | f=0) = 1 - acc_j. The concepts are conditionally independent given f.
//   acc_0 = acc* (best_accuracy), acc_j = acc* - Delta for j >= 1, so the population accuracy of concept
//   j is acc_j, c* = concept 0 and the margin of assumption (2) is exactly Delta.
//   Joint law of (f, c_j), as a 2x2 cell matrix (rows f, columns c):
//            W11 = a acc_j, W10 = a (1 - acc_j), W01 = (1 - a)(1 - acc_j), W00 = (1 - a) acc_j.
//   Identification uses the accuracy metric on binary activations (the bound's Hoeffding rate), ties to
//   the lowest concept index (so a tie with c* goes to c*).
//
// Two ways to get the K identifications of one replicate:
//   bootstrap  one probing set D of n samples and K bootstrap resamples of it (multiplicities
//              Multinomial(n, 1/n): n uniform picks of a sample each). Each resample's identification
//              is the core's accuracy of the weighted 2x2 counts and the core's identify_neuron:
//              exactly what the core's bootstrap_ensemble(D, accuracy, binary activations) counts for
//              the same multiplicities (be_resample_identifications; tested equal), i.e. what a user
//              runs. For speed the replicate never forms D: the resamples are drawn first, then D's
//              N1 ~ Bin(n, a) firing samples (the samples are exchangeable) and, per concept, the
//              samples that disagree with f (a Bernoulli(1 - acc_j) process, by geometric gaps), and
//              each disagreeing sample adds its K multiplicities to its concept's counts in one
//              vector add. O(n K + K nnz / 8) per replicate, nnz ~ n |C| (1 - acc).
//   fresh      K new probing sets are drawn from P (what assumption (3) of the theorem assumes). Only
//              the 2x2 counts matter for accuracy, so they are drawn through sufficient statistics
//              (sampling.hpp's draw_concept_counts: N1 ~ Bin(n, a), then per concept F11 ~ Bin(N1,
//              acc_j), F01 ~ Bin(n - N1, 1 - acc_j)), which has exactly the law of per-sample drawing
//              (tested against it); identification is core's identify_neuron on the accuracies.
// Algorithm 1 then uses threshold t (default t = ceil(0.95 K)); c* is covered when 0 is in S.
//
// Bounds per cell: p = p_from_margin(accuracy, n, Delta, |C|) = min(1, 2|C| exp(-n Delta^2 / 2)),
// bound_corrected = P(Bin(K, p) <= t - 1), bound_tightened = P(Bin(K, p) <= max(t, ceil(K/2)) - 1),
// bound_paper_eq9_at_t = the paper's printed eq. 9 at k(S) = t; and the pairwise bound of
// bounds/be_pairwise.hpp with the setting's own disagreement d = P(c* != c_j) = acc* (1 - acc_j) +
// (1 - acc*) acc_j (the same for every runner-up; be_disagreement): p_pairwise =
// p_from_disagreement(n, Delta, d, |C|), bound_pairwise = P(Bin(K, p_pairwise) <= t - 1).
//
// Caveat (also in the JSON metadata): assumption (3) treats the K bootstrap resamples as fresh probing
// sets from P; real resamples come from D, so the guarantee is heuristic for the bootstrap; the
// simulation measures true coverage.
//
// Monte Carlo: for every (n, |C|, Delta) and method, the study
// "be-coverage/n=N;C=M;Delta=D;acc=A;a=F/<method>" draws replicate j from make_stream(seed, j, salt) on
// the engine; a bootstrap replicate draws its max(K) resamples and then D from that stream. All K of
// a replicate share its D and its first K resamples (bootstrap), or its first K fresh sets (fresh):
// the K-sweep uses common random numbers, and each replicate draws max(K) resamples, not sum(K).
//
// Tidy rows: experiment "be-coverage", setting "C=M;Delta=D;K=K;t=T" (no commas), metric "accuracy",
// n = the probing-set size, quantities:
//   p_from_margin, bound_corrected, bound_tightened, bound_paper_eq9_at_t, disagreement, p_pairwise,
//   bound_pairwise,
//   bound_corrected_curve, bound_tightened_curve and bound_pairwise_curve: the three bounds on a fine
//   log grid of Delta (cells
//   whose Delta is not a simulated margin; no coverage rows), for drawing the bound as a curve,
//   and per method (suffix _bootstrap or _fresh): coverage_<m> (fraction of replicates with c* in S),
//   coverage_<m>_cp_lower / coverage_<m>_cp_upper (two-sided 95% Clopper-Pearson interval),
//   mean_set_size_<m> (mean |S|), cstar_frequency_<m> (mean k*/K), replicates_<m>.
// Theory: docs/theory.md sec. 5.3 (Theorem 4.1, corrected), sec. 6.4 (validation of the bounds).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "neuroncert/core/bootstrap.hpp"
#include "neuroncert/core/counts.hpp"
#include "neuroncert/core/probing_set.hpp"
#include "neuroncert/core/random_stream.hpp"
#include "neuroncert/sim/tidy.hpp"

namespace neuroncert::sim {

/// The caveat written into the JSON metadata of the experiment.
inline constexpr const char* be_coverage_sim_caveat =
    "assumption (3) treats the K bootstrap resamples as fresh probing sets from P; real resamples come from D, "
    "so the guarantee is heuristic for the bootstrap; the simulation measures true coverage";

struct be_coverage_setting {
  std::int64_t n = 1000;             ///< probing-set size, >= 1
  std::int64_t num_concepts = 10;    ///< |C| >= 2
  double margin = 0.05;              ///< Delta in (0,1)
  double best_accuracy = 0.8;        ///< acc* in (0,1], with acc* - Delta >= 0
  double firing_rate = 0.1;          ///< a in (0,1)
};

/// Throws invalid_argument naming the bad field ("margin Delta", "best accuracy", ...).
void check_be_coverage_setting(const be_coverage_setting& s);

/// The disagreement rate P(c*(x) != c_j(x)) between c* and each runner-up j of the model (the same for
/// every j): acc* (1 - acc_j) + (1 - acc*) acc_j, acc_j = acc* - Delta (conditionally independent given f).
double be_disagreement(const be_coverage_setting& s);

/// The |C| population cell matrices W of (f, c_j) (see the header comment).
std::vector<counts2x2> be_concept_matrices(const be_coverage_setting& s);

/// One probing set drawn sample by sample: activations n x 1 (the binary neuron f), concepts n x |C|.
/// Per sample: f ~ Bernoulli(a), then for each concept one uniform u, c_j = f if u < acc_j else 1 - f.
probing_set draw_be_probing_set(random_engine& rng, const be_coverage_setting& s);

/// Bootstrap size K and BE threshold t of Algorithm 1.
struct be_design {
  std::int64_t resamples = 100;  ///< K >= 1
  std::int64_t threshold = 95;   ///< t in [1, K]
};

/// Throws invalid_argument naming "K (number of resamples)" or "threshold t" when K < 1 or t is outside [1, K].
void check_be_design(const be_design& d);

/// Designs with t = ceil(tau K) (bounds::threshold_from_fraction) for each K. tau in (0, 1].
std::vector<be_design> be_designs_from_fraction(const std::vector<std::int64_t>& resamples, double tau);

enum class be_identifications { bootstrap, fresh };
std::string method_name(be_identifications m);  ///< "bootstrap" | "fresh"

/// One replicate, for each design: whether c* = 0 is in S, |S| and k*.
struct be_replicate {
  std::vector<std::uint8_t> covered;
  std::vector<std::int64_t> set_size;
  std::vector<std::int64_t> cstar_count;
};
be_replicate be_coverage_replicate(random_engine& rng, const be_coverage_setting& s,
                                   const std::vector<be_design>& designs, be_identifications method);

/// The identification on each of K bootstrap resamples of one probing set D drawn from the model
/// (bootstrap method, see the header comment; resamples, then D, from `rng`): entry r is the concept
/// identified on resample r, so the first K' entries are the ensemble of K' resamples. n < 2^32.
std::vector<std::int64_t> be_bootstrap_identifications(random_engine& rng, const be_coverage_setting& s,
                                                       std::int64_t resamples);

/// The same identifications for a given probing set (one binary neuron, dense 0/1 concepts) and
/// given multiplicities (row r = resample r, as the core's resample_multiplicities): the ensemble
/// counts of these identifications are bootstrap_ensemble(set, multiplicities, accuracy with binary
/// activations). Invalid_argument for another shape or non-binary values.
std::vector<std::int64_t> be_resample_identifications(const probing_set& set, const multiplicity_matrix& w);

/// The concept identified on one fresh probing set drawn through sufficient statistics (-1 never
/// happens for accuracy; kept for the general contract of identify_neuron).
std::int64_t be_fresh_identification(random_engine& rng, const be_coverage_setting& s,
                                     const std::vector<counts2x2>& matrices);

struct be_coverage_options {
  std::vector<std::int64_t> n_grid = {1000, 10000};  // 10,000: the size of a CIFAR test set
  std::vector<std::int64_t> concept_counts = {10, 100};
  std::vector<double> margins = {0.005, 0.01, 0.02, 0.03, 0.05, 0.1};
  /// Points of the fine Delta grid of the *_curve rows (log-spaced from min(margins)/2 to
  /// min(2 max(margins), 0.99)); 0 = no curve rows.
  std::int64_t bound_curve_points = 60;
  std::vector<be_design> designs = be_designs_from_fraction({10, 20, 50, 100}, 0.95);
  double best_accuracy = 0.8;
  double firing_rate = 0.1;
  std::int64_t replicates = 200;
  std::uint64_t seed = 1;
  std::vector<be_identifications> methods = {be_identifications::bootstrap, be_identifications::fresh};
  /// Optional progress (study name, done, total).
  std::function<void(const std::string&, std::size_t, std::size_t)> progress;
};

/// Throws invalid_argument naming the bad field.
void check_be_coverage_options(const be_coverage_options& o);

/// Runs the whole grid; tidy rows as documented above.
std::vector<tidy_row> run_be_coverage(const be_coverage_options& o);

/// JSON metadata: the model, the grid, replicates, seed, the bound formulas and the caveat.
nlohmann::json be_coverage_metadata(const be_coverage_options& o);

}  // namespace neuroncert::sim

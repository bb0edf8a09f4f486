#pragma once
// The SIEVE study (Ji et al., arXiv 2603.24953; docs/theory.md sec. 7) on labelled images, run by
// `neuroncert sieve` and by the figures job.
//
// Offline variant of the paper: hypotheses come from the probe half of the data set, verification
// images from the disjoint held-out half. Split (deterministic): within each fine class, in index
// order, the first ceil(n_c/2) images are probe images and the rest held out, so both halves hold
// every class (CIFAR-100 test: 5,000 + 5,000, 50 + 50 per fine class, 250 + 250 per coarse class).
// Concepts: the 100 fine and 20 coarse labels (0/1); G_h = held-out images labelled h.
// Feature vectors for clustering: the whole layer's activations of the neuron's top probe samples.
// Ablation: Select off = every neuron of the layer; Cluster off = the top samples form one cluster;
// Verify off = no mean-AR filter.
// Theory: docs/theory.md sec. 7 (SIEVE).
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include "neuroncert/bounds/activation_rate.hpp"
#include "neuroncert/core/output_files.hpp"
#include "neuroncert/core/sieve.hpp"
#include "neuroncert/studies/activation_cache.hpp"
#include "neuroncert/studies/record.hpp"

namespace neuroncert::studies {

/// Probe / held-out halves of a labelled data set with a model layer's activations.
struct sieve_data {
  Eigen::MatrixXd probe_acts, probe_concepts, held_acts, held_concepts;
  std::vector<std::string> concept_names;
  std::string model_name;
  std::int64_t images = 0;
};

struct sieve_data_options {
  std::string model, layer, data = "cifar100", pool = "auto";
  std::filesystem::path data_dir;
  std::filesystem::path cache;  ///< activations .npy cache (empty: none); read if present, else written
  stale_cache stale = stale_cache::refuse;  ///< a cache made from something else: refused, or rebuilt
  long long limit = 0, batch_size = 256;   ///< limit >= 0 (0 = all), batch size >= 1: checked by the caller
  int threads = 0, min_verification_images = 20;
  note_callback note;  ///< the activation cache's notes (extracting, rebuilding); set, also the extractor's bar
};

/// Loads the model and data, checks the data set name, the layer and the held-out concept sizes
/// (before any forward pass), extracts (or reads the cached) activations and splits them
/// (split_by_class on the fine labels).
sieve_data load_sieve_data(const sieve_data_options& o);

/// What `sieve` reports about one neuron besides run_sieve's own result.
struct sieve_neuron_summary {
  std::size_t kept = 0;                 ///< its kept hypotheses
  std::optional<std::size_t> best;      ///< its hypothesis with the highest AR (first on ties)
  std::optional<double> silhouette;     ///< mean silhouette at the chosen number of clusters (>= 2)
};

/// SIEVE on the probe / held-out halves, with the exact-binomial statistics of every hypothesis.
struct sieve_report {
  sieve_result result;
  std::vector<bounds::activation_rate_stats> stats;  ///< per hypothesis, at (delta, alpha)
  std::vector<sieve_neuron_summary> neurons;         ///< per neuron of result.neurons
  std::size_t selected = 0;   ///< neurons with ratio > beta
  std::size_t undefined = 0;  ///< neurons whose ratio is undefined (median <= 0)
  std::size_t significant = 0;
  double largest_ratio = 0.0;
};

sieve_report sieve_study(const sieve_data& d, const sieve_options& options, double delta, double alpha);

/// One row of the ablation / comparison table (SIEVE Table 4 analogue).
struct ablation_row {
  std::string method;  ///< "sieve" or "identify:<metric>"
  std::string select, cluster, verify;  ///< "on" / "off" / "-" (identification)
  std::size_t neurons = 0, hypotheses = 0, kept = 0;
  std::optional<double> mean_ar;  ///< absent when there is no hypothesis (e.g. no neuron selected)
};

/// The eight Select x Cluster x Verify combinations, then plain identification by every core metric
/// (argmax over the concepts on the probe half) scored by the same AR yardstick, over all neurons.
std::vector<ablation_row> sieve_ablation(const sieve_data& d, const sieve_options& base);

/// An ablation row of one model, as written: the CSV has the model first, the JSON leaves it out.
struct ablation_record {
  std::string_view model;
  const ablation_row& row;
};
const record_layout<ablation_record>& ablation_layout();

/// The records `neuroncert sieve` writes: one per neuron (PREFIX_neurons.csv, "neurons") and one
/// per hypothesis (PREFIX_hypotheses.csv, "hypotheses"), each field described once for both files.
struct sieve_neuron_record {
  const sieve_neuron& n;
  const sieve_neuron_summary& s;
  const sieve_report& rep;
  const std::vector<std::string>& names;
};

struct sieve_hypothesis_record {
  const sieve_hypothesis& h;
  const bounds::activation_rate_stats& s;
  const std::string& name;
};
const record_layout<sieve_neuron_record>& sieve_neuron_layout();
const record_layout<sieve_hypothesis_record>& sieve_hypothesis_layout();

/// Where and at which levels a `neuroncert sieve` run is written.
struct sieve_output {
  std::string prefix;  ///< PREFIX_neurons.csv, PREFIX_hypotheses.csv, PREFIX.json (+ PREFIX_ablation.csv)
  double delta = 0.05, alpha = 0.05;
};

/// Writes a run's records (and, when `ablation` is given, PREFIX_ablation.csv; otherwise an earlier
/// run's is removed on commit) and PREFIX.json, all staged in `outputs`, which the caller commits.
/// Returns the JSON report as written.
nlohmann::json write_sieve(const sieve_data_options& data, const sieve_options& options, const sieve_output& out,
                           const sieve_data& d, const sieve_report& rep, const std::vector<ablation_row>* ablation,
                           io::output_transaction& outputs);

/// The figures job: SIEVE on ResNet-20 (penultimate) and ViT (cls) on CIFAR-100, activations cached
/// in `data_out`; writes data_out/sieve_ar.csv (returned: per hypothesis AR and Clopper-Pearson
/// interval), data_out/sieve_ablation.csv and figures_out/sieve_ablation.md, staged in `outputs`.
std::filesystem::path sieve_figure_data(const std::filesystem::path& cifar_dir, const std::filesystem::path& data_out,
                                        const std::filesystem::path& figures_out, bool quick, int threads,
                                        io::output_transaction& outputs);

}  // namespace neuroncert::studies

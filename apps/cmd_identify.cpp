// neuroncert identify: explain every neuron by its best concept, with certified intervals and gaps;
// with --bootstrap K also the stability of the explanation (studies/identify_report.hpp). This file
// parses the options, calls the study and its writer (studies/identify_records.hpp: PREFIX.csv and
// PREFIX.json and, with the bootstrap, PREFIX_bootstrap.csv and PREFIX_be_sets.csv) and reports.
#include <sys/resource.h>

#include <cstdlib>
#include <filesystem>
#include <limits>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "neuroncert/bounds/be_coverage.hpp"
#include "neuroncert/core/bootstrap.hpp"
#include "neuroncert/core/checks.hpp"
#include "neuroncert/core/clip_dissect.hpp"
#include "neuroncert/core/communicator.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/range_checks.hpp"
#include "neuroncert/core/row_shards.hpp"
#include "neuroncert/core/thread_limit.hpp"
#include "neuroncert/studies/identify_report.hpp"
#include "neuroncert/studies/probing_bundle.hpp"
#include "neuroncert/studies/identify_records.hpp"
#include "neuroncert/studies/metric_settings.hpp"
#include "neuroncert/studies/sharded_identify.hpp"
#include "option_checks.hpp"
#include "option_table.hpp"
#include "run_context.hpp"

namespace neuroncert::cli {
namespace {

struct identify_args {
  std::string activations, concepts, concept_names, metric_name, out = "identification", orientation_name = "paper";
  // Sharded inputs and MPI (studies/sharded_identify.hpp, docs/sharded_inputs.md).
  std::string activation_shards, concept_shards, rank_memory;
  std::int64_t block_neurons = 0;
  bool plan_only = false;
  double alpha = 0.05, delta = 0.05, wpmi_lambda = 1.0, wpmi_eps = 1e-8, min_support = 0.0;
  // CLIP-Dissect's scores: their defaults depend on the metric, so a value counts only when given.
  std::int64_t top_k = 0;
  double cd_lambda = 0.0, p_start = 0.0, p_end = 0.0, cd_eps = 0.0;
  bool binary = false, auroc_strict = false, mad_standardised = false;
  int threads = 0;
  // Bootstrap (docs/theory.md sec. 5.1); `bootstrap` = 0 means off, the CLI11 counts tell what was given.
  std::int64_t bootstrap = 0, threshold = 0;
  double threshold_fraction = 0.95;
  std::uint64_t seed = 20251218;
  bool progress = false, no_progress = false;
  CLI::Option *bootstrap_opt = nullptr, *threshold_opt = nullptr, *fraction_opt = nullptr, *seed_opt = nullptr;
  const CLI::App* cmd = nullptr;  ///< to tell which options were given
};

// ---- the command -----------------------------------------------------------------------------

/// The metric's options, checked, and refused where the metric does not read them (studies/metric_settings.hpp).
metric_options options_of(const identify_args& a, metric m) {
  studies::metric_settings s;
  s.alpha = a.alpha;
  s.binary = a.binary;
  s.orientation = a.orientation_name;
  s.auroc_strict = a.auroc_strict;
  s.mad_standardised = a.mad_standardised;
  s.wpmi_lambda = a.wpmi_lambda;
  s.wpmi_eps = a.wpmi_eps;
  const auto given = given_on(*a.cmd);
  // CLIP-Dissect's defaults depend on the metric, so a value counts only when given.
  if (given("--top-k")) s.top_k = a.top_k;
  if (given("--cd-lambda")) s.cd_lambda = a.cd_lambda;
  if (given("--p-start")) s.p_start = a.p_start;
  if (given("--p-end")) s.p_end = a.p_end;
  if (given("--cd-eps")) s.cd_eps = a.cd_eps;
  return studies::metric_options_for(m, s, given);
}

/// The BE threshold t from the options (0 without --bootstrap), validated against K.
std::int64_t be_threshold(const identify_args& a) {
  if (a.bootstrap_opt->count() == 0) {
    if (a.threshold_opt->count() + a.fraction_opt->count() + a.seed_opt->count() > 0)
      throw invalid_argument("--threshold, --threshold-fraction and --seed need --bootstrap K");
    return 0;
  }
  if (a.bootstrap < 1) throw invalid_argument(fmt::format("--bootstrap K must be at least 1, got {}", a.bootstrap));
  if (a.bootstrap > max_resamples)
    throw invalid_argument(
        fmt::format("--bootstrap K must be at most {} (the paper uses 100), got {}", max_resamples, a.bootstrap));
  // --threshold-fraction has a default, so it counts only when --threshold is not given.
  const bool given = a.threshold_opt->count() > 0;
  return bounds::checked_be_threshold(a.bootstrap, given ? std::optional(a.threshold) : std::nullopt,
                                      given ? std::nullopt : std::optional(a.threshold_fraction));
}

void print_summary(const identify_args& a, const studies::identify_dimensions& set, metric m,
                   const studies::identify_report& r, const nlohmann::json& boot) {
  fmt::print("identify: {} samples, {} neurons, {} concepts, metric {}\n", set.samples, set.neurons,
             set.concepts, to_string(m));
  fmt::print("  identified {}/{} neurons, mean estimate {:.4f}\n", r.identified, set.neurons, r.mean_estimate);
  if (r.bounded) {
    fmt::print("  mean certified gap to the best concept {:.4f} (delta {} over {} concepts){}\n", r.mean_gap, a.delta,
               set.concepts,
               r.gap_vacuous ? fmt::format("; vacuous (gap 1) for {} neurons", r.gap_vacuous) : std::string());
    fmt::print("  certified sets: {}/{} neurons certified unique, mean |S_cert| {:.2f}; c_LCB differs from the "
               "argmax for {} neurons{}\n", r.certified_unique, r.bounded, r.mean_set_size, r.lcb_differs,
               a.min_support > 0 ? fmt::format(" (concepts with at least {} positives)", a.min_support) : std::string());
  }
  else if (is_layer_metric(m))
    fmt::print("  {} has no closed-form bound (its marginal depends on every neuron of the layer): use --bootstrap "
               "for stability\n", to_string(m));
  else
    fmt::print("  {} has no closed-form bound: use the bootstrap for stability\n", to_string(m));
  if (boot.is_null()) {
    fmt::print("  wrote {}.csv and {}.json\n", a.out, a.out);
    return;
  }
  const auto& sm = boot["summary"];
  fmt::print("  bootstrap K = {}, t = {}: mean top-1 frequency {:.3f}, mean 90%-coverage set size {:.2f}, "
             "mean BE set size {:.2f} ({:.1f} s)\n",
             a.bootstrap, boot["threshold"].get<std::int64_t>(), sm["mean_top1_frequency"].get<double>(),
             sm["mean_coverage90_size"].get<double>(), sm["mean_be_set_size"].get<double>(),
             boot["seconds"].get<double>());
  fmt::print("  wrote {}.csv, {}_bootstrap.csv, {}_be_sets.csv and {}.json\n", a.out, a.out, a.out, a.out);
}

std::string gib(double bytes) { return studies::memory_text(bytes); }

/// This process's peak resident memory, in bytes.
double peak_resident_bytes() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) * 1024.0;
}

studies::sharded_identify_request sharded_request(const identify_args& a, metric m, const metric_options& options,
                                                  std::int64_t threshold) {
  communicator& comm = world();
  studies::sharded_identify_request q;
  q.activation_shards = a.activation_shards.empty()
                            ? std::vector<std::filesystem::path>{a.activations}
                            : io::shard_paths("--activations-shards", a.activation_shards);
  q.concept_shards = a.concept_shards.empty()
                         ? std::vector<std::filesystem::path>{a.concepts}
                         : io::shard_paths("--concepts-shards", a.concept_shards, /*with_directories=*/true);
  q.names = a.concept_names;
  q.which = m;
  q.options = options;
  q.delta = a.delta;
  q.min_support = a.min_support;
  if (threshold > 0) q.bootstrap = studies::stability_options{a.bootstrap, threshold, a.seed, {}, {}};
  q.rank_memory_bytes = a.rank_memory.empty() ? studies::default_rank_memory(comm.size())
                                              : parse_memory_size("--rank-memory", a.rank_memory);
  check_count("--block-neurons", a.block_neurons, 0, std::numeric_limits<std::int64_t>::max(), "neurons per round");
  q.block_neurons = a.block_neurons;
  q.progress = draw_progress(comm.rank() == 0 && want_progress(a.progress, a.no_progress), "neurons");
  return q;
}

void print_plan(const studies::rank_memory_plan& p) {
  fmt::print("  {} rank{}: up to {} neurons each, in {} round{} of {} neurons\n", p.ranks, p.ranks == 1 ? "" : "s",
             p.neurons_per_rank, p.rounds, p.rounds == 1 ? "" : "s", p.block);
  fmt::print("  memory per rank (planned): {} at the peak, of a budget of {} (--rank-memory): concepts {}, one "
             "round's exchange {}, compute {}, results on rank 0 {}\n",
             gib(p.total_bytes), gib(p.budget_bytes), gib(p.concept_bytes), gib(p.exchange_bytes),
             gib(p.compute_bytes), gib(p.result_bytes));
}

/// identify on row shards, in this process or over the ranks of an MPI job: rank 0 writes.
void run_identify_sharded(const identify_args& a, metric m, const metric_options& options, std::int64_t threshold) {
  communicator& comm = world();
  const bool root = comm.rank() == 0;
  const auto q = sharded_request(a, m, options, threshold);
  if (a.plan_only) {
    const auto d = studies::plan_sharded(comm, q);
    if (!root) return;
    fmt::print("identify --plan-only: {} samples, {} neurons, {} concepts ({} nonzeros), metric {}\n", d.plan.samples,
               d.plan.neurons, d.plan.concepts, d.plan.nonzeros, to_string(m));
    print_plan(d.plan);
    fmt::print("  calibration: {} neurons per rank{} in {:.2f} s; estimated time {:.0f} s (the slowest rank's time "
               "per neuron{}, times its neurons)\n",
               d.calibration_neurons,
               d.calibration_resamples ? fmt::format(" with {} resamples", d.calibration_resamples) : std::string(),
               d.calibration_seconds, d.estimated_seconds,
               d.calibration_resamples ? fmt::format(" and per resample, times K = {}", a.bootstrap) : std::string());
    fmt::print("  nothing written (--plan-only)\n");
    return;
  }
  auto r = studies::identify_sharded(comm, q);
  nlohmann::json json;
  on_every_rank(comm, [&] {  // rank 0 writes; a failure there is every rank's
    if (!root) return;
    studies::identify_output out{a.out, a.activation_shards.empty() ? a.activations : a.activation_shards,
                                 a.concept_shards.empty() ? a.concepts : a.concept_shards, a.delta, std::nullopt,
                                 std::nullopt, {}};
    out.metadata = {{"sharded", {{"ranks", r.plan.ranks}, {"rounds", r.plan.rounds}, {"block_neurons", r.plan.block},
                                 {"rank_memory_planned_bytes", r.plan.total_bytes},
                                 {"rank_memory_budget_bytes", r.plan.budget_bytes}}}};
    if (threshold > 0) {
      out.bootstrap = studies::stability_options{a.bootstrap, threshold, a.seed, {}, {}};
      if (a.threshold_opt->count() == 0) out.threshold_fraction = a.threshold_fraction;
    }
    const studies::identify_dimensions dims{r.plan.samples, r.plan.neurons, r.plan.concepts};
    io::output_transaction outputs;
    json = studies::write_identify(
        r.names, dims, m, options, r.report, out,
        [&](const studies::stability_options& o) {
          for (const auto& s : r.stability->neurons) o.neuron_finished(s);
          return std::move(*r.stability);
        },
        outputs);
    commit_outputs(outputs);
  });
  const auto peaks = comm.all_gather(fmt::format("{}", peak_resident_bytes()));
  if (!root) return;
  print_summary(a, {r.plan.samples, r.plan.neurons, r.plan.concepts}, m, r.report, json.value("bootstrap", nlohmann::json()));
  print_plan(r.plan);
  std::string measured;
  for (std::size_t k = 0; k < peaks.size(); ++k) measured += (k ? ", " : "") + gib(std::stod(peaks[k]));
  fmt::print("  peak resident memory per rank (measured): {}\n", measured);
}

void run_identify(const identify_args& a) {
  const metric m = parse_metric(a.metric_name);
  check_output_prefix("--out", a.out);
  check_threads("--threads", a.threads);
  check_open_unit("--delta", a.delta);
  if (a.activations.empty() == a.activation_shards.empty())
    throw invalid_argument("give the activations as --activations FILE or as --activations-shards LIST (one of them)");
  if (a.concepts.empty() == a.concept_shards.empty())
    throw invalid_argument("give the concepts as --concepts PATH or as --concepts-shards LIST (one of them)");
  const bool sharded = !a.activation_shards.empty() || !a.concept_shards.empty() || world().size() > 1;
  if (!sharded)
    for (const char* option : {"--plan-only", "--rank-memory", "--block-neurons"})
      reject_if_given(*a.cmd, option, "without sharded inputs: it plans a run over --activations-shards or mpirun");
  studies::check_min_support("--min-support", a.min_support, m);
  const metric_options options = options_of(a, m);
  const std::int64_t threshold = be_threshold(a);
  // Ranks on one machine share its cores: by default each takes its share, not all of them.
  int threads = a.threads;
  if (threads == 0 && world().size() > 1) {
    threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()) /
                              studies::ranks_on_this_node(world().size()));
  }
  const thread_limit limit(threads);
  if (sharded) return run_identify_sharded(a, m, options, threshold);

  const auto bundle = studies::load_probing_bundle(a.activations, a.concepts, a.concept_names);
  if (is_layer_metric(m))
    check_count("--top-k", clip_dissect_settings(m, options).top_k, 1, bundle.set.samples(),
                "each neuron's most active probing samples");
  if (threshold > 0)
    check_memory("--bootstrap",
                 bootstrap_memory_bytes(bundle.set.samples(), bundle.set.neurons(), a.bootstrap,
                                        bundle.set.concept_count()),
                 "the resamples' multiplicities, winners and per-resample concept counts");
  const auto report = studies::identify_and_certify(bundle.set, m, options, a.delta, a.min_support);

  studies::identify_output out{a.out, a.activations, a.concepts, a.delta, std::nullopt, std::nullopt, {}};
  if (threshold > 0) {
    out.bootstrap = studies::stability_options{a.bootstrap, threshold, a.seed, {}, {}};
    out.bootstrap->progress = draw_progress(want_progress(a.progress, a.no_progress), "neuron-resamples");
    if (a.threshold_opt->count() == 0) out.threshold_fraction = a.threshold_fraction;
  }
  io::output_transaction outputs;
  const nlohmann::json json = studies::write_identify(bundle, m, options, report, out, outputs);
  commit_outputs(outputs);
  print_summary(a, {bundle.set.samples(), bundle.set.neurons(), bundle.set.concept_count()}, m, report,
                json.value("bootstrap", nlohmann::json()));
}

}  // namespace
void register_identify(CLI::App& app) {
  auto a = std::make_shared<identify_args>();
  auto* cmd = app.add_subcommand("identify", "Explain every neuron by its best concept, with certified intervals");
  add_options(*cmd, {
      {"--activations", &a->activations, "Activations .npy, n samples x F neurons", existing_file},
      {"--concepts", &a->concepts, "Concepts: a .npy, n samples x |C| (0/1 or probabilities), or a CSR directory "
                                   "(indptr.npy, indices.npy, [data.npy], shape.npy; docs/sharded_inputs.md)"},
      {"--activations-shards", &a->activation_shards,
       "Activations as row shards instead: a comma-separated list of .npy files (rows x F each, in row order) or a "
       "directory of them (name order); memory-mapped, read by blocks of neurons (docs/sharded_inputs.md)"},
      {"--concepts-shards", &a->concept_shards,
       "Concepts as row shards instead: a list or a directory of .npy files and CSR directories, in row order"},
      {"--rank-memory", &a->rank_memory,
       "Sharded runs: the memory one process (rank) may use, e.g. 4G (default: half the machine's memory, shared "
       "among the ranks on it); the run is planned to fit it or refused"},
      {"--block-neurons", &a->block_neurons,
       "Sharded runs: neurons per rank per round (default 0: the most --rank-memory allows); results do not depend on it"},
      {"--plan-only", &a->plan_only, "Sharded runs: print each rank's memory and an estimated time from a short "
                                     "calibration round, then stop without writing anything"},
      {"--metric", &a->metric_name,
       "Similarity metric: " + metric_names() +
           ". soft_wpmi and cd_wpmi are CLIP-Dissect's soft-WPMI and WPMI (cd_: not Oikarinen et al.'s wpmi) on "
           "concept probabilities (neuroncert concepts): log P(c | a neuron's top-k samples) minus lambda times its "
           "mean over the layer's neurons",
       required},
      {"--alpha", &a->alpha, "Top-alpha fraction that binarises a neuron, in (0,1)", show_default},
      {"--delta", &a->delta, "Failure probability of the certificates, in (0,1)", show_default},
      {"--min-support", &a->min_support, "Certified set and c_LCB: only concepts with at least this many positives "
                                         "in the probing set (the union bound still counts every concept)", show_default},
      {"--binary", &a->binary, "Activations are already 0/1 (no binarisation; AUROC from 2x2 counts)"},
      {"--orientation", &a->orientation_name,
       "Recall/precision orientation: paper (neuron predicts concept) or neuron-eval (transpose)", show_default},
      {"--auroc-strict", &a->auroc_strict, "Strict AUROC (TPR*TNR) of a binary neuron, as the paper's Table 1"},
      {"--mad-standardised", &a->mad_standardised, "Divide MAD by std(z | c=0) (CoSy)"},
      {"--wpmi-lambda", &a->wpmi_lambda, "WPMI lambda", show_default},
      {"--wpmi-eps", &a->wpmi_eps, "WPMI clamp eps in log(max(c, eps)), in (0,1)", show_default},
      {"--top-k", &a->top_k, "soft_wpmi, cd_wpmi: each neuron's top-k samples, in [1, n] (default 100 for "
                             "soft_wpmi, 28 for cd_wpmi)"},
      {"--cd-lambda", &a->cd_lambda, "soft_wpmi, cd_wpmi: lambda, the weight of the layer marginal (default 1 for "
                                     "soft_wpmi, 0.6 for cd_wpmi)"},
      {"--p-start", &a->p_start, "soft_wpmi: weight of the most active sample, in (0,1] (default 0.998)"},
      {"--p-end", &a->p_end, "soft_wpmi: the weights fall linearly towards p_end, in (0,1] (default 0.97)"},
      {"--cd-eps", &a->cd_eps, "soft_wpmi, cd_wpmi: eps inside every log, in (0,1) (default 1e-7)"},
      {"--concept-names", &a->concept_names, "Text file with one concept name per line", existing_file},
      {"--out", &a->out, "Output prefix: writes PREFIX.csv and PREFIX.json (and the bootstrap files)", show_default},
      {"--threads", &a->threads, "Worker threads (0 = all cores); results do not depend on it", show_default},
      {"--bootstrap", &a->bootstrap, "Bootstrap ensemble with K resamples: selection frequencies, BE sets "
                                     "(writes PREFIX_bootstrap.csv and PREFIX_be_sets.csv)"},
      {"--threshold-fraction", &a->threshold_fraction, "BE threshold as a fraction tau in (0,1]: t = ceil(tau K)",
       show_default},
      {"--threshold", &a->threshold, "BE threshold t in (0, K] (instead of tau)"},
      {"--seed", &a->seed, "Seed of the bootstrap resamples (unsigned 64-bit integer)", show_default},
      {"--progress", &a->progress, "Always draw the bootstrap progress bar (default: when stderr is a terminal)"},
      {"--no-progress", &a->no_progress, "Never draw the progress bar"},
  });
  cmd->get_option("--orientation")->check(CLI::IsMember({"paper", "neuron-eval"}));
  cmd->get_option("--concepts")->check(CLI::ExistingPath);
  a->bootstrap_opt = cmd->get_option("--bootstrap");
  a->fraction_opt = cmd->get_option("--threshold-fraction");
  a->threshold_opt = cmd->get_option("--threshold")->excludes(a->fraction_opt);
  a->seed_opt = cmd->get_option("--seed");
  a->cmd = cmd;
  cmd->callback([a] { run_identify(*a); });
}

}  // namespace neuroncert::cli

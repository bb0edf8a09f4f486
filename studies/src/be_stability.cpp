// The BE-stability study (be_stability.hpp). Activations are extracted in-process (models library)
// once and cached in the figures' data folder as .npy, so a second figures run reuses them.
#include "neuroncert/studies/be_stability.hpp"

#include <algorithm>
#include <chrono>
#include <string>

#include <fmt/format.h>

#include "neuroncert/bounds/be_coverage.hpp"
#include "neuroncert/bounds/certify.hpp"
#include "neuroncert/bounds/rate_basis.hpp"
#include "neuroncert/core/bootstrap.hpp"
#include "neuroncert/core/csv.hpp"
#include "neuroncert/core/json_io.hpp"
#include "neuroncert/core/quantile.hpp"
#include "neuroncert/core/thread_limit.hpp"
#include "neuroncert/studies/activation_cache.hpp"
#include "neuroncert/studies/provenance.hpp"

namespace neuroncert::studies {

namespace fs = std::filesystem;

namespace {

/// The `top` most frequent concepts (count > 0) of one neuron, as bars.
void add_bars(const std::vector<std::int64_t>& counts, Eigen::Index neuron, std::int64_t K, int top,
              std::vector<frequency_bar>& bars) {
  std::vector<Eigen::Index> order(counts.size());
  for (std::size_t c = 0; c < order.size(); ++c) order[c] = static_cast<Eigen::Index>(c);
  std::stable_sort(order.begin(), order.end(), [&](Eigen::Index x, Eigen::Index y) {
    return counts[static_cast<std::size_t>(x)] > counts[static_cast<std::size_t>(y)];
  });
  for (int rank = 0; rank < top && rank < static_cast<int>(order.size()) &&
                     counts[static_cast<std::size_t>(order[static_cast<std::size_t>(rank)])] > 0;
       ++rank) {
    const auto c = order[static_cast<std::size_t>(rank)];
    bars.push_back({neuron, rank + 1, c, static_cast<double>(counts[static_cast<std::size_t>(c)]) / static_cast<double>(K)});
  }
}

}  // namespace

stability_table stability_by_metric(const probing_set& set, std::int64_t K, std::uint64_t seed, metric shown,
                                    int chosen_neurons, int top_concepts, const progress_callback& progress) {
  stability_table out;
  const std::int64_t t95 = bounds::threshold_from_fraction(0.95, K);
  const double F = static_cast<double>(set.neurons());
  std::int64_t done = 0;
  for (metric m : pair_metrics) {
    bootstrap_request q;
    q.which = m;
    q.resamples = K;
    q.seed = seed;
    const auto e = bootstrap_ensemble(set, q);
    metric_stability s{m, 0.0, 0.0, 0.0, false, {}, 0, 0};
    if (bounds::rate_kind_for(m)) {
      s.certified = true;
      for (const auto& id : bounds::certify_identifications(set, m, {}, certified_delta)) {
        s.certified_set_sizes.push_back(static_cast<std::int64_t>(id.candidates.members.size()));
        s.certified_unique += id.candidates.unique() ? 1 : 0;
        s.lcb_changes += id.candidates.lcb_concept != id.concept_index ? 1 : 0;
      }
    }
    std::vector<std::int64_t> counts(static_cast<std::size_t>(set.concept_count()));
    for (Eigen::Index f = 0; f < set.neurons(); ++f) {
      for (Eigen::Index c = 0; c < set.concept_count(); ++c) counts[static_cast<std::size_t>(c)] = e.counts(f, c);
      const auto sm = summarize_stability(counts, K);
      s.top1_frequency_mean += sm.top1_frequency;
      s.coverage90_size_mean += static_cast<double>(sm.coverage90_size);
      s.be95_size_mean += static_cast<double>(be_prediction_set(counts, t95).concepts.size());
      if (m == shown && f < chosen_neurons) add_bars(counts, f, K, top_concepts, out.bars);
    }
    s.top1_frequency_mean /= F;
    s.coverage90_size_mean /= F;
    s.be95_size_mean /= F;
    out.metrics.push_back(s);
    if (progress) progress(to_string(m), ++done, static_cast<std::int64_t>(std::size(pair_metrics)));
  }
  return out;
}

fs::path be_stability_figure_data(const fs::path& out, const fs::path& cifar_dir, std::uint64_t seed, bool quick,
                                  int threads, io::output_transaction& outputs) {
  const std::int64_t K = quick ? 20 : 100;
  const std::int64_t limit = quick ? 2000 : 0;
  constexpr int kChosen = 4;  // neurons shown in the Fig. 5-style bar charts
  constexpr int kTop = 8;     // concepts per bar chart
  const metric shown = metric::auroc;
  struct model_spec {
    std::string model, layer;
  };
  const std::vector<model_spec> specs = {{"resnet20", "penultimate"}, {"vit", "cls"}};
  const thread_limit limit_threads(threads);

  const fs::path csv_path = out / "be_stability.csv", freq_path = out / "be_stability_freq.csv",
                 table_path = out / "be_stability_tables.md", sets_path = out / "be_stability_certified_sets.csv";
  io::csv_writer csv(csv_path, {"experiment", "setting", "metric", "n", "quantity", "value"}, &outputs);
  io::csv_writer freq(freq_path, {"setting", "metric", "neuron", "rank", "concept", "concept_name", "frequency"},
                      &outputs);
  io::csv_writer sets(sets_path, {"setting", "metric", "neuron", "certified_set_size"}, &outputs);
  std::string table = fmt::format(
      "# Bootstrap stability on CIFAR-100 (120 concepts), K = {}{}\n\n"
      "Average over neurons of the top-1 frequency and of the size of the set covering 90% of the resamples "
      "(the paper's Tables 3 and 4), and of the BE set (tau = 0.95). For the metrics with a certificate, the "
      "certified set S_cert at delta = {} (per neuron, the concepts that may be the best one; it contains the best "
      "with probability >= 1 - delta, without the bootstrap's fresh-sample assumption): its mean size, its "
      "quartiles, how many neurons it certifies unique (|S_cert| = 1), and how many neurons change their "
      "explanation from the plain argmax to c_LCB, the concept with the highest certified lower bound.\n",
      K, quick ? " (--quick: first 2000 images)" : "", certified_delta);
  nlohmann::json meta = run_metadata({{"experiment", "be-stability"}, {"seed", seed}, {"resamples", K},
                                      {"images", limit > 0 ? limit : 10000}, {"figure_metric", to_string(shown)}});
  const auto start = std::chrono::steady_clock::now();
  for (const auto& spec : specs) {
    const auto data = load_or_extract(spec.model, spec.layer, "cifar100", limit, out, cifar_dir, threads);
    const auto set = make_probing_set(data.activations, data.concepts);
    table += fmt::format("\n## {} {} ({} neurons, {} images)\n\n| metric | top-1 frequency | 90%-coverage set size | "
                         "BE set size (tau 0.95) | mean S_cert size | S_cert quartiles | certified unique | "
                         "c_LCB != argmax |\n|---|---|---|---|---|---|---|---|\n",
                         spec.model, spec.layer, set.neurons(), set.samples());
    const auto st = stability_by_metric(set, K, seed, shown, kChosen, kTop);
    for (const auto& b : st.bars)
      freq.write_row({spec.model, to_string(shown), b.neuron, b.rank, b.concept_index,
                      data.names[static_cast<std::size_t>(b.concept_index)], b.frequency});
    for (const auto& s : st.metrics) {
      csv.write_row({"be-stability", spec.model, to_string(s.which), K, "top1_frequency_mean", s.top1_frequency_mean});
      csv.write_row({"be-stability", spec.model, to_string(s.which), K, "coverage90_size_mean", s.coverage90_size_mean});
      csv.write_row({"be-stability", spec.model, to_string(s.which), K, "be95_size_mean", s.be95_size_mean});
      std::string cert = " - | - | - | - |";
      if (s.certified) {
        std::vector<double> sizes(s.certified_set_sizes.begin(), s.certified_set_sizes.end());
        double mean = 0.0;
        for (std::size_t f = 0; f < sizes.size(); ++f) {
          mean += sizes[f];
          sets.write_row({spec.model, to_string(s.which), f, s.certified_set_sizes[f]});
        }
        mean /= static_cast<double>(sizes.size());
        csv.write_row({"be-stability", spec.model, to_string(s.which), K, "certified_set_size_mean", mean});
        csv.write_row({"be-stability", spec.model, to_string(s.which), K, "certified_unique", s.certified_unique});
        csv.write_row({"be-stability", spec.model, to_string(s.which), K, "lcb_changes", s.lcb_changes});
        cert = fmt::format(" {:.1f} | {:g} / {:g} / {:g} | {} / {} | {} |", mean, quantile_type7(sizes, 0.25),
                           quantile_type7(sizes, 0.5), quantile_type7(sizes, 0.75), s.certified_unique, sizes.size(),
                           s.lcb_changes);
      }
      table += fmt::format("| {} | {:.3f} | {:.2f} | {:.2f} |{}\n", to_string(s.which), s.top1_frequency_mean,
                           s.coverage90_size_mean, s.be95_size_mean, cert);
    }
  }
  csv.close();
  freq.close();
  sets.close();
  meta["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  meta["certified_delta"] = certified_delta;
  meta["files"] = {{"summary", csv_path.filename().string()}, {"frequencies", freq_path.filename().string()},
                   {"certified_sets", sets_path.filename().string()},
                   {"tables", table_path.filename().string()}};
  io::write_text_file(table_path, table, &outputs);
  io::write_json(out / "be_stability.json", meta, &outputs);
  return csv_path;
}

}  // namespace neuroncert::studies

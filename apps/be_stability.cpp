// The figures job "be-stability" (THEORY.md sec. 5 and 6.5; the paper's Fig. 5 and Tables 3-4):
// bootstrap stability of ResNet-20 penultimate and ViT CLS neurons on the CIFAR-100 test set
// against its 120 concepts (100 fine + 20 coarse classes), one row per metric.
// Activations are extracted in-process (models library) once and cached in the figures' data
// folder as .npy, so a second figures run reuses them.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "be_stability.hpp"
#include "commands.hpp"
#include "neuroncert/bounds/be_coverage.hpp"
#include "neuroncert/core/bootstrap.hpp"
#include "neuroncert/core/csv.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/json_io.hpp"
#include "neuroncert/core/thread_limit.hpp"
#include "real_activations.hpp"
#include "run_context.hpp"

namespace neuroncert::cli {
namespace {

namespace fs = std::filesystem;

struct model_spec {
  std::string model, layer;
};

}  // namespace

std::string run_be_stability_tables(const std::string& data_dir, const std::string& cifar_dir, std::uint64_t seed,
                                    bool quick, int threads, io::output_transaction& outputs) {
  const fs::path out(data_dir);
  const std::int64_t K = quick ? 20 : 100;
  const std::int64_t limit = quick ? 2000 : 0;
  constexpr int kChosen = 4;  // neurons shown in the Fig. 5-style bar charts
  constexpr int kTop = 8;     // concepts per bar chart
  const metric shown = metric::auroc;
  const std::vector<model_spec> specs = {{"resnet20", "penultimate"}, {"vit", "cls"}};
  const thread_limit limit_threads(threads);

  const fs::path csv_path = out / "be_stability.csv", freq_path = out / "be_stability_freq.csv",
                 table_path = out / "be_stability_tables.md";
  io::csv_writer csv(csv_path, {"experiment", "setting", "metric", "n", "quantity", "value"}, &outputs);
  io::csv_writer freq(freq_path, {"setting", "metric", "neuron", "rank", "concept", "concept_name", "frequency"},
                      &outputs);
  std::string table = fmt::format(
      "# Bootstrap stability on CIFAR-100 (120 concepts), K = {}{}\n\n"
      "Average over neurons of the top-1 frequency and of the size of the set covering 90% of the resamples "
      "(the paper's Tables 3 and 4), and of the BE set (tau = 0.95).\n",
      K, quick ? " (--quick: first 2000 images)" : "");
  nlohmann::json meta = run_metadata({{"experiment", "be-stability"}, {"seed", seed}, {"resamples", K},
                                      {"images", limit > 0 ? limit : 10000}, {"figure_metric", to_string(shown)}});
  const auto start = std::chrono::steady_clock::now();
  for (const auto& spec : specs) {
    const auto data = load_or_extract(spec.model, spec.layer, "cifar100", limit, out, cifar_dir, threads);
    const auto set = make_probing_set(data.activations, data.concepts);
    const std::int64_t t95 = bounds::threshold_from_fraction(0.95, K);
    table += fmt::format("\n## {} {} ({} neurons, {} images)\n\n| metric | top-1 frequency | 90%-coverage set size | "
                         "BE set size (tau 0.95) |\n|---|---|---|---|\n",
                         spec.model, spec.layer, set.neurons(), set.samples());
    for (metric m : all_metrics) {
      bootstrap_request q;
      q.which = m;
      q.resamples = K;
      q.seed = seed;
      const auto e = bootstrap_ensemble(set, q);
      double top1 = 0.0, cov = 0.0, be = 0.0;
      std::vector<std::int64_t> counts(static_cast<std::size_t>(set.concept_count()));
      for (Eigen::Index f = 0; f < set.neurons(); ++f) {
        for (Eigen::Index c = 0; c < set.concept_count(); ++c) counts[static_cast<std::size_t>(c)] = e.counts(f, c);
        const auto s = summarize_stability(counts, K);
        top1 += s.top1_frequency;
        cov += static_cast<double>(s.coverage90_size);
        be += static_cast<double>(be_prediction_set(counts, t95).concepts.size());
        if (m == shown && f < kChosen) {
          std::vector<Eigen::Index> order(counts.size());
          for (std::size_t c = 0; c < order.size(); ++c) order[c] = static_cast<Eigen::Index>(c);
          std::stable_sort(order.begin(), order.end(), [&](Eigen::Index x, Eigen::Index y) {
            return counts[static_cast<std::size_t>(x)] > counts[static_cast<std::size_t>(y)];
          });
          for (int rank = 0; rank < kTop && counts[static_cast<std::size_t>(order[rank])] > 0; ++rank)
            freq.write_row({spec.model, to_string(m), f, rank + 1, order[rank],
                            data.names[static_cast<std::size_t>(order[rank])],
                            static_cast<double>(counts[static_cast<std::size_t>(order[rank])]) / static_cast<double>(K)});
        }
      }
      const double F = static_cast<double>(set.neurons());
      csv.write_row({"be-stability", spec.model, to_string(m), K, "top1_frequency_mean", top1 / F});
      csv.write_row({"be-stability", spec.model, to_string(m), K, "coverage90_size_mean", cov / F});
      csv.write_row({"be-stability", spec.model, to_string(m), K, "be95_size_mean", be / F});
      table += fmt::format("| {} | {:.3f} | {:.2f} | {:.2f} |\n", to_string(m), top1 / F, cov / F, be / F);
    }
  }
  csv.close();
  freq.close();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  meta["seconds"] = seconds;
  meta["files"] = {{"summary", csv_path.filename().string()}, {"frequencies", freq_path.filename().string()},
                   {"tables", table_path.filename().string()}};
  io::write_text_file(table_path, table, &outputs);
  io::write_json(out / "be_stability.json", meta, &outputs);
  return csv_path.string();
}

}  // namespace neuroncert::cli

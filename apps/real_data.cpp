// The figures job "real-data" (THEORY.md sec. 6.5): the App. H.2 analogue on final-layer neurons
// and the certified identification of penultimate neurons against the 120 CIFAR-100 concepts.
// CIFAR-10 test images are JPEG-decoded (labels official), so model accuracies differ slightly from
// the bit-exact set; the subsampling population is this JPEG-decoded test set.
#include "real_data.hpp"

#include <chrono>
#include <fstream>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "neuroncert/bounds/certify.hpp"
#include "neuroncert/core/csv.hpp"
#include "neuroncert/core/json_io.hpp"
#include "neuroncert/core/probing_set.hpp"
#include "neuroncert/core/thread_limit.hpp"
#include "neuroncert/sim/subsample_study.hpp"
#include "neuroncert/sim/tidy.hpp"
#include "real_activations.hpp"
#include "run_context.hpp"

namespace neuroncert::cli {
namespace {

namespace fs = std::filesystem;

struct layer_spec {
  std::string model, layer;
};

// The metrics of App. H.2 (F1 has neither a bound nor a role in the paper's figure).
const std::vector<metric> kStudyMetrics = {metric::accuracy, metric::recall,      metric::precision,
                                           metric::iou,      metric::auroc,       metric::auprc,
                                           metric::correlation, metric::mad,    metric::wpmi};

bool is_coarse(const std::string& name) { return name.rfind("coarse:", 0) == 0; }

}  // namespace

fs::path run_real_data(const fs::path& cifar_dir, const fs::path& out, std::uint64_t seed, bool quick, int threads,
                       io::output_transaction& outputs) {
  const thread_limit limit_threads(threads);
  const std::int64_t limit = quick ? 2000 : 0;
  const std::int64_t replicates = quick ? 40 : 500;
  const std::vector<std::int64_t> grid =
      quick ? std::vector<std::int64_t>{100, 300, 1000} : std::vector<std::int64_t>{100, 200, 300, 500, 1000, 2000, 3000, 5000};
  constexpr double delta = 0.05;
  const auto start = std::chrono::steady_clock::now();
  nlohmann::json meta = run_metadata({{"experiment", "real-data"}, {"seed", seed}, {"quick", quick},
                                      {"images", limit > 0 ? limit : 10000}, {"replicates", replicates},
                                      {"n_grid", grid}, {"delta", delta}, {"alpha", 0.05}});
  meta["notes"] = {
      "CIFAR-10 test pixels are JPEG-decoded (labels official); the population is that decoded test set",
      "abs_error_q95: type-7 0.95-quantile of |sim_hat - sim| pooled over replicates and neurons; undefined "
      "estimates left out and counted in undefined_count",
      "subsamples drawn without replacement from N images: errors shrink faster than 1/sqrt(n) as n -> N",
      "top-alpha binarisation (count metrics, WPMI) re-done on each subsample",
      "certified intervals and gaps at delta/|C| per neuron (union over concepts), no correction across neurons"};

  // ---- App. H.2 analogue -----------------------------------------------------------------------
  const fs::path h2_path = out / "real_h2.csv";
  sim::tidy_writer h2(h2_path, &outputs);
  for (const layer_spec& s : {layer_spec{"resnet20", "logits"}, layer_spec{"vit", "logits"}}) {
    const auto data = load_or_extract(s.model, s.layer, "cifar10", limit, out, cifar_dir, threads);
    sim::subsample_study_options o;
    o.metrics = kStudyMetrics;
    o.n_grid = grid;
    o.replicates = replicates;
    o.seed = seed;
    o.label = "real-h2/" + s.model;
    h2.write(sim::to_tidy_rows(sim::run_subsample_study(data.activations, data.concepts, o), "real-h2", s.model));
  }
  h2.close();
  meta["seconds_h2"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  // ---- certified identification of the penultimate neurons on CIFAR-100 ---------------------------
  io::csv_writer summary(out / "real_identification_summary.csv",
                         {"model", "metric", "neurons", "mean_estimate", "coarse_share", "mean_gap", "mean_rate",
                          "distinct_concepts", "bound"},
                         &outputs);
  std::string md = fmt::format(
      "# Certified identification on CIFAR-100 ({} images, 120 concepts: 100 fine + 20 coarse), delta = {}\n\n"
      "Per metric: mean estimate of the chosen concept, share of neurons whose chosen concept is coarse, mean "
      "certified half-width and gap (Corollary 3.2 at delta/|C|; only where a closed-form rate exists), number of "
      "distinct concepts chosen.\n",
      limit > 0 ? limit : 10000, delta);
  for (const layer_spec& s : {layer_spec{"resnet20", "penultimate"}, layer_spec{"vit", "cls"}}) {
    const auto data = load_or_extract(s.model, s.layer, "cifar100", limit, out, cifar_dir, threads);
    const auto set = make_probing_set(data.activations, data.concepts);
    io::csv_writer rows(out / fmt::format("real_identification_{}.csv", s.model),
                        {"model", "layer", "metric", "neuron", "concept", "concept_name", "coarse", "estimate",
                         "bound", "rate", "certified_lower", "certified_upper", "cp_lower", "cp_upper", "gap",
                         "skipped"},
                        &outputs);
    md += fmt::format("\n## {} {} ({} neurons)\n\n| metric | mean estimate | coarse share | mean half-width | "
                      "mean gap | distinct concepts |\n|---|---|---|---|---|---|\n",
                      s.model, s.layer, set.neurons());
    for (metric m : all_metrics) {
      const auto ids = bounds::certify_identifications(set, m, {}, delta);
      double est = 0.0, gap = 0.0, rate = 0.0;
      std::int64_t coarse = 0, chosen = 0;
      bool has_bound = false;
      std::string bound;
      std::set<Eigen::Index> distinct;
      for (std::size_t f = 0; f < ids.size(); ++f) {
        const auto& id = ids[f];
        if (id.concept_index < 0) {
          rows.write_row({s.model, s.layer, std::string(to_string(m)), static_cast<std::int64_t>(f), "", "", "", "",
                          "", "", "", "", "", "", "", id.skipped});
          continue;
        }
        const auto& name = data.names[static_cast<std::size_t>(id.concept_index)];
        ++chosen;
        est += id.estimate;
        coarse += is_coarse(name) ? 1 : 0;
        distinct.insert(id.concept_index);
        auto num = [&](double v) { return id.has_bound ? std::optional<double>(v) : std::nullopt; };
        if (id.has_bound) {
          has_bound = true;
          bound = id.bound;
          gap += id.gap;
          rate += id.rate;
        }
        rows.write_row({s.model, s.layer, std::string(to_string(m)), static_cast<std::int64_t>(f),
                        static_cast<std::int64_t>(id.concept_index), name, is_coarse(name) ? 1 : 0, id.estimate,
                        id.bound, num(id.rate), num(id.certified.lower), num(id.certified.upper),
                        id.clopper_pearson ? std::optional<double>(id.clopper_pearson->lower) : std::nullopt,
                        id.clopper_pearson ? std::optional<double>(id.clopper_pearson->upper) : std::nullopt,
                        num(id.gap), id.skipped});
      }
      const double c = static_cast<double>(chosen > 0 ? chosen : 1);
      const auto opt = [&](double v) { return has_bound ? fmt::format("{:.4f}", v / c) : std::string("-"); };
      summary.write_row({s.model, std::string(to_string(m)), chosen, est / c, static_cast<double>(coarse) / c,
                         has_bound ? std::optional<double>(gap / c) : std::nullopt,
                         has_bound ? std::optional<double>(rate / c) : std::nullopt,
                         static_cast<std::int64_t>(distinct.size()), bound});
      md += fmt::format("| {} | {:.4f} | {:.3f} | {} | {} | {} |\n", to_string(m), est / c,
                        static_cast<double>(coarse) / c, opt(rate), opt(gap), distinct.size());
    }
    rows.close();
  }
  summary.close();
  md += "\nHalf-width and gap hold per neuron with probability >= 1 - delta (union over the 120 concepts); count "
        "metrics treat the top-5% binarised neuron as fixed; '-' = no closed-form rate (use the bootstrap).\n";
  io::write_text_file(out / "real_identification_summary.md", md, &outputs);
  meta["seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  meta["files"] = {"real_h2.csv", "real_identification_resnet20.csv", "real_identification_vit.csv",
                   "real_identification_summary.csv", "real_identification_summary.md"};
  io::write_json(out / "real_data.json", meta, &outputs);
  return h2_path;
}

}  // namespace neuroncert::cli

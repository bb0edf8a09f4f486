// The real-data study (real_data.hpp). CIFAR-10 test images are JPEG-decoded (labels official), so
// model accuracies differ slightly from the bit-exact set; the subsampling population is this
// JPEG-decoded test set.
#include "neuroncert/studies/real_data.hpp"

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "neuroncert/core/csv.hpp"
#include "neuroncert/core/json_io.hpp"
#include "neuroncert/core/probing_set.hpp"
#include "neuroncert/core/thread_limit.hpp"
#include "neuroncert/sim/subsample_study.hpp"
#include "neuroncert/sim/tidy.hpp"
#include "neuroncert/studies/activation_cache.hpp"
#include "neuroncert/studies/provenance.hpp"

namespace neuroncert::studies {

namespace fs = std::filesystem;

namespace {

struct layer_spec {
  std::string model, layer;
};

// The metrics of App. H.2 (F1 has neither a bound nor a role in the paper's figure).
const std::vector<metric> kStudyMetrics = {metric::accuracy, metric::recall,      metric::precision,
                                           metric::iou,      metric::auroc,       metric::auprc,
                                           metric::correlation, metric::mad,    metric::wpmi};

bool is_coarse(const std::string& name) { return name.rfind("coarse:", 0) == 0; }

/// The App. H.2 analogue into `path` (tidy rows).
void write_h2(const fs::path& path, const fs::path& cifar_dir, const fs::path& out, std::int64_t limit,
              std::int64_t replicates, const std::vector<std::int64_t>& grid, std::uint64_t seed, int threads,
              io::output_transaction& outputs) {
  sim::tidy_writer h2(path, &outputs);
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
}

/// One neuron's row of real_identification_<model>.csv.
std::vector<io::csv_cell> identification_row(const layer_spec& s, metric m, std::size_t f,
                                             const bounds::certified_identification& id,
                                             const std::vector<std::string>& names) {
  if (id.concept_index < 0)
    return {s.model, s.layer, std::string(to_string(m)), static_cast<std::int64_t>(f), "", "", "", "",
            "", "", "", "", "", "", "", id.skipped};
  const auto& name = names[static_cast<std::size_t>(id.concept_index)];
  auto num = [&](double v) { return id.has_bound ? std::optional<double>(v) : std::nullopt; };
  return {s.model, s.layer, std::string(to_string(m)), static_cast<std::int64_t>(f),
          static_cast<std::int64_t>(id.concept_index), name, is_coarse(name) ? 1 : 0, id.estimate,
          id.bound, num(id.rate), num(id.certified.lower), num(id.certified.upper),
          id.clopper_pearson ? std::optional<double>(id.clopper_pearson->lower) : std::nullopt,
          id.clopper_pearson ? std::optional<double>(id.clopper_pearson->upper) : std::nullopt,
          num(id.gap), id.skipped};
}

}  // namespace

identification_summary summarise_identification(const std::vector<bounds::certified_identification>& ids,
                                                const std::vector<std::string>& names) {
  identification_summary s;
  double est = 0.0, gap = 0.0, rate = 0.0;
  std::int64_t coarse = 0;
  std::set<Eigen::Index> distinct;
  for (const auto& id : ids) {
    if (id.concept_index < 0) continue;
    ++s.identified;
    est += id.estimate;
    coarse += is_coarse(names[static_cast<std::size_t>(id.concept_index)]) ? 1 : 0;
    distinct.insert(id.concept_index);
    if (id.has_bound) {
      s.has_bound = true;
      s.bound = id.bound;
      gap += id.gap;
      rate += id.rate;
    }
  }
  const double c = static_cast<double>(s.identified > 0 ? s.identified : 1);
  s.mean_estimate = est / c;
  s.coarse_share = static_cast<double>(coarse) / c;
  s.mean_gap = gap / c;
  s.mean_rate = rate / c;
  s.distinct_concepts = static_cast<std::int64_t>(distinct.size());
  return s;
}

fs::path real_data_figure_data(const fs::path& cifar_dir, const fs::path& out, std::uint64_t seed, bool quick,
                               int threads, io::output_transaction& outputs) {
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

  const fs::path h2_path = out / "real_h2.csv";
  write_h2(h2_path, cifar_dir, out, limit, replicates, grid, seed, threads, outputs);
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
    for (metric m : pair_metrics) {
      const auto ids = bounds::certify_identifications(set, m, {}, delta);
      for (std::size_t f = 0; f < ids.size(); ++f) rows.write_row(identification_row(s, m, f, ids[f], data.names));
      const auto sm = summarise_identification(ids, data.names);
      const auto opt = [&](double v) { return sm.has_bound ? fmt::format("{:.4f}", v) : std::string("-"); };
      summary.write_row({s.model, std::string(to_string(m)), sm.identified, sm.mean_estimate, sm.coarse_share,
                         sm.has_bound ? std::optional<double>(sm.mean_gap) : std::nullopt,
                         sm.has_bound ? std::optional<double>(sm.mean_rate) : std::nullopt, sm.distinct_concepts,
                         sm.bound});
      md += fmt::format("| {} | {:.4f} | {:.3f} | {} | {} | {} |\n", to_string(m), sm.mean_estimate, sm.coarse_share,
                        opt(sm.mean_rate), opt(sm.mean_gap), sm.distinct_concepts);
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

}  // namespace neuroncert::studies

#include "neuroncert/studies/sieve_study.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "neuroncert/core/all_pairs.hpp"
#include "neuroncert/core/csv.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/json_io.hpp"
#include "neuroncert/core/metric.hpp"
#include "neuroncert/core/probing_set.hpp"
#include "neuroncert/models/cifar.hpp"
#include "neuroncert/models/extract.hpp"
#include "neuroncert/models/model.hpp"

namespace neuroncert::studies {

namespace fs = std::filesystem;

namespace {

/// Throws data_error naming the first concept with fewer held-out images than `least`.
void check_verification_sizes(const Eigen::MatrixXd& concepts, const std::vector<std::uint32_t>& held,
                              const std::vector<std::string>& names, std::int64_t least) {
  for (Eigen::Index j = 0; j < concepts.cols(); ++j) {
    std::int64_t count = 0;
    for (auto r : held) count += concepts(r, j) >= 0.5 ? 1 : 0;
    if (count < least)
      throw data_error(fmt::format("too few held-out images for concept '{}': {} < --min-verification-images {}",
                                   names[static_cast<std::size_t>(j)], count, least));
  }
}

}  // namespace

sieve_data load_sieve_data(const sieve_data_options& o) {
  if (o.data != "cifar100" && o.data != "cifar10")
    throw invalid_argument(fmt::format("--data: unknown data set '{}' (known: cifar100, cifar10)", o.data));
  const auto pool = models::parse_pool(o.pool);
  auto model = models::load_model(o.model, o.data_dir);
  if (o.layer.empty())
    throw invalid_argument(fmt::format("--layer is required (known for {}: {})", model->name(),
                                       fmt::format("{}", fmt::join(model->layers(), ", "))));
  model->check_layer(o.layer);
  const auto set = models::load_cifar(o.data_dir, o.data, models::CifarSubset::full, o.limit);
  const auto cm = models::concept_matrix(set);
  const auto [probe, held] = split_by_class(set.labels);
  const auto n = set.size(), c = cm.matrix.size(1);
  const Eigen::MatrixXd concepts = to_matrix(cm);
  check_verification_sizes(concepts, held, cm.names, o.min_verification_images);  // before any forward pass
  const Eigen::MatrixXd acts =
      cached_activations(*model, set.images, {o.model, o.layer, std::string(models::pool_name(pool)), o.data, n}, pool,
                         o.batch_size, o.threads, o.cache, o.stale, o.note);
  sieve_data d;
  d.model_name = model->name();
  d.images = n;
  d.concept_names = cm.names;
  auto take = [&](const std::vector<std::uint32_t>& rows, Eigen::MatrixXd& a, Eigen::MatrixXd& y) {
    a.resize(static_cast<Eigen::Index>(rows.size()), acts.cols());
    y.resize(static_cast<Eigen::Index>(rows.size()), c);
    for (std::size_t r = 0; r < rows.size(); ++r) {
      a.row(static_cast<Eigen::Index>(r)) = acts.row(rows[r]);
      y.row(static_cast<Eigen::Index>(r)) = concepts.row(rows[r]);
    }
  };
  take(probe, d.probe_acts, d.probe_concepts);
  take(held, d.held_acts, d.held_concepts);
  return d;
}

sieve_report sieve_study(const sieve_data& d, const sieve_options& options, double delta, double alpha) {
  sieve_report rep;
  rep.result = run_sieve(d.probe_acts, d.probe_concepts, d.held_acts, d.held_concepts, options);
  const auto& r = rep.result;
  for (const auto& h : r.hypotheses) {
    rep.stats.push_back(bounds::activation_rate(h.fired, h.images, delta, alpha));
    rep.significant += rep.stats.back().significant ? 1 : 0;
  }
  for (const auto& nr : r.neurons) {
    rep.selected += nr.select.selected ? 1 : 0;
    rep.undefined += nr.select.ratio ? 0 : 1;
    if (nr.select.ratio) rep.largest_ratio = std::max(rep.largest_ratio, *nr.select.ratio);
    sieve_neuron_summary s;
    for (auto j : nr.hypotheses) {
      s.kept += r.hypotheses[j].kept ? 1 : 0;
      if (!s.best || r.hypotheses[j].rate > r.hypotheses[*s.best].rate) s.best = j;
    }
    if (nr.clusters >= 2) s.silhouette = nr.silhouettes[static_cast<std::size_t>(nr.clusters - 2)];
    rep.neurons.push_back(s);
  }
  return rep;
}

namespace {

/// Plain identification by metric m on the probe half, scored by the held-out AR of each choice.
ablation_row identification_row(const sieve_data& d, const probing_set& set, metric m, double quantile) {
  const auto sim = all_pairs_similarity(set, m);
  std::vector<Eigen::Index> best(static_cast<std::size_t>(set.neurons()), -1);
  for (Eigen::Index i = 0; i < set.neurons(); ++i) {
    double v = 0;
    for (Eigen::Index t = 0; t < set.concept_count(); ++t)
      if (sim.reason(i, t) == 0 && (best[static_cast<std::size_t>(i)] < 0 || sim.value(i, t) > v)) {
        best[static_cast<std::size_t>(i)] = t;
        v = sim.value(i, t);
      }
  }
  const auto ar = activation_rates_for(d.probe_acts, d.held_acts, d.held_concepts, best, quantile);
  ablation_row row{"identify:" + std::string(to_string(m)), "-", "-", "-", 0, 0, 0, std::nullopt};
  double total = 0;
  for (const auto& a : ar)
    if (a) {
      ++row.hypotheses;
      total += *a;
    }
  row.neurons = static_cast<std::size_t>(set.neurons());
  row.kept = row.hypotheses;
  if (row.hypotheses) row.mean_ar = total / static_cast<double>(row.hypotheses);
  return row;
}

}  // namespace

std::vector<ablation_row> sieve_ablation(const sieve_data& d, const sieve_options& base) {
  std::vector<ablation_row> rows;
  auto onoff = [](bool b) { return std::string(b ? "on" : "off"); };
  for (bool select : {true, false})
    for (bool cluster : {true, false}) {
      sieve_options o = base;
      o.select = select;
      o.cluster = cluster;
      o.verify = true;
      const auto r = run_sieve(d.probe_acts, d.probe_concepts, d.held_acts, d.held_concepts, o);
      std::size_t considered = 0;
      for (const auto& nr : r.neurons) considered += nr.considered ? 1 : 0;
      for (bool verify : {true, false})
        rows.push_back({"sieve", onoff(select), onoff(cluster), onoff(verify), considered, r.hypotheses.size(),
                        verify ? r.kept : r.hypotheses.size(),
                        r.hypotheses.empty() ? std::nullopt : std::optional(verify ? r.mean_ar : r.mean_ar_all)});
    }
  probing_set_checks checks;
  checks.reject_empty_concepts = false;
  const auto set = make_probing_set(d.probe_acts, d.probe_concepts, checks);
  for (metric m : pair_metrics) rows.push_back(identification_row(d, set, m, base.quantile));  // the layer metrics are not in this table
  return rows;
}

const record_layout<ablation_record>& ablation_layout() {
  using r = const ablation_record&;
  static const record_layout<ablation_record> layout = {
      {"model", "", [](r x) { return field_value(x.model); }},
      {"method", "method", [](r x) { return field_value(x.row.method); }},
      {"select", "select", [](r x) { return field_value(x.row.select); }},
      {"cluster", "cluster", [](r x) { return field_value(x.row.cluster); }},
      {"verify", "verify", [](r x) { return field_value(x.row.verify); }},
      {"neurons", "neurons", [](r x) { return field_value(x.row.neurons); }},
      {"hypotheses", "hypotheses", [](r x) { return field_value(x.row.hypotheses); }},
      {"kept", "kept", [](r x) { return field_value(x.row.kept); }},
      {"mean_ar", "mean_ar", [](r x) { return field_value::or_null(x.row.mean_ar); }}};
  return layout;
}

const record_layout<sieve_neuron_record>& sieve_neuron_layout() {
  using r = const sieve_neuron_record&;
  const auto considered = [](auto get) {
    return [get](r x) { return x.n.considered ? field_value(get(x.n)) : field_value::omitted(); };
  };
  static const record_layout<sieve_neuron_record> layout = {
      {"neuron", "neuron", [](r x) { return field_value(x.n.neuron); }},
      {"q99", "q99", [](r x) { return field_value(x.n.select.top_quantile); }},
      {"median", "median", [](r x) { return field_value(x.n.select.median); }},
      {"ratio", "ratio", [](r x) { return field_value::or_null(x.n.select.ratio); }},
      {"undefined_reason", "undefined_reason",
       [](r x) { return x.n.select.ratio ? field_value::omitted() : field_value(x.n.select.undefined_reason); }},
      {"selected", "selected", [](r x) { return field_value(x.n.select.selected); }},
      {"considered", "considered", [](r x) { return field_value(x.n.considered); }},
      {"clusters", "clusters", considered([](const sieve_neuron& n) { return n.clusters; })},
      {"silhouette", "", [](r x) { return field_value(x.s.silhouette); }},
      {"hypotheses", "", [](r x) { return field_value(x.n.hypotheses.size()); }},
      {"kept_hypotheses", "", [](r x) { return field_value(x.s.kept); }},
      {"best_concept", "",
       [](r x) {
         if (!x.s.best) return field_value("");
         return field_value(x.names[static_cast<std::size_t>(x.rep.result.hypotheses[*x.s.best].concept_index)]);
       }},
      {"best_ar", "", [](r x) { return x.s.best ? field_value(x.rep.result.hypotheses[*x.s.best].rate) : field_value(); }},
      {"", "top_samples", considered([](const sieve_neuron& n) { return nlohmann::json(n.top); })},
      {"", "cluster_labels", considered([](const sieve_neuron& n) { return nlohmann::json(n.labels); })},
      {"", "mean_silhouette_by_m", considered([](const sieve_neuron& n) { return nlohmann::json(n.silhouettes); })},
      {"", "hypotheses", considered([](const sieve_neuron& n) { return nlohmann::json(n.hypotheses); })}};
  return layout;
}

const record_layout<sieve_hypothesis_record>& sieve_hypothesis_layout() {
  using r = const sieve_hypothesis_record&;
  static const record_layout<sieve_hypothesis_record> layout = {
      {"neuron", "neuron", [](r x) { return field_value(x.h.neuron); }},
      {"concept", "concept", [](r x) { return field_value(x.h.concept_index); }},
      {"concept_name", "concept_name", [](r x) { return field_value(x.name); }},
      {"cluster", "cluster", [](r x) { return field_value(x.h.cluster); }},
      {"score", "score", [](r x) { return field_value(x.h.score); }},
      {"fired", "fired", [](r x) { return field_value(x.h.fired); }},
      {"images", "images", [](r x) { return field_value(x.h.images); }},
      {"ar", "ar", [](r x) { return field_value(x.h.rate); }},
      {"cp_lower", "clopper_pearson/lower", [](r x) { return field_value(x.s.clopper_pearson.lower); }},
      {"cp_upper", "clopper_pearson/upper", [](r x) { return field_value(x.s.clopper_pearson.upper); }},
      {"p_value", "p_value", [](r x) { return field_value(x.s.p_value); }},
      {"significant", "significant", [](r x) { return field_value(x.s.significant); }},
      {"kept", "kept", [](r x) { return field_value(x.h.kept); }}};
  return layout;
}

namespace {

/// The figures' sieve_ablation.md: both models' tables side by side.
std::string ablation_markdown(const std::vector<std::vector<ablation_row>>& tables, bool quick) {
  std::string md;
  md += "# SIEVE ablation (Table 4 analogue) and plain identification, mean AR on held-out CIFAR-100\n\n";
  md += quick ? "**--quick: first 4,000 test images only.**\n\n" : "";
  md += "Select off = every neuron of the layer; Cluster off = one cluster of the top-20 samples; Verify off = no "
        "mean-AR filter. beta = 4 (the lower end of the paper's [4, 12]; at beta = 10 these CIFAR-10 models have no "
        "neuron selected). identify:<metric> = argmax over the 120 concepts on the probe half, every neuron.\n\n"
        "| method | select | cluster | verify | ResNet-20 (penultimate) | ViT (cls) |\n|---|---|---|---|---|---|\n";
  for (std::size_t k = 0; k < tables[0].size(); ++k) {
    const auto& x = tables[0][k];
    const auto& y = tables[1][k];
    auto cell = [](const ablation_row& r) {
      return r.mean_ar ? fmt::format("{:.4f} ({} hyp.)", *r.mean_ar, r.kept) : std::string("n/a (no hypothesis)");
    };
    md += fmt::format("| {} | {} | {} | {} | {} | {} |\n", x.method, x.select, x.cluster, x.verify, cell(x), cell(y));
  }
  return md;
}

}  // namespace

fs::path sieve_figure_data(const fs::path& cifar_dir, const fs::path& data_out, const fs::path& figures_out, bool quick,
                           int threads, io::output_transaction& outputs) {
  struct spec {
    std::string model, layer, label;
  };
  const std::vector<spec> specs = {{"resnet20", "penultimate", "ResNet-20"}, {"vit", "cls", "ViT"}};
  // beta = 4, the lower end of the paper's range [4, 12]: the Q_0.99/median ratios of these small
  // CIFAR-10 models stay below 10 (ResNet-20 penultimate: at most ~6.6), so beta = 10 selects nothing.
  sieve_options fig_options;
  fig_options.beta = 4;
  const fs::path ar_csv = data_out / "sieve_ar.csv";
  io::csv_writer ar(ar_csv, {"model", "rank", "neuron", "concept", "ar", "cp_lower", "cp_upper", "kept", "mean_ar"},
                    &outputs);
  record_writer<ablation_record> ab(ablation_layout(), data_out / "sieve_ablation.csv", &outputs);
  std::vector<std::vector<ablation_row>> tables;
  for (const auto& s : specs) {
    sieve_data_options o;
    o.model = s.model;
    o.layer = s.layer;
    o.data_dir = cifar_dir;
    o.threads = threads;
    o.limit = quick ? 4000 : 0;
    o.min_verification_images = quick ? 10 : 20;
    // The full run reads the activations the be-stability job cached (load_or_extract's name: the
    // same model, layer, pooling, CIFAR-100 and 10,000 images, which the cache's record checks)
    // instead of extracting them a second time; --quick uses fewer images than that job.
    o.cache = quick ? data_out / fmt::format("sieve_{}_{}_quick.npy", s.model, s.layer)
                    : data_out / fmt::format("acts_cifar100_{}_{}.npy", s.model, s.layer);
    o.stale = stale_cache::rebuild;
    const auto d = load_sieve_data(o);
    const auto r = run_sieve(d.probe_acts, d.probe_concepts, d.held_acts, d.held_concepts, fig_options);
    std::vector<std::size_t> order(r.hypotheses.size());
    for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t x, std::size_t y) { return r.hypotheses[x].rate > r.hypotheses[y].rate; });
    for (std::size_t k = 0; k < order.size(); ++k) {
      const auto& h = r.hypotheses[order[k]];
      const auto st = bounds::activation_rate(h.fired, h.images);
      ar.write_row({s.label, k + 1, h.neuron, d.concept_names[static_cast<std::size_t>(h.concept_index)], h.rate,
                    st.clopper_pearson.lower, st.clopper_pearson.upper, h.kept, r.mean_ar});
    }
    tables.push_back(sieve_ablation(d, fig_options));
    for (const auto& row : tables.back()) ab.write({s.label, row});
  }
  ar.close();
  ab.close();
  io::write_text_file(figures_out / "sieve_ablation.md", ablation_markdown(tables, quick), &outputs);
  return ar_csv;
}

}  // namespace neuroncert::studies

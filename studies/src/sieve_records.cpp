// Writing a `neuroncert sieve` run (sieve_study.hpp): the records, each described once, and the
// JSON report around them.
#include <fmt/format.h>

#include "neuroncert/core/json_io.hpp"
#include "neuroncert/studies/provenance.hpp"
#include "neuroncert/studies/sieve_study.hpp"

namespace neuroncert::studies {

namespace {

/// The report's "inputs", "split", "options" and "conventions".
nlohmann::json report_head(const sieve_data_options& data, const sieve_options& opts, const sieve_output& out,
                           const sieve_data& d) {
  return {{"metadata", run_metadata({{"command", "sieve"}})},
          {"inputs", {{"model", data.model}, {"layer", data.layer}, {"data", data.data},
                      {"data_dir", data.data_dir.string()}, {"images", d.images}, {"probe_images", d.probe_acts.rows()},
                      {"heldout_images", d.held_acts.rows()}, {"neurons", d.probe_acts.cols()},
                      {"concepts", d.concept_names.size()}}},
          {"split", "within each fine class, in index order: first ceil(n_c/2) images probe, the rest held out"},
          {"options", {{"beta", opts.beta}, {"quantile", opts.quantile}, {"top", opts.top},
                       {"hypotheses_per_cluster", opts.hypotheses_per_cluster}, {"max_clusters", opts.max_clusters},
                       {"min_verification_images", data.min_verification_images}, {"delta", out.delta},
                       {"alpha", out.alpha}, {"random_rate", 0.01}}},
          {"conventions",
           {"ratio = Q_0.99 / median (type-7 quantiles) on the probe half; undefined when median <= 0",
            "clustering features: the whole layer's activations of the top probe samples; Ward linkage, m by mean "
            "silhouette",
            "verification images of concept h: held-out images labelled h; AR = share above the neuron's probe Q_0.99",
            "Clopper-Pearson at delta per hypothesis, one-sided exact binomial test of AR > 0.01 at alpha; no "
            "multiplicity correction across hypotheses"}}};
}

}  // namespace

nlohmann::json write_sieve(const sieve_data_options& data, const sieve_options& options, const sieve_output& out,
                           const sieve_data& d, const sieve_report& rep, const std::vector<ablation_row>* ablation,
                           io::output_transaction& outputs) {
  nlohmann::json report = report_head(data, options, out, d);
  const auto& r = rep.result;
  record_writer nc(sieve_neuron_layout(), out.prefix + "_neurons.csv", &outputs);
  report["neurons"] = nlohmann::json::array();
  for (std::size_t k = 0; k < r.neurons.size(); ++k)
    report["neurons"].push_back(nc.write({r.neurons[k], rep.neurons[k], rep, d.concept_names}));
  nc.close();
  record_writer hc(sieve_hypothesis_layout(), out.prefix + "_hypotheses.csv", &outputs);
  report["hypotheses"] = nlohmann::json::array();
  for (std::size_t k = 0; k < r.hypotheses.size(); ++k) {
    const auto& h = r.hypotheses[k];
    report["hypotheses"].push_back(hc.write({h, rep.stats[k], d.concept_names[static_cast<std::size_t>(h.concept_index)]}));
  }
  hc.close();
  if (ablation) {
    record_writer ab(ablation_layout(), out.prefix + "_ablation.csv", &outputs);
    report["ablation"] = nlohmann::json::array();
    for (const auto& row : *ablation) report["ablation"].push_back(ab.write({d.model_name, row}));
    ab.close();
  } else {  // an earlier --ablation run's table would otherwise sit beside these, looking current
    outputs.remove_on_commit(out.prefix + "_ablation.csv");
  }
  report["summary"] = {{"selected", rep.selected}, {"undefined_ratio", rep.undefined},
                       {"hypotheses", r.hypotheses.size()}, {"mean_ar_before_filter", r.mean_ar_all},
                       {"mean_ar", r.mean_ar}, {"kept", r.kept}, {"explained_neurons", r.explained},
                       {"significant", rep.significant}};
  io::write_json(out.prefix + ".json", report, &outputs);
  return report;
}

}  // namespace neuroncert::studies

// The identify study's records (identify_records.hpp): each field described once.
#include "neuroncert/studies/identify_records.hpp"

#include "neuroncert/bounds/be_coverage.hpp"
#include "neuroncert/core/json_io.hpp"
#include "neuroncert/studies/provenance.hpp"

namespace neuroncert::studies {

const record_layout<identify_neuron_record>& identify_neuron_layout() {
  using r = const identify_neuron_record&;
  const auto bounded = [](auto get) {
    return [get](r x) { return x.id.has_bound ? field_value(get(x.id)) : field_value::omitted(); };
  };
  const auto cp = [](bool lower) {
    return [lower](r x) {
      if (!x.id.has_bound || !x.id.clopper_pearson) return field_value::omitted();
      return field_value(lower ? x.id.clopper_pearson->lower : x.id.clopper_pearson->upper);
    };
  };
  using id_t = const bounds::certified_identification&;
  static const record_layout<identify_neuron_record> layout = {
      {"neuron", "neuron", [](r x) { return field_value(x.neuron); }},
      {"concept", "concept",
       [](r x) { return x.name ? field_value(x.id.concept_index) : field_value::null(); }},
      {"concept_name", "concept_name", [](r x) { return x.name ? field_value(*x.name) : field_value::omitted(); }},
      {"estimate", "estimate", [](r x) { return x.name ? field_value(x.id.estimate) : field_value::omitted(); }},
      {"skipped_concepts", "skipped_concepts", [](r x) { return field_value(x.id.skipped); }},
      {"bound", "bound",
       [](r x) { return x.id.has_bound ? field_value(x.id.bound) : field_value::omitted(x.name ? "none" : ""); }},
      {"effective_n", "effective_n", bounded([](id_t i) { return i.effective_n; })},
      {"rate", "rate", bounded([](id_t i) { return i.rate; })},
      {"certified_lower", "certified_interval/lower", bounded([](id_t i) { return i.certified.lower; })},
      {"certified_upper", "certified_interval/upper", bounded([](id_t i) { return i.certified.upper; })},
      {"cp_lower", "clopper_pearson/lower", cp(true)},
      {"cp_upper", "clopper_pearson/upper", cp(false)},
      {"gap_to_best", "gap_to_best", bounded([](id_t i) { return i.gap; })},
      {"gap_vacuous", "gap_vacuous", bounded([](id_t i) { return i.gap_vacuous; })},
      {"lcb_concept", "certified_set/lcb_concept",
       [](r x) { return x.lcb_name ? field_value(x.id.candidates.lcb_concept) : field_value::omitted(); }},
      {"lcb_concept_name", "certified_set/lcb_concept_name",
       [](r x) { return x.lcb_name ? field_value(*x.lcb_name) : field_value::omitted(); }},
      {"lcb_lower", "certified_set/lcb_interval/lower",
       [](r x) { return x.lcb_name ? field_value(x.id.candidates.lcb_interval.lower) : field_value::omitted(); }},
      {"lcb_upper", "certified_set/lcb_interval/upper",
       [](r x) { return x.lcb_name ? field_value(x.id.candidates.lcb_interval.upper) : field_value::omitted(); }},
      {"certified_set_size", "certified_set/size",
       bounded([](id_t i) { return static_cast<std::int64_t>(i.candidates.members.size()); })},
      {"certified_unique", "certified_set/unique", bounded([](id_t i) { return i.candidates.unique(); })},
      {"below_min_support", "certified_set/below_min_support", bounded([](id_t i) { return i.candidates.below_min_support; })},
      {"set_intervals", "certified_set/intervals", bounded([](id_t i) { return i.candidates.method; })},
      {"", "certified_set/members", bounded([](id_t i) { return nlohmann::json(i.candidates.members); })},
      {"", "note",
       [](r x) { return x.name ? field_value::omitted() : field_value("every concept is undefined for this neuron"); }}};
  return layout;
}

const record_layout<identify_frequency_record>& identify_frequency_layout() {
  using r = const identify_frequency_record&;
  static const record_layout<identify_frequency_record> layout = {
      {"neuron", "", [](r x) { return field_value(x.neuron); }},
      {"concept", "concept", [](r x) { return field_value(x.c.concept_index); }},
      {"concept_name", "concept_name", [](r x) { return field_value(x.name); }},
      {"count", "count", [](r x) { return field_value(x.c.count); }},
      {"frequency", "frequency", [](r x) { return field_value(x.c.frequency); }}};
  return layout;
}

const record_layout<identify_stability_record>& identify_stability_layout() {
  using r = const identify_stability_record&;
  const auto index = [](Eigen::Index c) { return c >= 0 ? field_value(c) : field_value::null(); };
  const auto names_of = [](r x) {
    std::string joined;
    for (std::size_t k = 0; k < x.s.be.concepts.size(); ++k)
      joined += (k ? ";" : "") + x.names[static_cast<std::size_t>(x.s.be.concepts[k])];
    return field_value(joined);
  };
  static const record_layout<identify_stability_record> layout = {
      {"neuron", "", [](r x) { return field_value(x.s.neuron); }},
      {"full_set_concept", "", [index](r x) { return index(x.s.full_set_concept); }},
      {"top_concept", "top_concept", [index](r x) { return index(x.s.summary.top_concept); }},
      {"top1_frequency", "top1_frequency", [](r x) { return field_value(x.s.summary.top1_frequency); }},
      {"coverage90_size", "coverage90_size", [](r x) { return field_value(x.s.summary.coverage90_size); }},
      {"unidentified", "unidentified_resamples", [](r x) { return field_value(x.s.unidentified); }},
      {"threshold", "", [](r x) { return field_value(x.threshold); }},
      {"be_set_size", "", [](r x) { return field_value(x.s.be.concepts.size()); }},
      {"be_cumulative", "be_cumulative", [](r x) { return field_value(x.s.be.cumulative); }},
      {"be_reached", "be_reached", [](r x) { return field_value(x.s.be.reached); }},
      {"be_set", "be_set", [](r x) { return field_value(nlohmann::json(x.s.be.concepts)); }},
      {"be_set_names", "be_set_names", names_of},
      {"plugin_margin", "theorem_4_1/plugin_margin", [](r x) { return field_value(x.s.plugin.margin); }},
      {"p_plugin", "theorem_4_1/p", [](r x) { return field_value(x.s.plugin.p); }},
      {"bound_corrected", "theorem_4_1/bound", [](r x) { return field_value::or_null(x.s.plugin.bound); }},
      {"bound_tightened", "theorem_4_1/bound_tightened", [](r x) { return field_value(x.s.plugin.bound_tightened); }},
      {"", "theorem_4_1/paper_eq9_at_t", [](r x) { return field_value(x.s.plugin.paper_eq9); }},
      {"", "theorem_4_1/reason",
       [](r x) { return x.s.plugin.reason.empty() ? field_value::omitted() : field_value(x.s.plugin.reason); }}};
  return layout;
}

namespace {

/// Runs the bootstrap study, streaming each finished neuron into the two bootstrap CSV files, and
/// adds each neuron's stability to its JSON object; returns the "bootstrap" block of the report.
nlohmann::json write_bootstrap(const std::vector<std::string>& names, const identify_dimensions& dims, metric m,
                               const bootstrap_runner& run, const identify_output& out, nlohmann::json& neurons,
                               io::output_transaction& outputs) {
  const std::string boot_path = out.prefix + "_bootstrap.csv", sets_path = out.prefix + "_be_sets.csv";
  record_writer freq(identify_frequency_layout(), boot_path, &outputs);
  record_writer sets(identify_stability_layout(), sets_path, &outputs);
  stability_options o = *out.bootstrap;
  o.neuron_finished = [&](const neuron_stability& s) {
    nlohmann::json j = sets.write({s, o.threshold, names});
    j["frequencies"] = nlohmann::json::array();
    for (const auto& c : s.frequencies)
      j["frequencies"].push_back(freq.write({s.neuron, c, names[static_cast<std::size_t>(c.concept_index)]}));
    neurons[static_cast<std::size_t>(s.neuron)]["bootstrap"] = j;
  };
  const auto st = run(o);
  freq.close();
  sets.close();
  return {{"resamples", o.resamples},
          {"seed", o.seed},
          {"threshold", o.threshold},
          {"threshold_fraction", out.threshold_fraction ? nlohmann::json(*out.threshold_fraction) : nlohmann::json()},
          {"seconds", st.seconds},
          {"resampling", resampling_scheme},
          {"layer_metric", is_layer_metric(m) ? nlohmann::json(layer_metric_resampling) : nlohmann::json()},
          {"files", {{"frequencies", boot_path}, {"be_sets", sets_path}}},
          {"neurons_finished", dims.neurons},
          {"complete", true},
          {"summary",
           {{"mean_top1_frequency", st.mean_top1_frequency},
            {"mean_coverage90_size", st.mean_coverage90_size},
            {"mean_be_set_size", st.mean_be_set_size},
            {"full_set_concept_in_be_set", st.full_set_concept_in_be_set}}},
          {"theorem_4_1",
           {{"statement", theorem_4_1_statement},
            {"assumptions", theorem_4_1_assumptions},
            {"plugin", theorem_4_1_plugin_note},
            {"caveat", bounds::be_coverage_caveat}}}};
}

/// The JSON report around the neurons.
nlohmann::json report_json(const identify_output& out, const identify_dimensions& dims, metric m,
                           const metric_options& o, nlohmann::json neurons) {
  const bool neuron_eval = o.recall_precision == orientation::neuron_eval;
  nlohmann::json options = {{"alpha", o.alpha}, {"binary_activations", o.binary_activations},
                            {"orientation", neuron_eval ? "neuron-eval" : "paper"},
                            {"auroc", o.auroc == auroc_convention::strict ? "strict" : "tie_corrected"},
                            {"mad_standardised", o.mad_standardised}, {"wpmi_lambda", o.wpmi_lambda},
                            {"wpmi_eps", o.wpmi_eps}};
  if (is_layer_metric(m)) {
    const clip_dissect_options& cd = m == metric::soft_wpmi ? o.soft_wpmi : o.cd_wpmi;
    options[std::string(to_string(m))] = {{"top_k", cd.top_k}, {"lambda", cd.lambda}, {"eps", cd.eps}};
    if (m == metric::soft_wpmi) {
      options["soft_wpmi"]["p_start"] = cd.p_start;
      options["soft_wpmi"]["p_end"] = cd.p_end;
    }
  }
  const std::string no_certificate = no_certificate_reason(m);
  return {{"metadata", run_metadata(out.metadata)},
          {"inputs", {{"activations", out.activations}, {"concepts", out.concepts}, {"samples", dims.samples},
                      {"neurons", dims.neurons}, {"concepts_count", dims.concepts}}},
          {"metric", to_string(m)},
          {"options", std::move(options)},
          {"certificate", no_certificate.empty() ? nlohmann::json{{"available", true}}
                                                 : nlohmann::json{{"available", false}, {"reason", no_certificate}}},
          {"delta", out.delta},
          {"delta_per_concept", out.delta / static_cast<double>(dims.concepts)},
          {"guarantee", identify_guarantee},
          {"assumptions", identify_assumptions},
          {"neurons", std::move(neurons)}};
}

}  // namespace

nlohmann::json write_identify(const probing_bundle& bundle, metric m, const metric_options& options,
                              const identify_report& report, const identify_output& out,
                              io::output_transaction& outputs) {
  const identify_dimensions dims{bundle.set.samples(), bundle.set.neurons(), bundle.set.concept_count()};
  return write_identify(
      bundle.names, dims, m, options, report, out,
      [&](const stability_options& o) { return bootstrap_stability(bundle.set, m, options, report, o); }, outputs);
}

nlohmann::json write_identify(const std::vector<std::string>& names, identify_dimensions dims, metric m,
                              const metric_options& options, const identify_report& report, const identify_output& out,
                              const bootstrap_runner& run_bootstrap, io::output_transaction& outputs) {
  record_writer csv(identify_neuron_layout(), out.prefix + ".csv", &outputs);
  nlohmann::json neurons = nlohmann::json::array();
  for (std::size_t f = 0; f < report.neurons.size(); ++f) {
    const auto& id = report.neurons[f];
    const std::string* name = id.concept_index < 0 ? nullptr : &names[static_cast<std::size_t>(id.concept_index)];
    const Eigen::Index lcb = id.candidates.lcb_concept;
    const std::string* lcb_name = lcb < 0 ? nullptr : &names[static_cast<std::size_t>(lcb)];
    neurons.push_back(csv.write({f, id, name, lcb_name}));
  }
  csv.close();
  nlohmann::json boot;
  if (out.bootstrap) {
    boot = write_bootstrap(names, dims, m, run_bootstrap, out, neurons, outputs);
  } else {  // an earlier --bootstrap run's files would otherwise sit beside these, looking current
    outputs.remove_on_commit(out.prefix + "_bootstrap.csv");
    outputs.remove_on_commit(out.prefix + "_be_sets.csv");
  }
  nlohmann::json json = report_json(out, dims, m, options, std::move(neurons));
  if (!boot.is_null()) json["bootstrap"] = boot;
  io::write_json(out.prefix + ".json", json, &outputs);
  return json;
}

}  // namespace neuroncert::studies

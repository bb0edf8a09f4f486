// neuroncert._core: the Python face of the library and studies layers (no LibTorch; the model
// functions live in neuroncert._models, loaded on first use). Every function here converts its
// arguments, calls the one library or study function the CLI calls too, and converts the result:
// records through the same layouts the CLI writes its CSV files with (by CSV column name), reports
// through the same JSON. The public API, with its documentation, is neuroncert/__init__.py.
#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <atomic>
#include <limits>
#include <optional>
#include <chrono>
#include <future>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "arrays.hpp"
#include "errors.hpp"
#include "neuroncert/bounds/activation_rate.hpp"
#include "neuroncert/bounds/be_coverage.hpp"
#include "neuroncert/bounds/exact_binomial.hpp"
#include "neuroncert/core/all_pairs.hpp"
#include "neuroncert/core/checks.hpp"
#include "neuroncert/core/clip_dissect.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/metric.hpp"
#include "neuroncert/core/probing_set.hpp"
#include "neuroncert/core/thread_limit.hpp"
#include "neuroncert/core/version.hpp"
#include "neuroncert/core/vlm_concepts.hpp"
#include "neuroncert/core/bootstrap.hpp"
#include "neuroncert/studies/advise.hpp"
#include "neuroncert/studies/advise_records.hpp"
#include "neuroncert/studies/bound_reports.hpp"
#include "neuroncert/studies/experiment_table.hpp"
#include "neuroncert/studies/identify_records.hpp"
#include "neuroncert/studies/identify_report.hpp"
#include "neuroncert/studies/metric_settings.hpp"
#include "neuroncert/studies/probing_bundle.hpp"
#include "neuroncert/studies/provenance.hpp"

namespace py = pybind11;

namespace neuroncert::python {
namespace {

// ---- conversions -----------------------------------------------------------------------------

py::object to_python(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null: return py::none();
    case nlohmann::json::value_t::boolean: return py::bool_(j.get<bool>());
    case nlohmann::json::value_t::number_integer: return py::int_(j.get<std::int64_t>());
    case nlohmann::json::value_t::number_unsigned: return py::int_(j.get<std::uint64_t>());
    case nlohmann::json::value_t::number_float: return py::float_(j.get<double>());
    case nlohmann::json::value_t::string: return py::str(j.get<std::string>());
    case nlohmann::json::value_t::array: {
      py::list l;
      for (const auto& x : j) l.append(to_python(x));
      return l;
    }
    default: {
      py::dict d;
      for (const auto& [k, v] : j.items()) d[py::str(k)] = to_python(v);
      return d;
    }
  }
}

/// One record as {CSV column: value}: the columns and values of the CLI's CSV file (None where the
/// CSV cell is empty; the CSV text where the JSON omits the member), JSON arrays (a BE set) as lists.
template <class T>
py::dict csv_row(const studies::record_layout<T>& layout, const T& x) {
  py::dict row;
  for (const auto& f : layout) {
    if (f.csv.empty()) continue;
    const auto v = f.value(x);
    if (v.json())
      row[py::str(f.csv)] = to_python(*v.json());
    else if (!v.csv().text().empty())  // no JSON member but a CSV text ("none": no closed-form bound)
      row[py::str(f.csv)] = py::str(v.csv().text());
    else
      row[py::str(f.csv)] = py::none();
  }
  return row;
}

/// A keyword as the CLI option the studies' messages name: n_min -> --n-min.
std::string option_name(const py::handle& keyword) {
  std::string s = "--" + keyword.cast<std::string>();
  std::replace(s.begin(), s.end(), '_', '-');
  return s;
}

/// Whether a keyword was given (present and not None), for the studies' "is not used" checks.
studies::option_given given_in(const py::dict& kwargs) {
  std::vector<std::string> present;
  for (const auto& [k, v] : kwargs)
    if (!v.is_none()) present.push_back(option_name(k));
  return [present](std::string_view option) {
    return std::find(present.begin(), present.end(), option) != present.end();
  };
}

/// The metric options of the keywords given (absent or None: not given), checked by the study the
/// CLI's identify shares: an option the metric does not read is refused in the same words.
metric_options metric_options_from(const py::dict& d, metric m) {
  studies::metric_settings s;
  for (const auto& [key, value] : d) {
    const auto k = key.cast<std::string>();
    if (value.is_none()) continue;
    if (k == "alpha") s.alpha = value.cast<double>();
    else if (k == "binary") s.binary = value.cast<bool>();
    else if (k == "orientation") s.orientation = value.cast<std::string>();
    else if (k == "auroc_strict") s.auroc_strict = value.cast<bool>();
    else if (k == "mad_standardised") s.mad_standardised = value.cast<bool>();
    else if (k == "wpmi_lambda") s.wpmi_lambda = value.cast<double>();
    else if (k == "wpmi_eps") s.wpmi_eps = value.cast<double>();
    else if (k == "top_k") s.top_k = value.cast<std::int64_t>();
    else if (k == "cd_lambda") s.cd_lambda = value.cast<double>();
    else if (k == "p_start") s.p_start = value.cast<double>();
    else if (k == "p_end") s.p_end = value.cast<double>();
    else if (k == "cd_eps") s.cd_eps = value.cast<double>();
    else throw invalid_argument(fmt::format("unknown metric option '{}'", k));
  }
  return studies::metric_options_for(m, s, given_in(d));
}

/// The validated probing set of two arrays (read with the GIL held; see arrays.hpp). identify and
/// bootstrap refuse a concept without positives, as the CLI does; similarity reports it undefined.
probing_set set_from_arrays(const py::array& activations, const py::array& concepts, bool allow_empty_concepts = false) {
  auto a = matrix_from_array(activations, "activations");
  auto y = sparse_from_array(concepts, "concepts");
  if (a.rows() != y.samples)
    throw invalid_argument(fmt::format("concepts: {} rows, but activations have {} (one row per probing sample)",
                                       y.samples, a.rows()));
  probing_set_checks checks;
  checks.reject_empty_concepts = !allow_empty_concepts;
  py::gil_scoped_release release;
  return make_probing_set(std::move(a), std::move(y), checks);
}

std::vector<std::string> names_or_default(const std::optional<std::vector<std::string>>& names, Eigen::Index count) {
  if (!names) return studies::default_concept_names(static_cast<std::size_t>(count));
  if (static_cast<Eigen::Index>(names->size()) != count)
    throw invalid_argument(fmt::format("concept_names: {} names for {} concepts", names->size(), count));
  return *names;
}

// ---- interruptible work ----------------------------------------------------------------------

struct interrupted {};

/// Runs `work` on another thread with the GIL released, and checks for Ctrl-C (Python's signal
/// handlers run only on the main thread) every 50 ms; on a signal sets `cancel`, which the work
/// polls between neurons, waits for it to stop and raises the signal's exception (KeyboardInterrupt).
template <class Work>
auto run_interruptible(std::atomic<bool>& cancel, Work&& work) -> decltype(work()) {
  auto done = std::async(std::launch::async, std::forward<Work>(work));
  for (;;) {
    std::future_status status;
    {
      py::gil_scoped_release release;
      status = done.wait_for(std::chrono::milliseconds(50));
    }
    if (status == std::future_status::ready) return done.get();
    if (PyErr_CheckSignals() != 0) {
      cancel = true;
      {
        py::gil_scoped_release release;
        done.wait();
      }
      try {
        done.get();
      } catch (const interrupted&) {
      } catch (...) {
      }
      throw py::error_already_set();
    }
  }
}

// ---- the functions ---------------------------------------------------------------------------

py::tuple similarity(const py::array& activations, const py::array& concepts, const std::string& metric_name,
                     const py::dict& options, const py::object& weights, int threads) {
  const metric m = parse_metric(metric_name);
  const metric_options o = metric_options_from(options, m);
  check_threads("threads", threads);
  const probing_set set = set_from_arrays(activations, concepts, /*allow_empty_concepts=*/true);
  const Eigen::VectorXd w = vector_from_array(weights, "weights");
  similarity_matrix s;
  {
    py::gil_scoped_release release;
    const thread_limit limit(threads);
    s = all_pairs_similarity(set, m, o, std::span<const double>(w.data(), static_cast<std::size_t>(w.size())));
  }
  const auto F = s.value.rows(), C = s.value.cols();
  py::array_t<double> values({F, C});
  py::array_t<std::uint8_t> reasons({F, C});
  auto v = values.mutable_unchecked<2>();
  auto r = reasons.mutable_unchecked<2>();
  for (Eigen::Index i = 0; i < F; ++i)
    for (Eigen::Index j = 0; j < C; ++j) {
      r(i, j) = s.reason(i, j);
      v(i, j) = s.reason(i, j) == 0 ? s.value(i, j) : std::numeric_limits<double>::quiet_NaN();
    }
  return py::make_tuple(values, reasons);
}

/// The names of the undefined reasons, indexed by the codes similarity() returns (0 = defined).
std::vector<std::string> reason_names() {
  std::vector<std::string> out;
  for (int k = 0; k <= static_cast<int>(undefined_reason::zero_variance_negatives); ++k)
    out.emplace_back(to_string(static_cast<undefined_reason>(k)));
  return out;
}

py::dict identify_summary(const probing_set& set, metric m, double delta, const studies::identify_report& r) {
  py::dict s;
  s["metric"] = std::string(to_string(m));
  s["samples"] = set.samples();
  s["neurons"] = set.neurons();
  s["concepts"] = set.concept_count();
  s["delta"] = delta;
  s["delta_per_concept"] = delta / static_cast<double>(set.concept_count());
  s["identified"] = r.identified;
  s["bounded"] = r.bounded;
  s["mean_estimate"] = r.mean_estimate;
  s["mean_gap"] = r.mean_gap;
  s["certified_unique"] = r.certified_unique;
  s["lcb_differs"] = r.lcb_differs;
  s["gap_vacuous"] = r.gap_vacuous;
  s["mean_certified_set_size"] = r.mean_set_size;
  s["certified_set_guarantee"] = std::string(studies::certified_set_guarantee);
  s["guarantee"] = std::string(studies::identify_guarantee);
  const std::string no_certificate = studies::no_certificate_reason(m);
  s["certificate"] = no_certificate.empty() ? py::object(py::str("available")) : py::object(py::str(no_certificate));
  return s;
}

py::dict identify(const py::array& activations, const py::array& concepts, const std::string& metric_name,
                  const py::dict& options, double delta, const std::optional<std::vector<std::string>>& names,
                  int threads, double min_support) {
  const metric m = parse_metric(metric_name);
  const metric_options o = metric_options_from(options, m);
  check_open_unit("delta", delta);
  check_threads("threads", threads);
  studies::check_min_support("min_support", min_support, m);
  const probing_set set = set_from_arrays(activations, concepts);
  const auto concept_names = names_or_default(names, set.concept_count());
  studies::identify_report r;
  {
    py::gil_scoped_release release;
    const thread_limit limit(threads);
    r = studies::identify_and_certify(set, m, o, delta, min_support);
  }
  py::list rows;
  for (std::size_t f = 0; f < r.neurons.size(); ++f) {
    const auto& id = r.neurons[f];
    const std::string* name = id.concept_index < 0 ? nullptr : &concept_names[static_cast<std::size_t>(id.concept_index)];
    const Eigen::Index lcb = id.candidates.lcb_concept;
    const std::string* lcb_name = lcb < 0 ? nullptr : &concept_names[static_cast<std::size_t>(lcb)];
    rows.append(csv_row(studies::identify_neuron_layout(), studies::identify_neuron_record{f, id, name, lcb_name}));
  }
  py::dict out;
  out["rows"] = rows;
  out["summary"] = identify_summary(set, m, delta, r);
  return out;
}

py::dict bootstrap(const py::array& activations, const py::array& concepts, const std::string& metric_name,
                   const py::dict& options, std::int64_t K, std::uint64_t seed, const std::optional<std::int64_t>& t,
                   const std::optional<double>& fraction, double delta,
                   const std::optional<std::vector<std::string>>& names, int threads) {
  const metric m = parse_metric(metric_name);
  const metric_options o = metric_options_from(options, m);
  check_open_unit("delta", delta);
  check_threads("threads", threads);
  if (K < 1 || K > max_resamples)
    throw invalid_argument(fmt::format("K must lie between 1 and {} (the paper uses 100), got {}", max_resamples, K));
  const std::int64_t threshold = bounds::checked_be_threshold(K, t, fraction, {"threshold", "threshold"});
  const probing_set set = set_from_arrays(activations, concepts);
  const auto concept_names = names_or_default(names, set.concept_count());

  std::atomic<bool> cancel{false};
  studies::stability_options so;
  so.resamples = K;
  so.threshold = threshold;
  so.seed = seed;
  so.progress = [&](std::string_view, std::int64_t, std::int64_t) {
    if (cancel) throw interrupted{};
  };
  auto [report, stability] = run_interruptible(cancel, [&] {
    const thread_limit limit(threads);
    auto r = studies::identify_and_certify(set, m, o, delta);
    auto st = studies::bootstrap_stability(set, m, o, r, so);
    return std::make_pair(std::move(r), std::move(st));
  });

  py::list neurons, frequencies;
  for (const auto& s : stability.neurons) {
    neurons.append(csv_row(studies::identify_stability_layout(), studies::identify_stability_record{s, threshold, concept_names}));
    for (const auto& c : s.frequencies)
      frequencies.append(csv_row(studies::identify_frequency_layout(),
                                 studies::identify_frequency_record{s.neuron, c, concept_names[static_cast<std::size_t>(c.concept_index)]}));
  }
  py::array_t<std::int64_t> count_array({set.neurons(), set.concept_count()});
  auto ca = count_array.mutable_unchecked<2>();
  std::fill(count_array.mutable_data(), count_array.mutable_data() + count_array.size(), std::int64_t{0});
  for (const auto& s : stability.neurons)
    for (const auto& c : s.frequencies) ca(s.neuron, c.concept_index) = c.count;
  py::dict summary = identify_summary(set, m, delta, report);
  summary["resamples"] = K;
  summary["seed"] = seed;
  summary["threshold"] = threshold;
  summary["mean_top1_frequency"] = stability.mean_top1_frequency;
  summary["mean_coverage90_size"] = stability.mean_coverage90_size;
  summary["mean_be_set_size"] = stability.mean_be_set_size;
  summary["full_set_concept_in_be_set"] = stability.full_set_concept_in_be_set;
  summary["seconds"] = stability.seconds;
  summary["resampling"] = std::string(studies::resampling_scheme);
  if (is_layer_metric(m)) summary["layer_metric"] = std::string(studies::layer_metric_resampling);
  summary["theorem_4_1"] = std::string(studies::theorem_4_1_statement);
  py::dict out;
  out["neurons"] = neurons;
  out["frequencies"] = frequencies;
  out["counts"] = count_array;
  out["summary"] = summary;
  return out;
}

/// Concept probabilities from image and text embeddings (core/vlm_concepts.hpp), n x |C| float64.
py::array_t<double> vlm_concepts(const py::array& images, const py::array& texts, const std::string& link,
                                 const std::optional<double>& temperature, const std::optional<double>& scale,
                                 const std::optional<double>& shift, int threads) {
  check_threads("threads", threads);
  const vlm_concept_options o = vlm_concept_settings(link, temperature, scale, shift);  // the CLI's check
  const Eigen::MatrixXd e = matrix_from_array(images, "image_embeddings");
  const Eigen::MatrixXd t = matrix_from_array(texts, "text_embeddings");
  Eigen::MatrixXd p;
  {
    py::gil_scoped_release release;
    const thread_limit limit(threads);
    p = neuroncert::concepts_from_embeddings(e, t, o, {"image_embeddings", "text_embeddings"});
  }
  py::array_t<double> out({p.rows(), p.cols()});
  auto v = out.mutable_unchecked<2>();
  for (Eigen::Index i = 0; i < p.rows(); ++i)
    for (Eigen::Index c = 0; c < p.cols(); ++c) v(i, c) = p(i, c);
  return out;
}

template <class T>
std::optional<T> get(const py::dict& d, const char* key) {
  if (!d.contains(key) || d[key].is_none()) return std::nullopt;
  return d[key].cast<T>();
}

py::object plan(const py::dict& kw) {
  studies::plan_inputs in;
  in.metric_name = kw["metric"].cast<std::string>();
  in.concepts = kw["concepts"].cast<std::int64_t>();
  in.epsilon = get<double>(kw, "epsilon");
  in.margin = get<double>(kw, "margin");
  in.rho = get<double>(kw, "rho");
  in.rate = get<double>(kw, "rate");
  in.n = get<std::int64_t>(kw, "n");
  in.delta = kw["delta"].cast<double>();
  in.delta_split = get<double>(kw, "delta_split").value_or(0.5);
  return to_python(studies::plan_json(in, studies::plan_study(in, given_in(kw))));
}

/// `advise` (studies/advise.hpp) from keywords named as the CLI's options; the report is the CLI's
/// PREFIX.json without run metadata, plus the pilot's estimate when a pilot was given.
py::object advise(const py::dict& kw) {
  studies::advise_settings s;
  s.concepts = get<std::int64_t>(kw, "concepts").value_or(1);
  s.delta = get<double>(kw, "delta").value_or(0.05);
  s.n = get<std::int64_t>(kw, "n");
  s.epsilon = get<double>(kw, "epsilon");
  s.margin = get<double>(kw, "margin");
  s.budget = get<std::string>(kw, "budget");
  s.frequency = get<std::string>(kw, "frequency");
  if (kw.contains("frequency_file") && !kw["frequency_file"].is_none()) {
    if (py::isinstance<py::str>(kw["frequency_file"]))
      s.frequency_list = studies::advise_frequency_file(kw["frequency_file"].cast<std::string>());
    else
      s.frequency_list = kw["frequency_file"].cast<std::vector<double>>();
  }
  s.matrix = get<std::string>(kw, "matrix");
  s.recall = get<double>(kw, "neuron_recall");
  s.precision = get<double>(kw, "neuron_precision");
  s.alpha = get<double>(kw, "alpha");
  Eigen::MatrixXd z, c;
  if (auto a = get<py::array>(kw, "pilot_activations")) s.pilot_activations = &(z = matrix_from_array(*a, "pilot_activations"));
  if (auto a = get<py::array>(kw, "pilot_concepts")) s.pilot_concepts = &(c = matrix_from_array(*a, "pilot_concepts"));
  s.pilot_alpha = get<double>(kw, "pilot_alpha").value_or(0.05);
  if (auto m = get<std::vector<std::string>>(kw, "metrics")) s.metrics = *m;
  s.precision_level = get<std::int64_t>(kw, "precision").value_or(1);
  s.sanity_seeds = get<std::int64_t>(kw, "sanity_seeds").value_or(1000);
  s.sanity_orientation = get<std::string>(kw, "sanity_orientation").value_or("paper");
  s.seed = get<std::uint64_t>(kw, "seed").value_or(1);
  const int threads = get<int>(kw, "threads").value_or(0);
  check_threads("--threads", threads);
  const auto setup = studies::advise_setup_from(s, given_in(kw));
  nlohmann::json report;
  {
    py::gil_scoped_release release;
    const thread_limit limit(threads);
    report = studies::advise_json(setup.inputs, studies::advise_study(setup.inputs));
  }
  if (setup.pilot) {
    const auto& e = *setup.pilot;
    report["pilot"] = {{"samples", e.samples}, {"neurons", e.neurons}, {"concepts", e.concepts},
                       {"concepts_left_out", e.concepts_left_out}, {"firing_rate", e.alpha},
                       {"recall", e.recall}, {"recall_median", e.recall_median}, {"recall_capped", e.recall_capped}};
  }
  return to_python(report);
}

py::object bound(const py::dict& kw) {
  studies::bound_inputs in;
  in.metric_name = kw["metric"].cast<std::string>();
  in.n = get<std::int64_t>(kw, "n");
  in.concepts = kw["concepts"].cast<std::int64_t>();
  in.delta = kw["delta"].cast<double>();
  in.rho = get<double>(kw, "rho");
  if (const auto c = get<std::vector<std::int64_t>>(kw, "counts")) in.counts = *c;
  return to_python(studies::bound_json(in, studies::bound_study(in, given_in(kw))));
}

py::object be_coverage(const py::dict& kw) {
  studies::be_coverage_inputs in;
  in.K = kw["K"].cast<std::int64_t>();
  in.threshold = get<std::int64_t>(kw, "threshold");
  in.threshold_fraction = get<double>(kw, "threshold_fraction");
  in.p = get<double>(kw, "p");
  in.n = get<double>(kw, "n");
  in.margin = get<double>(kw, "margin");
  in.rho = get<double>(kw, "rho");
  in.concepts = get<std::int64_t>(kw, "concepts");
  in.metric_name = get<std::string>(kw, "metric");
  in.disagreement = get<double>(kw, "disagreement");
  Eigen::MatrixXd f, c;
  if (auto a = get<py::array>(kw, "pilot_neuron")) in.pilot_neuron = &(f = matrix_from_array(*a, "pilot_neuron"));
  if (auto a = get<py::array>(kw, "pilot_concepts")) in.pilot_concepts = &(c = matrix_from_array(*a, "pilot_concepts"));
  return to_python(studies::be_coverage_json(in, studies::be_coverage_study(in)));
}

py::dict sieve_plan(double ar, double power, double alpha, double p0) {
  const auto p = bounds::plan_verification_images(ar, power, alpha, p0);
  py::dict d;
  d["ar"] = ar;
  d["p0"] = p0;
  d["alpha"] = alpha;
  d["power_target"] = power;
  d["images"] = p.images;
  d["critical"] = p.critical;
  d["size"] = p.size;
  d["power"] = p.power;
  d["stable_from"] = p.stable_from;
  d["n_max_checked"] = p.n_max_checked;
  d["normal_approx"] = p.normal_approx;
  return d;
}

py::tuple clopper_pearson(std::int64_t successes, std::int64_t trials, double delta) {
  const auto ci = bounds::clopper_pearson(successes, trials, delta);
  return py::make_tuple(ci.lower, ci.upper);
}

py::dict simulate(const std::string& name, const py::dict& kw, int threads) {
  const studies::experiment& e = studies::find_experiment(name);
  studies::reject_unused_settings(e, given_in(kw));
  for (const auto& [k, v] : kw) {
    const std::string option = option_name(k);
    const auto& known = studies::experiment_setting_options();
    if (std::find(known.begin(), known.end(), option) == known.end())
      throw invalid_argument(fmt::format("unknown setting '{}' (known: {})", k.cast<std::string>(), fmt::join(known, ", ")));
  }
  check_threads("threads", threads);
  studies::experiment_settings s;
  if (const auto v = get<std::uint64_t>(kw, "seed")) s.seed = *v;
  s.replicates = get<std::int64_t>(kw, "replicates");
  s.n_min = get<std::int64_t>(kw, "n_min");
  s.n_max = get<std::int64_t>(kw, "n_max");
  s.n_points = get<std::int64_t>(kw, "n_points");
  if (const auto v = get<double>(kw, "delta")) s.delta = *v;
  s.matrix = get<std::string>(kw, "matrix");
  studies::experiment_result r;
  {
    py::gil_scoped_release release;
    const thread_limit limit(threads);
    r = studies::run_experiment(e, s);
  }
  py::list experiment, setting, metric_col, n, quantity, value;
  for (const auto& row : r.rows) {
    experiment.append(row.experiment);
    setting.append(row.setting);
    metric_col.append(row.metric);
    n.append(row.n);
    quantity.append(row.quantity);
    value.append(row.value ? py::object(py::float_(*row.value)) : py::object(py::float_(std::numeric_limits<double>::quiet_NaN())));
  }
  py::dict columns;
  columns["experiment"] = experiment;
  columns["setting"] = setting;
  columns["metric"] = metric_col;
  columns["n"] = n;
  columns["quantity"] = quantity;
  columns["value"] = value;
  py::dict out;
  out["columns"] = columns;
  out["parameters"] = to_python(r.parameters);
  out["description"] = e.description;
  return out;
}

std::vector<py::tuple> experiments() {
  std::vector<py::tuple> out;
  for (const auto& e : studies::experiment_table()) out.push_back(py::make_tuple(e.name, e.description, e.uses));
  return out;
}

}  // namespace
}  // namespace neuroncert::python

PYBIND11_MODULE(_core, mod) {
  using namespace neuroncert::python;
  mod.doc() = "neuroncert's compiled core (no LibTorch). Use the functions of the neuroncert package.";
  neuroncert::python::register_error_translation();
  mod.def("similarity", &similarity);
  mod.def("concepts", &vlm_concepts);
  mod.def("reason_names", &reason_names);
  mod.def("identify", &identify);
  mod.def("bootstrap", &bootstrap);
  mod.def("plan", &plan);
  mod.def("advise", &advise);
  mod.def("bound", &bound);
  mod.def("be_coverage", &be_coverage);
  mod.def("sieve_plan", &sieve_plan);
  mod.def("clopper_pearson", &clopper_pearson);
  mod.def("simulate", &simulate);
  mod.def("experiments", &experiments);
  mod.def("metric_names", [] {
    std::vector<std::string> out;
    for (const auto m : neuroncert::all_metrics) out.emplace_back(neuroncert::to_string(m));
    return out;
  });
  mod.attr("version") = std::string(neuroncert::version);
}

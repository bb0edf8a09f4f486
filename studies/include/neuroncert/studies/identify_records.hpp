#pragma once
// The records the identify study is written as (`neuroncert identify`): one per neuron (PREFIX.csv and
// "neurons" in PREFIX.json), one per chosen concept of a bootstrap ensemble (PREFIX_bootstrap.csv,
// "frequencies") and one per neuron's stability (PREFIX_be_sets.csv, "bootstrap"), each field
// described once for both files (record.hpp).
// Theory: docs/theory.md sec. 4 (rates and the generalisation gap), sec. 5 (bootstrap ensemble and BE sets).
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "neuroncert/bounds/certify.hpp"
#include "neuroncert/core/output_files.hpp"
#include "neuroncert/studies/identify_report.hpp"
#include "neuroncert/studies/probing_bundle.hpp"
#include "neuroncert/studies/record.hpp"

namespace neuroncert::studies {

/// One neuron's certified identification (PREFIX.csv; "neurons" in PREFIX.json).
struct identify_neuron_record {
  std::size_t neuron;
  const bounds::certified_identification& id;
  const std::string* name;  ///< of the chosen concept (null: none)
  const std::string* lcb_name = nullptr;  ///< of c_LCB (null: none)
};
/// One concept's selection frequency for one neuron (PREFIX_bootstrap.csv; "frequencies").
struct identify_frequency_record {
  Eigen::Index neuron;
  const concept_frequency& c;
  const std::string& name;
};
/// One neuron's stability (PREFIX_be_sets.csv; "bootstrap" of the neuron in PREFIX.json).
struct identify_stability_record {
  const neuron_stability& s;
  std::int64_t threshold;
  const std::vector<std::string>& names;
};

const record_layout<identify_neuron_record>& identify_neuron_layout();
const record_layout<identify_frequency_record>& identify_frequency_layout();
const record_layout<identify_stability_record>& identify_stability_layout();

/// Where and how an identify run is written.
struct identify_output {
  std::string prefix;                          ///< PREFIX.csv, PREFIX.json (+ _bootstrap.csv, _be_sets.csv)
  std::string activations, concepts;           ///< the input files, as given (recorded in the JSON)
  double delta = 0.05;                         ///< of the certificates
  std::optional<stability_options> bootstrap;  ///< set: run the bootstrap study, streaming into its files
  std::optional<double> threshold_fraction;    ///< the tau the BE threshold came from (none: t was given)
  nlohmann::json metadata;                     ///< added to the report's "metadata" (e.g. how a sharded run was split)
};

/// The sizes of the probing set a report was computed on.
struct identify_dimensions {
  Eigen::Index samples = 0, neurons = 0, concepts = 0;
};

/// Runs (or replays) the bootstrap study with these options, calling o.neuron_finished with every
/// neuron in order, and returns its report.
using bootstrap_runner = std::function<stability_report(const stability_options& o)>;

/// Writes the identification `report` of `bundle` (PREFIX.csv and PREFIX.json) and, with a
/// bootstrap, runs bootstrap_stability and streams each finished neuron into PREFIX_bootstrap.csv
/// and PREFIX_be_sets.csv (without one, those files of an earlier run are removed on commit). Every
/// file is staged in `outputs`, which the caller commits. Returns the JSON report as written.
nlohmann::json write_identify(const probing_bundle& bundle, metric m, const metric_options& options,
                              const identify_report& report, const identify_output& out,
                              io::output_transaction& outputs);

/// The same for results computed elsewhere (the sharded study): the concept `names`, the sizes, and
/// the bootstrap as a runner (called only when out.bootstrap is set).
nlohmann::json write_identify(const std::vector<std::string>& names, identify_dimensions dims, metric m,
                              const metric_options& options, const identify_report& report, const identify_output& out,
                              const bootstrap_runner& run_bootstrap, io::output_transaction& outputs);

}  // namespace neuroncert::studies

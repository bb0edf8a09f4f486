#pragma once
// The records the identify study is written as (`neuroncert identify`): one per neuron (PREFIX.csv and
// "neurons" in PREFIX.json), one per chosen concept of a bootstrap ensemble (PREFIX_bootstrap.csv,
// "frequencies") and one per neuron's stability (PREFIX_be_sets.csv, "bootstrap"), each field
// described once for both files (record.hpp).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "neuroncert/bounds/certify.hpp"
#include "neuroncert/studies/identify_report.hpp"
#include "neuroncert/studies/record.hpp"

namespace neuroncert::studies {

/// One neuron's certified identification (PREFIX.csv; "neurons" in PREFIX.json).
struct identify_neuron_record {
  std::size_t neuron;
  const bounds::certified_identification& id;
  const std::string* name;  ///< of the chosen concept (null: none)
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

}  // namespace neuroncert::studies

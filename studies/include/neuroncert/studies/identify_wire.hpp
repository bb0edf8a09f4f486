#pragma once
// Identify results as bytes, for the sharded study (sharded_identify.hpp): a rank encodes the
// neurons it finished, rank 0 decodes them into the records every writer reads. Every value is
// copied bit for bit (doubles as their 8 bytes), so what rank 0 writes is byte-identical to a
// single-process run. Not a file format: both ends are the same build.
// Design: docs/sharded_inputs.md (identify past one machine).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "neuroncert/bounds/certify.hpp"
#include "neuroncert/studies/identify_report.hpp"

namespace neuroncert::studies {

/// Neurons finished by one rank in one round: their global indices and results (stability empty
/// without a bootstrap; its `neuron` fields are global indices).
struct finished_neurons {
  std::vector<Eigen::Index> index;
  std::vector<bounds::certified_identification> identification;
  std::vector<neuron_stability> stability;
};

std::string encode(const finished_neurons& neurons);
/// data_error when the bytes are not what encode() wrote.
finished_neurons decode_finished_neurons(const std::string& bytes);

}  // namespace neuroncert::studies

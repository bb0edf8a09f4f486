#pragma once
// The probing bundle: what `identify` reads, from files, in one place (activations + concepts +
// concept names), so there is one reader to make faster.
// Design: docs/design.md#data-flow (data flow).
#include <filesystem>
#include <string>
#include <vector>

#include "neuroncert/core/probing_set.hpp"

namespace neuroncert::studies {

struct probing_bundle {
  probing_set set;                 ///< validated activations (n x F) and concepts (n x |C|)
  std::vector<std::string> names;  ///< |C| concept names, in column order
};

/// Reads the activations and concepts (.npy matrices) and the concept names (one per line; when
/// `names_path` is empty, "concept_0", "concept_1", ...) and validates them as a probing set.
/// data_error naming the file for anything unreadable or inconsistent.
probing_bundle load_probing_bundle(const std::filesystem::path& activations_path,
                                   const std::filesystem::path& concepts_path,
                                   const std::filesystem::path& names_path = {});

/// "concept_0", ..., "concept_{count-1}": the names of concepts that have none.
std::vector<std::string> default_concept_names(std::size_t count);

}  // namespace neuroncert::studies

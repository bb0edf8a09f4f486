#include "neuroncert/studies/probing_bundle.hpp"

#include <fmt/format.h>

#include "neuroncert/core/names_file.hpp"
#include "neuroncert/core/probing_files.hpp"

namespace neuroncert::studies {

std::vector<std::string> default_concept_names(std::size_t count) {
  std::vector<std::string> names;
  names.reserve(count);
  for (std::size_t c = 0; c < count; ++c) names.push_back(fmt::format("concept_{}", c));
  return names;
}

probing_bundle load_probing_bundle(const std::filesystem::path& activations_path,
                                   const std::filesystem::path& concepts_path,
                                   const std::filesystem::path& names_path) {
  probing_bundle b;
  // Streamed: never the files whole, never a dense concept matrix (probing_files.hpp).
  b.set = io::read_probing_set(activations_path, concepts_path);
  const auto count = static_cast<std::size_t>(b.set.concept_count());
  b.names = names_path.empty() ? default_concept_names(count) : io::read_names_file(names_path, count);
  return b;
}

}  // namespace neuroncert::studies

#include "neuroncert/studies/probing_bundle.hpp"

#include <fmt/format.h>

#include "neuroncert/core/names_file.hpp"
#include "neuroncert/core/npy.hpp"

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
  b.set = make_probing_set(io::read_npy_matrix(activations_path, "activations"),
                           io::read_npy_matrix(concepts_path, "concepts"));
  const auto count = static_cast<std::size_t>(b.set.concept_count());
  b.names = names_path.empty() ? default_concept_names(count) : io::read_names_file(names_path, count);
  return b;
}

}  // namespace neuroncert::studies

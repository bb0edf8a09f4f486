#include "neuroncert/core/probing_files.hpp"

#include "neuroncert/core/npy.hpp"

namespace neuroncert::io {

sparse_concepts read_sparse_concepts(const std::filesystem::path& concepts) {
  sparse_concepts_builder builder(0);
  std::size_t cols = 0;
  stream_npy_rows(concepts, "concepts",
                  {[&](std::size_t, std::size_t c) {
                     cols = c;
                     builder = sparse_concepts_builder(static_cast<Eigen::Index>(c));
                   },
                   [&](std::size_t, std::size_t count, const double* values) {
                     for (std::size_t i = 0; i < count; ++i) {
                       const double* row = values + i * cols;
                       for (std::size_t c = 0; c < cols; ++c)
                         if (row[c] != 0.0) builder.add(static_cast<std::uint32_t>(c), row[c]);  // NaN too: refused later
                       builder.end_row();
                     }
                   }});
  return std::move(builder).finish();
}

probing_set read_probing_set(const std::filesystem::path& activations, const std::filesystem::path& concepts,
                             const probing_set_checks& checks) {
  auto a = read_npy_matrix_by_rows(activations, "activations");
  return make_probing_set(std::move(a), read_sparse_concepts(concepts), checks);
}

}  // namespace neuroncert::io

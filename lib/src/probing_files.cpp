#include "neuroncert/core/probing_files.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include "neuroncert/core/error.hpp"
#include "neuroncert/core/npy.hpp"

namespace neuroncert::io {

namespace {

/// A 1-D array of whole numbers >= 0 from `dir`/`name` (indptr, indices, shape).
std::vector<std::uint64_t> read_counts(const std::filesystem::path& file, std::string_view what) {
  const npy_array a = read_npy(file);
  if (a.shape.size() != 1)
    throw data_error(fmt::format("{}: {} must be a 1-D array, got {} dimensions", file.string(), what, a.shape.size()));
  std::vector<std::uint64_t> out(a.values.size());
  for (std::size_t k = 0; k < out.size(); ++k) {
    const double v = a.values[k];
    if (!(v >= 0.0) || v != std::floor(v) || v > 9.0e15)
      throw data_error(fmt::format("{}: {} must hold whole numbers >= 0, got {} at element {}", file.string(), what, v, k));
    out[k] = static_cast<std::uint64_t>(v);
  }
  return out;
}

sparse_concepts read_csr_directory(const std::filesystem::path& dir) {
  const auto name = [&](const char* file) { return dir / file; };
  const auto shape = read_counts(name("shape.npy"), "shape");
  if (shape.size() != 2)
    throw data_error(fmt::format("{}: shape must hold 2 numbers [samples, concepts], got {}", name("shape.npy").string(),
                                 shape.size()));
  if (shape[1] > std::numeric_limits<std::uint32_t>::max())
    throw data_error(fmt::format("{}: {} concepts is more than 2^32 - 1", name("shape.npy").string(), shape[1]));
  const auto indptr = read_counts(name("indptr.npy"), "indptr");
  const auto indices = read_counts(name("indices.npy"), "indices");
  if (indptr.size() != shape[0] + 1 || indptr.front() != 0 || indptr.back() != indices.size())
    throw data_error(fmt::format("{}: indptr must hold samples + 1 = {} offsets from 0 to the {} indices, got {} "
                                 "offsets ending at {}", name("indptr.npy").string(), shape[0] + 1, indices.size(),
                                 indptr.size(), indptr.empty() ? 0 : indptr.back()));
  std::vector<double> data;
  if (std::filesystem::exists(name("data.npy"))) {
    npy_array a = read_npy(name("data.npy"));
    if (a.shape.size() != 1 || a.values.size() != indices.size())
      throw data_error(fmt::format("{}: data must be a 1-D array of the {} nonzeros' values, got {} values",
                                   name("data.npy").string(), indices.size(), a.values.size()));
    data = std::move(a.values);
  }
  sparse_concepts_builder builder(static_cast<Eigen::Index>(shape[1]));
  std::vector<std::pair<std::uint64_t, double>> row;
  for (std::size_t i = 0; i + 1 < indptr.size(); ++i) {
    if (indptr[i + 1] < indptr[i])
      throw data_error(fmt::format("{}: indptr decreases at sample {}", name("indptr.npy").string(), i));
    row.clear();
    for (auto p = indptr[i]; p < indptr[i + 1]; ++p) {
      if (indices[p] >= shape[1])
        throw data_error(fmt::format("{}: concept index {} at nonzero {} is outside [0, {})",
                                     name("indices.npy").string(), indices[p], p, shape[1]));
      const double y = data.empty() ? 1.0 : data[p];
      if (y != 0.0) row.emplace_back(indices[p], y);  // NaN too: refused by make_probing_set
    }
    std::sort(row.begin(), row.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (std::size_t k = 0; k < row.size(); ++k) {
      if (k > 0 && row[k].first == row[k - 1].first)
        throw data_error(fmt::format("{}: sample {} lists concept {} twice", name("indices.npy").string(), i, row[k].first));
      builder.add(static_cast<std::uint32_t>(row[k].first), row[k].second);
    }
    builder.end_row();
  }
  auto s = std::move(builder).finish();
  return s;
}

sparse_concepts read_dense_concepts(const std::filesystem::path& concepts) {
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

}  // namespace

sparse_concepts read_sparse_concepts(const std::filesystem::path& concepts) {
  return std::filesystem::is_directory(concepts) ? read_csr_directory(concepts) : read_dense_concepts(concepts);
}

sparse_concepts read_sparse_concepts(const std::vector<std::filesystem::path>& shards) {
  if (shards.size() == 1) return read_sparse_concepts(shards.front());
  sparse_concepts out;
  out.row_start.push_back(0);
  bool all_binary = true;
  std::vector<sparse_concepts> parts;
  for (const auto& path : shards) {
    parts.push_back(read_sparse_concepts(path));
    const auto& part = parts.back();
    if (parts.size() == 1) out.concepts = part.concepts;
    if (part.concepts != out.concepts)
      throw data_error(fmt::format("{}: {} concepts, but the first concept shard {} has {}", path.string(),
                                   part.concepts, shards.front().string(), out.concepts));
    all_binary = all_binary && part.binary();
  }
  for (const auto& part : parts) {
    const std::uint64_t base = out.index.size();
    for (std::size_t i = 1; i < part.row_start.size(); ++i) out.row_start.push_back(base + part.row_start[i]);
    out.index.insert(out.index.end(), part.index.begin(), part.index.end());
    if (!all_binary)
      for (std::size_t p = 0; p < part.nonzeros(); ++p) out.value.push_back(part.at(p));
    out.samples += part.samples;
  }
  return out;
}

probing_set read_probing_set(const std::filesystem::path& activations, const std::filesystem::path& concepts,
                             const probing_set_checks& checks) {
  auto a = read_npy_matrix_by_rows(activations, "activations");
  return make_probing_set(std::move(a), read_sparse_concepts(concepts), checks);
}

}  // namespace neuroncert::io

// Cached extraction of real activations (real_activations.hpp).
#include "real_activations.hpp"

#include <fstream>

#include <fmt/format.h>

#include "neuroncert/core/error.hpp"
#include "neuroncert/core/npy.hpp"

namespace neuroncert::cli {

namespace fs = std::filesystem;

Eigen::MatrixXd to_matrix(const at::Tensor& activations) {
  const auto n = activations.size(0), f = activations.size(1);
  Eigen::MatrixXd out(n, f);
  const float* p = activations.data_ptr<float>();
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < f; ++j) out(i, j) = p[i * f + j];
  return out;
}

Eigen::MatrixXd to_matrix(const models::ConceptMatrix& concepts) {
  const auto n = concepts.matrix.size(0), c = concepts.matrix.size(1);
  Eigen::MatrixXd out(n, c);
  const auto* p = concepts.matrix.data_ptr<std::uint8_t>();
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = 0; j < c; ++j) out(i, j) = p[i * c + j];
  return out;
}

Eigen::MatrixXd cached_activations(models::Model& model, const at::Tensor& images, const std::string& layer,
                                   models::Pool pool, std::int64_t batch, int threads, const fs::path& cache,
                                   bool progress, std::string_view who) {
  const auto n = images.size(0);
  if (!cache.empty() && fs::exists(cache)) {
    auto acts = io::read_npy_matrix(cache, "cached activations");
    if (acts.rows() != n)
      throw data_error(
          fmt::format("{}: cached activations have {} rows, expected {}", cache.string(), acts.rows(), n));
    return acts;
  }
  models::set_intra_op_threads(threads);
  if (progress) fmt::print(stderr, "{}: extracting {} layer {} on {} images\n", who, model.name(), layer, n);
  const auto t = models::extract_activations(model, images, layer, pool, batch, progress);
  if (!cache.empty())
    io::write_npy(cache, t.data_ptr<float>(), {static_cast<std::size_t>(n), static_cast<std::size_t>(t.size(1))});
  return to_matrix(t);
}

real_set load_or_extract(const std::string& model, const std::string& layer, const std::string& dataset,
                         std::int64_t limit, const fs::path& cache_dir, const fs::path& cifar_dir, int threads) {
  const std::string stem = fmt::format("acts_{}_{}_{}{}", dataset, model, layer,
                                       limit > 0 ? fmt::format("_first{}", limit) : std::string());
  const fs::path acts = cache_dir / (stem + ".npy"), concepts = cache_dir / (stem + "_concepts.npy"),
                 names = cache_dir / (stem + "_concepts.txt");
  if (!fs::exists(acts) || !fs::exists(concepts) || !fs::exists(names)) {
    auto m = models::load_model(model, cifar_dir);
    const auto set = models::load_cifar(cifar_dir, dataset, models::CifarSubset::full, limit);
    fs::remove(acts);  // a partial cache is rebuilt as a whole
    cached_activations(*m, set.images, layer, models::Pool::automatic, 256, threads, acts);
    const auto c = models::concept_matrix(set);
    io::write_npy(concepts, c.matrix.data_ptr<std::uint8_t>(),
                  {static_cast<std::size_t>(c.matrix.size(0)), static_cast<std::size_t>(c.matrix.size(1))});
    std::ofstream out(names);
    for (const auto& name : c.names) out << name << '\n';
    if (!out) throw data_error(fmt::format("{}: cannot write concept names", names.string()));
  }
  real_set r;
  r.activations = io::read_npy_matrix(acts, "activations");
  r.concepts = io::read_npy_matrix(concepts, "concepts");
  std::ifstream in(names);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) r.names.push_back(line);
  if (static_cast<Eigen::Index>(r.names.size()) != r.concepts.cols())
    throw data_error(fmt::format("{}: {} names for {} concepts", names.string(), r.names.size(), r.concepts.cols()));
  if (r.activations.rows() != r.concepts.rows())
    throw data_error(fmt::format("{}: {} activation rows for {} concept rows", acts.string(), r.activations.rows(),
                                 r.concepts.rows()));
  return r;
}

}  // namespace neuroncert::cli

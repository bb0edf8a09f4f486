// Cached extraction of real activations (activation_cache.hpp).
#include "neuroncert/studies/activation_cache.hpp"


#include <fmt/format.h>

#include "neuroncert/core/error.hpp"
#include "neuroncert/core/json_io.hpp"
#include "neuroncert/core/names_file.hpp"
#include "neuroncert/core/npy.hpp"
#include "neuroncert/studies/provenance.hpp"

namespace neuroncert::studies {

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

namespace {

/// The provenance record of `source` as written beside a cache (model file identity included).
nlohmann::json provenance_record(const activation_source& source) {
  nlohmann::json j = {{"model", source.model}, {"layer", source.layer}, {"pool", source.pool},
                      {"data", source.data},   {"images", source.images}};
  std::error_code ec;
  if (fs::is_regular_file(source.model, ec)) {  // a TorchScript file: the same path may hold another model later
    j["model_bytes"] = fs::file_size(source.model, ec);
    j["model_modified"] = static_cast<std::int64_t>(fs::last_write_time(source.model, ec).time_since_epoch().count());
  }
  return j;
}

fs::path provenance_path(const fs::path& cache) {
  fs::path p = cache;
  p += ".json";
  return p;
}

/// Why `cache` cannot serve `source` (its record is missing or differs), or "" if it can.
std::string cache_mismatch(const fs::path& cache, const activation_source& source) {
  const fs::path record_path = provenance_path(cache);
  if (!fs::exists(record_path))
    return fmt::format("has no provenance record {} (made by an older version, or not a cache)",
                       record_path.filename().string());
  const nlohmann::json record = io::read_json(record_path);
  const nlohmann::json made = record.contains("source") ? record["source"] : nlohmann::json::object();
  const nlohmann::json wanted = provenance_record(source);
  // Most telling difference first (a JSON object iterates its keys alphabetically).
  for (const char* key : {"model", "model_bytes", "model_modified", "layer", "pool", "data", "images"}) {
    if (!wanted.contains(key)) continue;
    const auto& value = wanted[key];
    if (!made.contains(key) || made[key] != value)
      return fmt::format("was made from {} = {}, not {}", key, made.contains(key) ? made[key].dump() : "(unrecorded)",
                         value.dump());
  }
  return {};
}

/// The cached matrix of a cache that matches its source; data_error if its shape is not the recorded one.
Eigen::MatrixXd read_matching_cache(const fs::path& cache, const activation_source& source) {
  const nlohmann::json record = io::read_json(provenance_path(cache));
  auto acts = io::read_npy_matrix(cache, "cached activations");
  if (acts.rows() != source.images || !record.contains("features") || record["features"] != acts.cols())
    throw data_error(fmt::format("{}: cached activations are {} x {}, but its record says {} x {}: delete it",
                                 cache.string(), acts.rows(), acts.cols(), source.images,
                                 record.contains("features") ? record["features"].dump() : "?"));
  return acts;
}

}  // namespace

Eigen::MatrixXd cached_activations(models::Model& model, const at::Tensor& images, const activation_source& source,
                                   models::Pool pool, std::int64_t batch, int threads, const fs::path& cache,
                                   stale_cache stale, const note_callback& note) {
  const auto n = images.size(0);
  if (n != source.images)
    throw invalid_argument(fmt::format("activation source says {} images, {} given", source.images, n));
  if (!cache.empty() && fs::exists(cache)) {
    const std::string mismatch = cache_mismatch(cache, source);
    if (mismatch.empty()) return read_matching_cache(cache, source);
    if (stale == stale_cache::refuse)
      throw data_error(fmt::format("{}: activation cache {}: delete it or give another --activations-cache",
                                   cache.string(), mismatch));
    if (note) note(fmt::format("rebuilding {}: {}", cache.string(), mismatch));
  }
  models::set_intra_op_threads(threads);
  if (note) note(fmt::format("extracting {} layer {} on {} images", model.name(), source.layer, n));
  const auto t = models::extract_activations(model, images, source.layer, pool, batch, static_cast<bool>(note));
  if (!cache.empty()) {
    // The record lands after the matrix: a cache without one is refused, never trusted.
    io::write_npy(cache, t.data_ptr<float>(), {static_cast<std::size_t>(n), static_cast<std::size_t>(t.size(1))});
    io::write_json(provenance_path(cache),
                   run_metadata({{"source", provenance_record(source)}, {"features", t.size(1)}}));
  }
  return to_matrix(t);
}

real_set load_or_extract(const std::string& model, const std::string& layer, const std::string& dataset,
                         std::int64_t limit, const fs::path& cache_dir, const fs::path& cifar_dir, int threads) {
  const std::string stem = fmt::format("acts_{}_{}_{}{}", dataset, model, layer,
                                       limit > 0 ? fmt::format("_first{}", limit) : std::string());
  const fs::path acts = cache_dir / (stem + ".npy"), concepts = cache_dir / (stem + "_concepts.npy"),
                 names = cache_dir / (stem + "_concepts.txt");
  const auto set = models::load_cifar(cifar_dir, dataset, models::CifarSubset::full, limit);
  const activation_source source{model, layer, "auto", dataset, set.size()};
  if (!fs::exists(acts) || !fs::exists(concepts) || !fs::exists(names) || !cache_mismatch(acts, source).empty()) {
    auto m = models::load_model(model, cifar_dir);
    fs::remove(acts);  // a partial cache is rebuilt as a whole
    cached_activations(*m, set.images, source, models::Pool::automatic, 256, threads, acts, stale_cache::rebuild);
    const auto c = models::concept_matrix(set);
    io::write_npy(concepts, c.matrix.data_ptr<std::uint8_t>(),
                  {static_cast<std::size_t>(c.matrix.size(0)), static_cast<std::size_t>(c.matrix.size(1))});
    std::string text;
    for (const auto& name : c.names) text += name + '\n';
    io::write_text_file(names, text);
  }
  real_set r;
  r.concepts = io::read_npy_matrix(concepts, "concepts");
  r.activations = read_matching_cache(acts, source);
  r.names = io::read_names_file(names, static_cast<std::size_t>(r.concepts.cols()));
  if (r.activations.rows() != r.concepts.rows())
    throw data_error(fmt::format("{}: {} activation rows for {} concept rows", acts.string(), r.activations.rows(),
                                 r.concepts.rows()));
  return r;
}

}  // namespace neuroncert::studies

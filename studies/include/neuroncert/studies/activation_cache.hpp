#pragma once
// The activation cache: for the figures jobs and `sieve`, one place that runs a model layer over a
// CIFAR test set (models library) and caches the result as .npy, so a second run reuses it.
// Theory: docs/theory.md sec. 6.5 (real activations).
// Design: docs/design.md#studies (studies).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include "neuroncert/models/cifar.hpp"
#include "neuroncert/models/extract.hpp"
#include "neuroncert/models/model.hpp"
#include "neuroncert/studies/progress.hpp"

namespace neuroncert::studies {

/// Activations (n x F) and one-hot concepts (n x |C|) of one model layer on one data set.
struct real_set {
  Eigen::MatrixXd activations, concepts;
  std::vector<std::string> names;  ///< |C| concept names (column order of `concepts`)
};

/// A float tensor [n, F] (row-major, contiguous) as an n x F double matrix.
Eigen::MatrixXd to_matrix(const at::Tensor& activations);
/// The uint8 one-hot concept matrix as an n x |C| double matrix of 0/1.
Eigen::MatrixXd to_matrix(const models::ConceptMatrix& concepts);

/// What a set of activations was made from: the model (for a TorchScript file also its size and
/// modification time), the layer, the pooling, the data set and the image count. A cache records
/// it beside itself and is used only when the request matches, key for key.
struct activation_source {
  std::string model, layer, pool, data;
  std::int64_t images = 0;
};

/// What to do with a cache whose record is missing or differs from the request: a cache the user
/// named is refused (data_error naming the first difference); the figures' own caches are rebuilt.
enum class stale_cache { refuse, rebuild };

/// Activations of `layer` on `images`: read from `cache` when that .npy exists and its provenance
/// record (`<cache>.json`) matches `source` (a width other than the recorded one is a data_error),
/// a stale cache refused or rebuilt as `stale` says, else extracted with `threads` intra-op threads
/// (0 = LibTorch's default) and, when `cache` is not empty, written there with its record.
/// `note` gets a line when a stale cache is rebuilt (and why) and before the extraction; when it is
/// set, the extractor also draws its own progress bar (models/extract.hpp).
Eigen::MatrixXd cached_activations(models::Model& model, const at::Tensor& images, const activation_source& source,
                                   models::Pool pool, std::int64_t batch, int threads,
                                   const std::filesystem::path& cache, stale_cache stale,
                                   const note_callback& note = {});

/// Activations of model `model`, layer `layer` on `dataset` ("cifar10" or "cifar100"; the first
/// `limit` test images, 0 = all) with the data set's concepts (CIFAR-10: its 10 classes; CIFAR-100:
/// 100 fine + 20 coarse). Cached in `cache_dir` as acts_<dataset>_<model>_<layer>[_first<limit>]
/// {.npy, _concepts.npy, _concepts.txt}; the model is loaded only when a file is missing.
real_set load_or_extract(const std::string& model, const std::string& layer, const std::string& dataset,
                         std::int64_t limit, const std::filesystem::path& cache_dir,
                         const std::filesystem::path& cifar_dir, int threads);

}  // namespace neuroncert::studies

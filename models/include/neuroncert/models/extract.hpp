#pragma once
// Activation extraction: batched forward passes of a Model up to a named layer, pooled to one
// feature vector per image. The result is a float32 CPU torch tensor [n, F], contiguous and
// row-major (image i's features at data_ptr<float>() + i * F), so it can be written to .npy or
// mapped into an Eigen::Map<RowMatrixXf> without copying.
//
// Pooling of a layer's raw output:
//   4-D feature map [B, C, H, W]: avg (= mean) over H x W, or max over H x W       -> F = C
//   3-D tokens      [B, T, D]   : cls (token 0), mean (= avg) or max over tokens 1..T-1 -> F = D
//   2-D features    [B, F]      : used as is (the pool argument is ignored)
//   automatic: avg for feature maps, cls for tokens.
// Design: docs/design.md#models-real-activations (models).
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "neuroncert/models/model.hpp"

namespace neuroncert::models {

enum class Pool { automatic, avg, max, cls, mean };

/// "auto", "avg", "max", "cls", "mean"; invalid_argument otherwise.
Pool parse_pool(const std::string& name);
std::string pool_name(Pool pool);

/// Pools a raw layer output as described above; invalid_argument if the pool does not apply to
/// the output's rank (e.g. cls on a feature map) or the rank is not 2, 3 or 4.
at::Tensor pool_output(const at::Tensor& output, Pool pool, const std::string& layer);

/// Activations of `layer` for uint8 images [n, 3, 32, 32]: the model's own preprocessing, then
/// forward passes of `batch_size` images under no-grad, pooled -> float32 [n, F].
/// `progress` draws a progress bar on stderr. Results are deterministic, the same for any thread
/// count and, up to float round-off, independent of batch_size. extract_streamed() with the
/// images' slices as its source.
at::Tensor extract_activations(Model& model, const at::Tensor& images, const std::string& layer, Pool pool = Pool::automatic,
                               std::int64_t batch_size = 256, bool progress = false);

/// One batch of model inputs made by a BatchSource for the items start..stop-1 of a run:
/// `inputs` float32 [b, 3, H, W], already preprocessed, for the items it could read, whose
/// indices are `rows` (in order; fewer than stop - start when the source skipped unreadable ones).
struct InputBatch {
  at::Tensor inputs;
  std::vector<std::int64_t> rows;
};
/// Makes the inputs of items start..stop-1 (decoding files, say). Called on the extraction's worker
/// threads, concurrently for different batches, each thread running LibTorch on one thread: it must
/// be thread-safe, and its result must depend on start and stop only.
using BatchSource = std::function<InputBatch(std::int64_t start, std::int64_t stop)>;

/// What extract_streamed() returns: float32 [rows.size(), F] and the item index of each row.
struct StreamedActivations {
  at::Tensor activations;
  std::vector<std::int64_t> rows;
};

/// The one extraction loop: n items in batches of `batch_size`, each made by `source` and pushed
/// through the model on the worker thread that made it, so that while one worker decodes its batch
/// another runs its forward pass, and at most one batch per worker is held in memory (the inputs of
/// a 50,000-image folder are never all decoded at once). Batches are taken in order and their rows
/// concatenated in order; the first failing batch's error is the one reported, as in a sequential
/// run. `progress` draws a progress bar with the throughput (images/s) on stderr.
StreamedActivations extract_streamed(Model& model, std::int64_t n, const BatchSource& source, const std::string& layer,
                                     Pool pool = Pool::automatic, std::int64_t batch_size = 256, bool progress = false);

/// Number of images whose argmax over the model's logits layer equals the label.
std::int64_t count_correct(Model& model, const at::Tensor& images, const std::vector<std::int64_t>& labels,
                           std::int64_t batch_size = 500, bool progress = false);

/// LibTorch intra-op threads for forward passes; n <= 0 means std::thread::hardware_concurrency().
/// If it was never called, the first extract_activations() call sets hardware concurrency.
/// Keep oneTBB work narrow while a forward pass runs (docs/design.md: never both at full width).
void set_intra_op_threads(int n);
int intra_op_threads();

}  // namespace neuroncert::models

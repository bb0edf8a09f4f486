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
#include <cstdint>
#include <string>

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
/// count and, up to float round-off, independent of batch_size. The batches are shared out among
/// set_intra_op_threads() workers, each running its passes on one LibTorch thread.
at::Tensor extract_activations(Model& model, const at::Tensor& images, const std::string& layer, Pool pool = Pool::automatic,
                               std::int64_t batch_size = 256, bool progress = false);

/// Number of images whose argmax over the model's logits layer equals the label.
std::int64_t count_correct(Model& model, const at::Tensor& images, const std::vector<std::int64_t>& labels,
                           std::int64_t batch_size = 500, bool progress = false);

/// LibTorch intra-op threads for forward passes; n <= 0 means std::thread::hardware_concurrency().
/// If it was never called, the first extract_activations() call sets hardware concurrency.
/// Keep oneTBB work narrow while a forward pass runs (DESIGN.md: never both at full width).
void set_intra_op_threads(int n);
int intra_op_threads();

}  // namespace neuroncert::models

#include "neuroncert/models/extract.hpp"

#include <algorithm>
#include <cstdio>
#include <thread>

#include <ATen/Functions.h>
#include <ATen/Parallel.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/utils.h>

#include "neuroncert/core/error.hpp"
#include "neuroncert/core/progress_bar.hpp"
#include "neuroncert/models/parameter_checks.hpp"

namespace neuroncert::models {

Pool parse_pool(const std::string& name) {
  if (name == "auto") return Pool::automatic;
  if (name == "avg") return Pool::avg;
  if (name == "max") return Pool::max;
  if (name == "cls") return Pool::cls;
  if (name == "mean") return Pool::mean;
  throw invalid_argument(fmt::format("unknown pool '{}' (known: auto, avg, max, cls, mean)", name));
}

std::string pool_name(Pool pool) {
  switch (pool) {
    case Pool::automatic: return "auto";
    case Pool::avg: return "avg";
    case Pool::max: return "max";
    case Pool::cls: return "cls";
    case Pool::mean: return "mean";
  }
  return "?";
}

at::Tensor pool_output(const at::Tensor& output, Pool pool, const std::string& layer) {
  const auto rank = output.dim();
  if (rank == 2) return output;
  if (rank == 4) {
    switch (pool) {
      case Pool::automatic:
      case Pool::avg:
      case Pool::mean: return output.mean({2, 3});
      case Pool::max: return output.amax({2, 3});
      case Pool::cls: break;
    }
    throw invalid_argument(fmt::format("pool 'cls' does not apply to layer '{}' (a feature map; use avg or max)", layer));
  }
  if (rank == 3) {
    if (output.size(1) < 2 && pool != Pool::cls && pool != Pool::automatic)
      throw invalid_argument(fmt::format("layer '{}' has no patch tokens to pool over", layer));
    using at::indexing::None;
    using at::indexing::Slice;
    switch (pool) {
      case Pool::automatic:
      case Pool::cls: return output.select(1, 0);
      case Pool::avg:
      case Pool::mean: return output.index({Slice(), Slice(1, None)}).mean(1);
      case Pool::max: return output.index({Slice(), Slice(1, None)}).amax(1);
    }
  }
  throw invalid_argument(fmt::format("layer '{}' has a {}-D output; only 2-D, 3-D (tokens) or 4-D (feature maps) "
                                     "can be extracted", layer, rank));
}

namespace {
bool threads_chosen = false;  // set_intra_op_threads() called?

}  // namespace

at::Tensor extract_activations(Model& model, const at::Tensor& images, const std::string& layer, Pool pool,
                               std::int64_t batch_size, bool progress) {
  if (images.dim() != 4 || images.size(1) != 3 || images.scalar_type() != at::kByte)
    throw invalid_argument("extract_activations: images must be a uint8 tensor [n, 3, H, W]");
  if (batch_size < 1) throw invalid_argument(fmt::format("batch size must be at least 1, got {}", batch_size));
  model.check_layer(layer);
  if (!threads_chosen) set_intra_op_threads(0);
  torch::NoGradGuard no_grad;
  const std::int64_t n = images.size(0);
  const auto norm = model.normalization();
  at::Tensor result;
  progress_bar bar("extract", "images");
  if (progress) bar.update(0, n);
  for (std::int64_t start = 0; start < n; start += batch_size) {
    const auto stop = std::min(n, start + batch_size);
    auto x = preprocess(images.slice(0, start, stop), norm);
    const std::string source = fmt::format("model {}, layer {}", model.name(), layer);
    at::Tensor feats;
    try {
      feats = pool_output(model.forward_layer(x, layer), pool, layer).to(at::kFloat).contiguous();
    } catch (const c10::Error& e) {  // LibTorch's message goes on with a backtrace: its first line only
      const std::string m = e.what_without_backtrace();
      throw data_error(fmt::format("{}: forward pass failed: {}", source, m.substr(0, m.find('\n'))));
    }
    if (feats.dim() != 2 || feats.size(0) != stop - start)
      throw data_error(fmt::format("{}: returned shape [{}] for a batch of {} images (one row per image expected)",
                                   source, fmt::join(feats.sizes(), ", "), stop - start));
    if (result.defined() && feats.size(1) != result.size(1))
      throw data_error(fmt::format("{}: returned {} features for images {}..{} but {} before", source, feats.size(1),
                                   start, stop - 1, result.size(1)));
    check_finite_activations(feats, start, source);
    if (!result.defined()) result = at::empty({n, feats.size(1)}, at::TensorOptions().dtype(at::kFloat));
    result.slice(0, start, stop).copy_(feats);
    if (progress) bar.update(stop, n);
  }
  if (!result.defined()) result = at::empty({0, 0}, at::TensorOptions().dtype(at::kFloat));
  return result;
}

std::int64_t count_correct(Model& model, const at::Tensor& images, const std::vector<std::int64_t>& labels,
                           std::int64_t batch_size, bool progress) {
  if (static_cast<std::int64_t>(labels.size()) != images.size(0))
    throw invalid_argument(fmt::format("count_correct: {} labels for {} images", labels.size(), images.size(0)));
  const auto logits = extract_activations(model, images, model.logits_layer(), Pool::automatic, batch_size, progress);
  const auto pred = logits.argmax(1).contiguous();
  const auto* p = pred.data_ptr<std::int64_t>();
  std::int64_t correct = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) correct += p[i] == labels[i];
  return correct;
}

void set_intra_op_threads(int n) {
  if (n <= 0) n = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  at::set_num_threads(n);
  threads_chosen = true;
}

int intra_op_threads() { return at::get_num_threads(); }

}  // namespace neuroncert::models

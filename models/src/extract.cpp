#include "neuroncert/models/extract.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <vector>
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
int worker_threads = 1;       // what set_intra_op_threads() chose

/// One batch's pooled float32 features, checked (shape, finiteness); data_error naming the model
/// and layer otherwise. `first_row` is the batch's first item, for messages.
at::Tensor batch_features(Model& model, const at::Tensor& inputs, const std::string& layer, Pool pool,
                          std::int64_t first_row) {
  const std::string source = fmt::format("model {}, layer {}", model.name(), layer);
  const std::int64_t b = inputs.size(0);
  at::Tensor feats;
  try {
    feats = pool_output(model.forward_layer(inputs, layer), pool, layer).to(at::kFloat).contiguous();
  } catch (const c10::Error& e) {  // LibTorch's message goes on with a backtrace: its first line only
    const std::string m = e.what_without_backtrace();
    throw data_error(fmt::format("{}: forward pass failed: {}", source, m.substr(0, m.find('\n'))));
  }
  if (feats.dim() != 2 || feats.size(0) != b)
    throw data_error(fmt::format("{}: returned shape [{}] for a batch of {} images (one row per image expected)",
                                 source, fmt::join(feats.sizes(), ", "), b));
  check_finite_activations(feats, first_row, source);
  return feats;
}

/// The bar's label carries the throughput: "extract 412 images/s".
void draw_progress(progress_bar& bar, std::int64_t done, std::int64_t n,
                   std::chrono::steady_clock::time_point start) {
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (done > 0 && s > 0) bar.set_label(fmt::format("extract {:.0f} images/s", static_cast<double>(done) / s));
  bar.update(done, n);
}

}  // namespace

// The batches are shared out among the worker threads, each making its batch's inputs (decoding
// files, for a folder of images) and running its forward passes with one LibTorch thread: a small
// model's operators are too short to split well (ViT on the 10,000 CIFAR-100 test images, 2 cores:
// one thread 39 s, two intra-op threads 25 s, two batches at once 19 s), and every image is computed
// by the same one-thread kernels whatever the thread count, so the result does not depend on it.
// With two or more workers decoding overlaps the other workers' forward passes, and memory holds
// one batch per worker. Batches are taken in order, so every batch before a failing one has run and
// the error reported is the first failing batch's, as in a sequential run.
StreamedActivations extract_streamed(Model& model, std::int64_t n, const BatchSource& source, const std::string& layer,
                                     Pool pool, std::int64_t batch_size, bool progress) {
  if (batch_size < 1) throw invalid_argument(fmt::format("batch size must be at least 1, got {}", batch_size));
  model.check_layer(layer);
  if (!threads_chosen) set_intra_op_threads(0);
  const std::int64_t batches = (n + batch_size - 1) / batch_size;
  std::vector<std::vector<std::int64_t>> batch_rows(static_cast<std::size_t>(batches));
  std::vector<at::Tensor> features(static_cast<std::size_t>(batches));
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(batches));
  progress_bar bar("extract", "images");
  const auto start_time = std::chrono::steady_clock::now();
  if (progress) bar.update(0, n);
  std::mutex done_mutex;
  std::int64_t done = 0;
  std::atomic<std::int64_t> next{0};
  std::atomic<bool> failed{false};
  const auto work = [&] {
    at::set_num_threads(1);
    torch::NoGradGuard no_grad;
    for (std::int64_t b = next++; b < batches && !failed; b = next++) {
      const std::int64_t start = b * batch_size, stop = std::min(n, start + batch_size);
      const auto k = static_cast<std::size_t>(b);
      try {
        InputBatch in = source(start, stop);
        if (in.inputs.defined() && in.inputs.size(0) != static_cast<std::int64_t>(in.rows.size()))
          throw invalid_argument("extract_streamed: a batch source returned inputs and rows of different lengths");
        if (!in.rows.empty()) features[k] = batch_features(model, in.inputs, layer, pool, start);
        batch_rows[k] = std::move(in.rows);
      } catch (...) {
        errors[k] = std::current_exception();
        failed = true;
      }
      const std::lock_guard lock(done_mutex);
      done += stop - start;
      if (progress) draw_progress(bar, done, n, start_time);
    }
  };
  const int workers = static_cast<int>(std::max<std::int64_t>(1, std::min<std::int64_t>(worker_threads, batches)));
  std::vector<std::thread> pool_threads;
  for (int k = 1; k < workers; ++k) pool_threads.emplace_back(work);
  work();
  for (auto& t : pool_threads) t.join();
  at::set_num_threads(worker_threads);
  for (const auto& e : errors)  // the first failing batch's error, whatever thread met it first
    if (e) std::rethrow_exception(e);
  StreamedActivations out;
  std::vector<at::Tensor> parts;
  std::int64_t first = -1;  // the first batch with rows: its width is the one expected
  for (std::int64_t b = 0; b < batches; ++b) {
    const auto k = static_cast<std::size_t>(b);
    if (!features[k].defined()) continue;
    if (first < 0) first = b;
    if (features[k].size(1) != features[static_cast<std::size_t>(first)].size(1))
      throw data_error(fmt::format("model {}, layer {}: returned {} features for images {}..{} but {} before",
                                   model.name(), layer, features[k].size(1), b * batch_size,
                                   std::min(n, (b + 1) * batch_size) - 1, features[static_cast<std::size_t>(first)].size(1)));
    parts.push_back(features[k]);
    out.rows.insert(out.rows.end(), batch_rows[k].begin(), batch_rows[k].end());
  }
  out.activations = parts.empty() ? at::empty({0, 0}, at::TensorOptions().dtype(at::kFloat)) : at::cat(parts, 0);
  return out;
}

at::Tensor extract_activations(Model& model, const at::Tensor& images, const std::string& layer, Pool pool,
                               std::int64_t batch_size, bool progress) {
  if (images.dim() != 4 || images.size(1) != 3 || images.scalar_type() != at::kByte)
    throw invalid_argument("extract_activations: images must be a uint8 tensor [n, 3, H, W]");
  const auto norm = model.normalization();
  const BatchSource slices = [&](std::int64_t start, std::int64_t stop) {
    InputBatch in;
    in.inputs = preprocess(images.slice(0, start, stop), norm);
    for (std::int64_t i = start; i < stop; ++i) in.rows.push_back(i);
    return in;
  };
  return extract_streamed(model, images.size(0), slices, layer, pool, batch_size, progress).activations;
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
  worker_threads = n;
  threads_chosen = true;
}

int intra_op_threads() { return worker_threads; }

}  // namespace neuroncert::models

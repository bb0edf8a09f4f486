#pragma once
// Users' own models saved as TorchScript (torch.jit.trace / torch.jit.script, PyTorch 1.13 format),
// loaded with torch::jit::load. forward(x: float32 [B, 3, S, S]) may return
//   * a Tensor                    -> one layer named "output"
//   * a Dict[str, Tensor]         -> one layer per key (e.g. stem, layer1, ..., penultimate, logits)
//   * a Tuple/List of Tensors     -> layers "output0", "output1", ...
// The layer names are discovered once at load time by running a [2, 3, S, S] zero batch, S the
// input size the run feeds it (32 for CIFAR, the crop size for image folders).
// Intermediate submodules of a traced module are not addressable: export the features you need
// as Dict entries (see data README §7's features fixture). Every layer still runs the whole
// forward pass. The logits layer is "logits" if present, else "output" / "output0".
// Design: docs/design.md#models-real-activations (models).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "neuroncert/models/model.hpp"

namespace neuroncert::models {

class TorchScriptModel : public Model {
 public:
  /// data_error (one line, naming the file) if the file cannot be loaded or its forward() fails
  /// on a [2, 3, input_size, input_size] batch or returns something other than the forms listed above.
  explicit TorchScriptModel(const std::filesystem::path& file, const Normalization& norm = imagenet_normalization,
                            std::int64_t input_size = 32);
  ~TorchScriptModel() override;
  std::string name() const override;
  std::vector<std::string> layers() const override { return layers_; }
  std::string logits_layer() const override;
  Normalization normalization() const override { return norm_; }
  at::Tensor forward_layer(const at::Tensor& x, const std::string& layer) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::filesystem::path file_;
  Normalization norm_;
  std::vector<std::string> layers_;
};

}  // namespace neuroncert::models

#pragma once
// The common interface of every model activations can be extracted from: the built-in ResNet-20
// and ViT (weights from safetensors) and users' own TorchScript modules.
// Design: docs/design.md#models-real-activations (models).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

#include "neuroncert/models/cifar.hpp"

namespace torch::nn {
class Module;
}

namespace neuroncert::models {

class SafetensorsFile;

class Model {
 public:
  virtual ~Model() = default;
  /// "resnet20", "vit" or the TorchScript file name.
  virtual std::string name() const = 0;
  /// Names accepted by forward_layer(), in network order.
  virtual std::vector<std::string> layers() const = 0;
  /// The layer holding the class scores (used by count_correct()).
  virtual std::string logits_layer() const { return "logits"; }
  /// The model's own input preprocessing (applied by extract_activations()).
  virtual Normalization normalization() const = 0;
  /// Raw output of `layer` for a preprocessed float32 batch x [B, 3, 32, 32] (a TorchScript model:
  /// [B, 3, S, S], S the size it was loaded for): a feature map
  /// [B, C, H, W], tokens [B, T, D] (token 0 = CLS) or features [B, F]. Call under no-grad.
  /// Throws invalid_argument for an unknown layer (see check_layer()).
  virtual at::Tensor forward_layer(const at::Tensor& x, const std::string& layer) = 0;

  /// invalid_argument "unknown layer 'layer9' for resnet20 (known: stem, layer1, ...)" unless known.
  void check_layer(const std::string& layer) const;
};

/// Built-in model names accepted by load_model().
std::vector<std::string> builtin_model_names();

/// "resnet20" -> data_dir/resnet20_cifar10.safetensors, "vit" -> data_dir/vit_cifar10.safetensors,
/// anything ending in ".pt" or naming an existing file -> TorchScript (preprocessed with
/// `torchscript_norm`, probed at load time with inputs of side `torchscript_input_size`).
/// invalid_argument for an unknown name, data_error for a missing/corrupt file.
std::unique_ptr<Model> load_model(const std::string& spec, const std::filesystem::path& data_dir,
                                  const Normalization& torchscript_norm = imagenet_normalization,
                                  std::int64_t torchscript_input_size = 32);

/// Copies every parameter and buffer of `module` (recursively, dotted names such as
/// "layer1.0.bn1.running_mean") from the file. data_error (naming file and key) for a missing key,
/// a shape mismatch, or a tensor in the file that the module does not have. Buffers named
/// "num_batches_tracked" are not expected in the file.
void load_weights(torch::nn::Module& module, const SafetensorsFile& file);

}  // namespace neuroncert::models

#pragma once
// ResNet-20 for CIFAR-10 (He et al. 2016; akamaster/pytorch_resnet_cifar10), data README §3.
//   input float32 [B, 3, 32, 32], ImageNet-normalised
//   stem    relu(bn1(conv1(x)))            [B, 16, 32, 32]
//   layer1  3 BasicBlocks, 16 channels      [B, 16, 32, 32]
//   layer2  3 BasicBlocks, 32 channels, /2  [B, 32, 16, 16]
//   layer3  3 BasicBlocks, 64 channels, /2  [B, 64,  8,  8]
//   penultimate  global average pool        [B, 64]
//   logits  linear 64 -> 10                 [B, 10]
// Option-A shortcut in the first block of layer2/layer3: x[:, :, ::2, ::2] zero-padded by
// P = planes/4 channels on both sides (input channels land at [P, P + C_in)). BatchNorm in eval
// mode, eps 1e-5. Parameter names match the safetensors keys ("layer2.0.conv1.weight", ...).
// Design: docs/design.md#models-real-activations (models).
#include <filesystem>
#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include "neuroncert/models/model.hpp"

namespace neuroncert::models {

class BasicBlockImpl : public torch::nn::Module {
 public:
  BasicBlockImpl(std::int64_t in_planes, std::int64_t planes, std::int64_t stride);
  at::Tensor forward(const at::Tensor& x);

 private:
  torch::nn::Conv2d conv1{nullptr}, conv2{nullptr};
  torch::nn::BatchNorm2d bn1{nullptr}, bn2{nullptr};
  std::int64_t stride_ = 1;
  std::int64_t pad_channels_ = 0;  // > 0: option-A shortcut
};
TORCH_MODULE(BasicBlock);

class ResNet20Impl : public torch::nn::Module {
 public:
  explicit ResNet20Impl(std::int64_t num_classes = 10);
  /// Logits [B, num_classes].
  at::Tensor forward(const at::Tensor& x);
  /// Output of one of layer_names(), computing only what is needed; invalid_argument otherwise.
  at::Tensor forward_until(const at::Tensor& x, const std::string& layer);
  /// stem, layer1, layer2, layer3, penultimate, logits
  static const std::vector<std::string>& layer_names();

 private:
  torch::nn::Conv2d conv1{nullptr};
  torch::nn::BatchNorm2d bn1{nullptr};
  torch::nn::Sequential layer1{nullptr}, layer2{nullptr}, layer3{nullptr};
  torch::nn::Linear linear{nullptr};
};
TORCH_MODULE(ResNet20);

/// A ResNet-20 in eval mode with weights from a safetensors file (data_error if unusable).
ResNet20 load_resnet20(const std::filesystem::path& safetensors);

/// The ResNet-20 behind the Model interface (ImageNet normalisation).
class ResNet20Model : public Model {
 public:
  explicit ResNet20Model(const std::filesystem::path& safetensors) : net_(load_resnet20(safetensors)) {}
  std::string name() const override { return "resnet20"; }
  std::vector<std::string> layers() const override { return ResNet20Impl::layer_names(); }
  Normalization normalization() const override { return imagenet_normalization; }
  at::Tensor forward_layer(const at::Tensor& x, const std::string& layer) override;
  ResNet20& net() { return net_; }

 private:
  ResNet20 net_;
};

}  // namespace neuroncert::models

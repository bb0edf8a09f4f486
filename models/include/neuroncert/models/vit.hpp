#pragma once
// Small Vision Transformer for CIFAR-10 (smmk47/CIFAR10-Classification), data README §4.
//   input float32 [B, 3, 32, 32], CIFAR-normalised
//   patch_embed.proj  conv 4x4 stride 4, 3 -> 128, flattened to 64 tokens (row-major patches)
//   tokens = [cls_token, patches] + pos_embed                        [B, 65, 128]
//   encoder0..encoder5  post-norm TransformerEncoderLayer: 8 heads of 16 dims (scale 1/4),
//                       t = norm1(t + attn(t)); t = norm2(t + linear2(relu(linear1(t))))  [B, 65, 128]
//   cls     t[:, 0] after encoder5, the feature fed to the head LayerNorm      [B, 128]
//   logits  mlp_head.1(mlp_head.0(cls)), LayerNorm then Linear 128 -> 10      [B, 10]
// All LayerNorms eps 1e-5; dropout absent (inference). Parameter names match the safetensors keys.
// Design: docs/design.md#models-real-activations (models).
#include <filesystem>
#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include "neuroncert/models/model.hpp"

namespace neuroncert::models {

/// y = x W^T + b for x [..., in] through oneDNN (Debian's LibTorch BLAS is the slow reference one).
at::Tensor dense(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias);
at::Tensor dense(const at::Tensor& x, const torch::nn::Linear& layer);

/// Multi-head self-attention with PyTorch's parameter layout (in_proj_weight rows: q, k, v).
class SelfAttentionImpl : public torch::nn::Module {
 public:
  SelfAttentionImpl(std::int64_t dim, std::int64_t heads);
  at::Tensor forward(const at::Tensor& t);  // [B, T, D] -> [B, T, D]

 private:
  std::int64_t heads_;
  at::Tensor in_proj_weight, in_proj_bias;  // [3D, D], [3D]: rows q, k, v
  torch::nn::Linear out_proj{nullptr};
};
TORCH_MODULE(SelfAttention);

/// nn.TransformerEncoderLayer(norm_first=False, activation=relu, batch_first=True) at inference.
class EncoderLayerImpl : public torch::nn::Module {
 public:
  EncoderLayerImpl(std::int64_t dim, std::int64_t heads, std::int64_t hidden);
  at::Tensor forward(const at::Tensor& t);

 private:
  SelfAttention self_attn{nullptr};
  torch::nn::Linear linear1{nullptr}, linear2{nullptr};
  torch::nn::LayerNorm norm1{nullptr}, norm2{nullptr};
};
TORCH_MODULE(EncoderLayer);

struct VitConfig {
  std::int64_t image = 32, patch = 4, dim = 128, depth = 6, heads = 8, hidden = 256, classes = 10;
};

class VitImpl : public torch::nn::Module {
 public:
  explicit VitImpl(const VitConfig& config = {});
  at::Tensor forward(const at::Tensor& x);  // logits
  /// Output of one of layer_names(); invalid_argument otherwise.
  at::Tensor forward_until(const at::Tensor& x, const std::string& layer);
  /// encoder0..encoder{depth-1}, cls, logits
  std::vector<std::string> layer_names() const;

 private:
  VitConfig config_;
  at::Tensor cls_token, pos_embed;
  torch::nn::Conv2d proj{nullptr};
  torch::nn::ModuleList layers{nullptr};
  torch::nn::Sequential mlp_head{nullptr};
};
TORCH_MODULE(Vit);

/// The ViT in eval mode with weights from a safetensors file (data_error if unusable).
Vit load_vit(const std::filesystem::path& safetensors);

/// The ViT behind the Model interface (CIFAR normalisation).
class VitModel : public Model {
 public:
  explicit VitModel(const std::filesystem::path& safetensors) : net_(load_vit(safetensors)) {}
  std::string name() const override { return "vit"; }
  std::vector<std::string> layers() const override { return net_->layer_names(); }
  Normalization normalization() const override { return cifar_normalization; }
  at::Tensor forward_layer(const at::Tensor& x, const std::string& layer) override;
  Vit& net() { return net_; }

 private:
  Vit net_;
};

}  // namespace neuroncert::models

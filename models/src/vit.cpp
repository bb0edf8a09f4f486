#include "neuroncert/models/vit.hpp"

#include <ATen/Functions.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "neuroncert/core/error.hpp"
#include "neuroncert/models/safetensors.hpp"

namespace neuroncert::models {
namespace nn = torch::nn;

SelfAttentionImpl::SelfAttentionImpl(std::int64_t dim, std::int64_t heads) : heads_(heads) {
  in_proj_weight = register_parameter("in_proj_weight", at::zeros({3 * dim, dim}));
  in_proj_bias = register_parameter("in_proj_bias", at::zeros({3 * dim}));
  out_proj = register_module("out_proj", nn::Linear(dim, dim));
}

at::Tensor SelfAttentionImpl::forward(const at::Tensor& t) {
  const auto b = t.size(0), n = t.size(1), d = t.size(2), hd = d / heads_;
  auto qkv = at::linear(t, in_proj_weight, in_proj_bias);             // [B, T, 3D]
  auto split = qkv.view({b, n, 3, heads_, hd}).permute({2, 0, 3, 1, 4});  // [3, B, H, T, hd]
  auto q = split[0], k = split[1], v = split[2];
  const double scale = 1.0 / std::sqrt(static_cast<double>(hd));
  auto attn = at::softmax(at::matmul(q * scale, k.transpose(-2, -1)), -1);  // [B, H, T, T]
  auto o = at::matmul(attn, v).transpose(1, 2).reshape({b, n, d});          // heads concatenated
  return out_proj->forward(o);
}

EncoderLayerImpl::EncoderLayerImpl(std::int64_t dim, std::int64_t heads, std::int64_t hidden) {
  self_attn = register_module("self_attn", SelfAttention(dim, heads));
  linear1 = register_module("linear1", nn::Linear(dim, hidden));
  linear2 = register_module("linear2", nn::Linear(hidden, dim));
  norm1 = register_module("norm1", nn::LayerNorm(nn::LayerNormOptions({dim}).eps(1e-5)));
  norm2 = register_module("norm2", nn::LayerNorm(nn::LayerNormOptions({dim}).eps(1e-5)));
}

at::Tensor EncoderLayerImpl::forward(const at::Tensor& t) {
  auto x = norm1->forward(t + self_attn->forward(t));
  return norm2->forward(x + linear2->forward(at::relu(linear1->forward(x))));
}

VitImpl::VitImpl(const VitConfig& config) : config_(config) {
  const auto tokens = (config.image / config.patch) * (config.image / config.patch) + 1;
  cls_token = register_parameter("cls_token", at::zeros({1, 1, config.dim}));
  pos_embed = register_parameter("pos_embed", at::zeros({1, tokens, config.dim}));
  auto patch_embed = std::make_shared<nn::Module>("PatchEmbed");
  proj = patch_embed->register_module(
      "proj", nn::Conv2d(nn::Conv2dOptions(3, config.dim, config.patch).stride(config.patch).bias(true)));
  register_module("patch_embed", patch_embed);
  layers = nn::ModuleList();
  for (std::int64_t l = 0; l < config.depth; ++l) layers->push_back(EncoderLayer(config.dim, config.heads, config.hidden));
  auto transformer = std::make_shared<nn::Module>("Transformer");
  transformer->register_module("layers", layers);
  register_module("transformer", transformer);
  mlp_head = register_module("mlp_head", nn::Sequential(nn::LayerNorm(nn::LayerNormOptions({config.dim}).eps(1e-5)),
                                                        nn::Linear(config.dim, config.classes)));
}

std::vector<std::string> VitImpl::layer_names() const {
  std::vector<std::string> names;
  for (std::int64_t l = 0; l < config_.depth; ++l) names.push_back(fmt::format("encoder{}", l));
  names.emplace_back("cls");
  names.emplace_back("logits");
  return names;
}

at::Tensor VitImpl::forward_until(const at::Tensor& x, const std::string& layer) {
  const auto names = layer_names();
  const auto it = std::find(names.begin(), names.end(), layer);
  if (it == names.end())
    throw invalid_argument(fmt::format("unknown layer '{}' for vit (known: {})", layer, fmt::join(names, ", ")));
  const auto stop = it - names.begin();  // 0..depth-1 encoders, depth = cls, depth+1 = logits
  auto t = proj->forward(x).flatten(2).transpose(1, 2);  // [B, 64, D]
  t = at::cat({cls_token.expand({t.size(0), 1, config_.dim}), t}, 1) + pos_embed;
  for (std::int64_t l = 0; l < config_.depth; ++l) {
    t = layers[static_cast<std::size_t>(l)]->as<EncoderLayerImpl>()->forward(t);
    if (stop == l) return t;
  }
  auto cls = t.select(1, 0);
  if (stop == config_.depth) return cls.contiguous();
  return mlp_head->forward(cls);
}

at::Tensor VitImpl::forward(const at::Tensor& x) { return forward_until(x, "logits"); }

Vit load_vit(const std::filesystem::path& safetensors) {
  const SafetensorsFile file(safetensors);
  Vit net;
  load_weights(*net, file);
  net->eval();
  return net;
}

at::Tensor VitModel::forward_layer(const at::Tensor& x, const std::string& layer) {
  return net_->forward_until(x, layer);
}

}  // namespace neuroncert::models

#include "neuroncert/models/vit.hpp"

#include <ATen/Context.h>
#include <ATen/Functions.h>
#include <ATen/Parallel.h>
#include <Eigen/Core>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "neuroncert/core/error.hpp"
#include "neuroncert/models/safetensors.hpp"

namespace neuroncert::models {
namespace nn = torch::nn;

// Debian's LibTorch routes at::linear / at::matmul to the reference (netlib) BLAS, which is
// ~10x slower than oneDNN here. Dense layers therefore go through oneDNN (mkldnn_linear) and the
// small per-head attention products through Eigen; results agree with at::linear/at::matmul to
// float round-off.
at::Tensor dense(const at::Tensor& x, const nn::Linear& layer) { return dense(x, layer->weight, layer->bias); }

at::Tensor dense(const at::Tensor& x, const at::Tensor& w, const at::Tensor& b) {
  if (!at::hasMKLDNN() || x.numel() == 0) return at::linear(x, w, b);
  auto sizes = x.sizes().vec();
  auto x2 = x.reshape({-1, sizes.back()}).contiguous();
  auto y = at::mkldnn_linear(x2.to_mkldnn(), w, b).to_dense();
  sizes.back() = w.size(0);
  return y.view(sizes);
}

namespace {
using RowMajor = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Batched a [N, M, K] x b [N, K, P] (b_transposed: b given as [N, P, K]) -> [N, M, P], float32.
at::Tensor batched_matmul(const at::Tensor& a_in, const at::Tensor& b_in, bool b_transposed) {
  const auto a = a_in.contiguous();
  const auto b = b_in.contiguous();
  const auto n = a.size(0), m = a.size(1), k = a.size(2);
  const auto p = b_transposed ? b.size(1) : b.size(2);
  auto out = at::empty({n, m, p}, a.options());
  const float* pa = a.data_ptr<float>();
  const float* pb = b.data_ptr<float>();
  float* po = out.data_ptr<float>();
  at::parallel_for(0, n, 1, [&](std::int64_t begin, std::int64_t end) {
    for (std::int64_t i = begin; i < end; ++i) {
      Eigen::Map<const RowMajor> A(pa + i * m * k, m, k);
      Eigen::Map<RowMajor> O(po + i * m * p, m, p);
      if (b_transposed) {
        Eigen::Map<const RowMajor> B(pb + i * p * k, p, k);
        O.noalias() = A * B.transpose();
      } else {
        Eigen::Map<const RowMajor> B(pb + i * k * p, k, p);
        O.noalias() = A * B;
      }
    }
  });
  return out;
}
}  // namespace

SelfAttentionImpl::SelfAttentionImpl(std::int64_t dim, std::int64_t heads) : heads_(heads) {
  in_proj_weight = register_parameter("in_proj_weight", at::zeros({3 * dim, dim}));
  in_proj_bias = register_parameter("in_proj_bias", at::zeros({3 * dim}));
  out_proj = register_module("out_proj", nn::Linear(dim, dim));
}

at::Tensor SelfAttentionImpl::forward(const at::Tensor& t) {
  const auto b = t.size(0), n = t.size(1), d = t.size(2), hd = d / heads_;
  auto qkv = dense(t, in_proj_weight, in_proj_bias);                                    // [B, T, 3D]
  auto split = qkv.view({b, n, 3, heads_, hd}).permute({2, 0, 3, 1, 4});  // [3, B, H, T, hd]
  // Per (image, head): rows of q, k, v are tokens. Scaling by 1/sqrt(hd) = 1/4 is exact.
  auto q = split[0].reshape({b * heads_, n, hd}), k = split[1].reshape({b * heads_, n, hd});
  auto v = split[2].reshape({b * heads_, n, hd});
  const double scale = 1.0 / std::sqrt(static_cast<double>(hd));
  auto attn = at::softmax(batched_matmul(q * scale, k, /*b_transposed=*/true), -1);  // [B*H, T, T]
  auto o = batched_matmul(attn, v, false).view({b, heads_, n, hd}).transpose(1, 2).reshape({b, n, d});
  return dense(o, out_proj);
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
  return norm2->forward(x + dense(at::relu(dense(x, linear1)), linear2));
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
  return mlp_head->forward(cls.contiguous());
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

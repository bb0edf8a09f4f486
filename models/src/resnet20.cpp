#include "neuroncert/models/resnet20.hpp"

#include <ATen/Context.h>
#include <ATen/Functions.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/nn/functional/activation.h>
#include <torch/utils.h>

#include "neuroncert/core/error.hpp"
#include "neuroncert/models/safetensors.hpp"

namespace neuroncert::models {
namespace nn = torch::nn;

namespace {
/// 3x3 convolution, pad 1, no bias. Calls oneDNN directly: at::conv2d would use it too for
/// batches > 1, but falls back to im2col + Debian's slow reference BLAS for single images.
at::Tensor conv3x3(const at::Tensor& x, nn::Conv2d& conv, std::int64_t stride) {
  if (!at::hasMKLDNN()) return conv->forward(x);
  return at::mkldnn_convolution(x.contiguous(), conv->weight, c10::nullopt, {1, 1}, {stride, stride}, {1, 1}, 1);
}
}  // namespace

BasicBlockImpl::BasicBlockImpl(std::int64_t in_planes, std::int64_t planes, std::int64_t stride) {
  conv1 = register_module("conv1", nn::Conv2d(nn::Conv2dOptions(in_planes, planes, 3).stride(stride).padding(1).bias(false)));
  bn1 = register_module("bn1", nn::BatchNorm2d(nn::BatchNorm2dOptions(planes).eps(1e-5)));
  conv2 = register_module("conv2", nn::Conv2d(nn::Conv2dOptions(planes, planes, 3).stride(1).padding(1).bias(false)));
  bn2 = register_module("bn2", nn::BatchNorm2d(nn::BatchNorm2dOptions(planes).eps(1e-5)));
  stride_ = stride;
  if (stride != 1 || in_planes != planes) pad_channels_ = planes / 4;
}

at::Tensor BasicBlockImpl::forward(const at::Tensor& x) {
  auto out = at::relu(bn1->forward(conv3x3(x, conv1, stride_)));
  out = bn2->forward(conv3x3(out, conv2, 1));
  at::Tensor shortcut = x;
  if (pad_channels_ > 0) {
    using at::indexing::None;
    using at::indexing::Slice;
    auto sub = x.index({Slice(), Slice(), Slice(None, None, 2), Slice(None, None, 2)});
    shortcut = at::constant_pad_nd(sub, {0, 0, 0, 0, pad_channels_, pad_channels_}, 0);
  }
  return at::relu(out + shortcut);
}

namespace {
nn::Sequential make_layer(std::int64_t in_planes, std::int64_t planes, std::int64_t stride) {
  nn::Sequential seq;
  seq->push_back(BasicBlock(in_planes, planes, stride));
  seq->push_back(BasicBlock(planes, planes, 1));
  seq->push_back(BasicBlock(planes, planes, 1));
  return seq;
}
}  // namespace

ResNet20Impl::ResNet20Impl(std::int64_t num_classes) {
  conv1 = register_module("conv1", nn::Conv2d(nn::Conv2dOptions(3, 16, 3).stride(1).padding(1).bias(false)));
  bn1 = register_module("bn1", nn::BatchNorm2d(nn::BatchNorm2dOptions(16).eps(1e-5)));
  layer1 = register_module("layer1", make_layer(16, 16, 1));
  layer2 = register_module("layer2", make_layer(16, 32, 2));
  layer3 = register_module("layer3", make_layer(32, 64, 2));
  linear = register_module("linear", nn::Linear(64, num_classes));
}

const std::vector<std::string>& ResNet20Impl::layer_names() {
  static const std::vector<std::string> names{"stem", "layer1", "layer2", "layer3", "penultimate", "logits"};
  return names;
}

at::Tensor ResNet20Impl::forward_until(const at::Tensor& x, const std::string& layer) {
  const auto& names = layer_names();
  const auto it = std::find(names.begin(), names.end(), layer);
  if (it == names.end())
    throw invalid_argument(fmt::format("unknown layer '{}' for resnet20 (known: {})", layer, fmt::join(names, ", ")));
  const auto stop = it - names.begin();
  auto t = at::relu(bn1->forward(conv3x3(x, conv1, 1)));
  if (stop == 0) return t;
  t = layer1->forward(t);
  if (stop == 1) return t;
  t = layer2->forward(t);
  if (stop == 2) return t;
  t = layer3->forward(t);
  if (stop == 3) return t;
  t = t.mean({2, 3});
  if (stop == 4) return t;
  return linear->forward(t);
}

at::Tensor ResNet20Impl::forward(const at::Tensor& x) { return forward_until(x, "logits"); }

ResNet20 load_resnet20(const std::filesystem::path& safetensors) {
  const SafetensorsFile file(safetensors);
  ResNet20 net;
  load_weights(*net, file);
  net->eval();
  return net;
}

at::Tensor ResNet20Model::forward_layer(const at::Tensor& x, const std::string& layer) {
  return net_->forward_until(x, layer);
}

}  // namespace neuroncert::models

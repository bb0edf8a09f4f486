#include "neuroncert/models/model.hpp"

#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/nn/module.h>
#include <torch/utils.h>

#include "neuroncert/core/error.hpp"
#include "neuroncert/models/parameter_checks.hpp"
#include "neuroncert/models/resnet20.hpp"
#include "neuroncert/models/safetensors.hpp"
#include "neuroncert/models/torchscript_model.hpp"
#include "neuroncert/models/vit.hpp"

namespace neuroncert::models {

void Model::check_layer(const std::string& layer) const {
  const auto known = layers();
  if (std::find(known.begin(), known.end(), layer) == known.end())
    throw invalid_argument(fmt::format("unknown layer '{}' for {} (known: {})", layer, name(), fmt::join(known, ", ")));
}

std::vector<std::string> builtin_model_names() { return {"resnet20", "vit"}; }

std::unique_ptr<Model> load_model(const std::string& spec, const std::filesystem::path& data_dir,
                                  const Normalization& torchscript_norm, std::int64_t torchscript_input_size) {
  if (spec == "resnet20") return std::make_unique<ResNet20Model>(data_dir / "resnet20_cifar10.safetensors");
  if (spec == "vit") return std::make_unique<VitModel>(data_dir / "vit_cifar10.safetensors");
  const std::filesystem::path p(spec);
  if (p.extension() == ".pt" || p.extension() == ".pth" || std::filesystem::is_regular_file(p))
    return std::make_unique<TorchScriptModel>(p, torchscript_norm, torchscript_input_size);
  throw invalid_argument(
      fmt::format("unknown model '{}' (known: {}, or a TorchScript file PATH.pt)", spec, fmt::join(builtin_model_names(), ", ")));
}

void load_weights(torch::nn::Module& module, const SafetensorsFile& file) {
  torch::NoGradGuard no_grad;
  std::set<std::string> used;
  auto load = [&](const std::string& key, at::Tensor& target) {
    auto t = file.tensor(key, target.sizes().vec());
    target.copy_(t);
    used.insert(key);
  };
  for (auto& item : module.named_parameters(/*recurse=*/true)) load(item.key(), item.value());
  for (auto& item : module.named_buffers(/*recurse=*/true)) {
    const auto& key = item.key();
    if (key == "num_batches_tracked" || (key.size() > 20 && key.ends_with(".num_batches_tracked"))) continue;
    load(key, item.value());
  }
  for (const auto& key : file.keys())
    if (!used.count(key))
      throw data_error(fmt::format("safetensors file '{}': unexpected tensor '{}' (not a parameter of the model)",
                                   file.path().string(), key));
  std::vector<std::pair<std::string, at::Tensor>> tensors;
  for (auto& item : module.named_parameters(/*recurse=*/true)) tensors.emplace_back(item.key(), item.value());
  for (auto& item : module.named_buffers(/*recurse=*/true)) tensors.emplace_back(item.key(), item.value());
  check_parameters(tensors, fmt::format("safetensors file '{}'", file.path().string()));
}

}  // namespace neuroncert::models

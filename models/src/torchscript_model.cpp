#include "neuroncert/models/torchscript_model.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <torch/script.h>
#include <torch/utils.h>

#include "neuroncert/core/error.hpp"
#include "neuroncert/models/parameter_checks.hpp"

namespace neuroncert::models {

struct TorchScriptModel::Impl {
  torch::jit::Module module;
};

namespace {
std::string first_line(const std::string& s) {
  const auto pos = s.find('\n');
  return pos == std::string::npos ? s : s.substr(0, pos);
}

enum class OutputKind { tensor, dict, sequence };

OutputKind classify(const c10::IValue& out) {
  if (out.isTensor()) return OutputKind::tensor;
  if (out.isGenericDict()) return OutputKind::dict;
  if (out.isTuple() || out.isList()) return OutputKind::sequence;
  throw data_error("unsupported output type " + out.tagKind());
}

std::vector<c10::IValue> sequence_elements(const c10::IValue& out) {
  if (out.isTuple()) return out.toTupleRef().elements().vec();
  return out.toListRef().vec();
}
}  // namespace

TorchScriptModel::TorchScriptModel(const std::filesystem::path& file, const Normalization& norm,
                                   std::int64_t input_size)
    : impl_(std::make_unique<Impl>()), file_(file), norm_(norm) {
  if (!std::filesystem::is_regular_file(file))
    throw data_error(fmt::format("TorchScript file '{}': cannot open file", file.string()));
  try {
    impl_->module = torch::jit::load(file.string());
  } catch (const c10::Error& e) {
    throw data_error(fmt::format("TorchScript file '{}': cannot load: {}", file.string(), first_line(e.what_without_backtrace())));
  }
  impl_->module.eval();
  std::vector<std::pair<std::string, at::Tensor>> tensors;
  for (const auto& p : impl_->module.named_parameters(/*recurse=*/true)) tensors.emplace_back(p.name, p.value);
  for (const auto& b : impl_->module.named_buffers(/*recurse=*/true)) tensors.emplace_back(b.name, b.value);
  check_parameters(tensors, fmt::format("TorchScript file '{}'", file.string()));
  c10::IValue out;
  try {
    torch::NoGradGuard no_grad;
    out = impl_->module.forward({at::zeros({2, 3, input_size, input_size})});
  } catch (const c10::Error& e) {
    throw data_error(fmt::format("TorchScript file '{}': forward() fails on a [2, 3, {}, {}] batch: {}", file.string(),
                                 input_size, input_size, first_line(e.what_without_backtrace())));
  }
  auto bad = [&](const std::string& why) {
    throw data_error(fmt::format("TorchScript file '{}': forward() must return a Tensor, Dict[str, Tensor] or tuple of "
                                 "Tensors ({})", file.string(), why));
  };
  try {
    switch (classify(out)) {
      case OutputKind::tensor:
        layers_ = {"output"};
        break;
      case OutputKind::dict:
        for (const auto& kv : out.toGenericDict()) {
          if (!kv.key().isString() || !kv.value().isTensor()) bad("a dict entry is not str -> Tensor");
          layers_.push_back(kv.key().toStringRef());
        }
        break;
      case OutputKind::sequence: {
        const auto elems = sequence_elements(out);
        for (std::size_t i = 0; i < elems.size(); ++i) {
          if (!elems[i].isTensor()) bad(fmt::format("element {} is not a Tensor", i));
          layers_.push_back(fmt::format("output{}", i));
        }
        break;
      }
    }
  } catch (const data_error& e) {
    bad(e.what());
  }
  if (layers_.empty()) bad("no outputs");
}

TorchScriptModel::~TorchScriptModel() = default;

std::string TorchScriptModel::name() const { return file_.filename().string(); }

std::string TorchScriptModel::logits_layer() const {
  for (const char* name : {"logits", "output", "output0"})
    if (std::find(layers_.begin(), layers_.end(), name) != layers_.end()) return name;
  return layers_.back();
}

at::Tensor TorchScriptModel::forward_layer(const at::Tensor& x, const std::string& layer) {
  check_layer(layer);
  c10::IValue out;
  try {
    out = impl_->module.forward({x});
  } catch (const c10::Error& e) {
    throw data_error(fmt::format("TorchScript file '{}': forward() failed: {}", file_.string(),
                                 first_line(e.what_without_backtrace())));
  }
  // The output's structure was checked on a probe batch at load time, but a scripted model may
  // return something else for another input: any LibTorch error is one line naming the file.
  try {
    if (out.isTensor()) return out.toTensor();
    if (out.isGenericDict()) return out.toGenericDict().at(c10::IValue(layer)).toTensor();
    const auto index = std::stoul(layer.substr(6));  // "output<i>", validated by check_layer
    return sequence_elements(out).at(index).toTensor();
  } catch (const c10::Error& e) {
    throw data_error(fmt::format("TorchScript file '{}': output '{}' of forward() is unusable: {}", file_.string(), layer,
                                 first_line(e.what_without_backtrace())));
  } catch (const std::out_of_range&) {
    throw data_error(fmt::format("TorchScript file '{}': forward() no longer returns output '{}'", file_.string(), layer));
  }
}

}  // namespace neuroncert::models

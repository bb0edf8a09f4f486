// TorchScript fixtures (data README §7) give the built-in ResNet-20's activations.
#include "models/catch_torch.hpp"

#include <filesystem>
#include <fstream>

#include <ATen/ATen.h>

#include "neuroncert/core/error.hpp"
#include "neuroncert/models/cifar.hpp"
#include "neuroncert/models/extract.hpp"
#include "neuroncert/models/resnet20.hpp"
#include "neuroncert/models/torchscript_model.hpp"

namespace nm = neuroncert::models;
using Catch::Matchers::Contains;

namespace {
const std::filesystem::path data_dir = NEURONCERT_DATA_DIR;

void check_close(const at::Tensor& a, const at::Tensor& b) {
  REQUIRE(a.sizes() == b.sizes());
  const double scale = std::max(1.0, a.abs().max().item<double>());
  CHECK((a - b).abs().max().item<double>() <= 1e-4 * scale);
}
}  // namespace

TEST_CASE("torchscript: features fixture equals the built-in ResNet-20", "[models][torchscript]") {
  nm::TorchScriptModel ts(data_dir / "resnet20_cifar10_features.torchscript.pt");
  CHECK(ts.layers().size() == 6);
  for (const auto* name : {"stem", "layer1", "layer2", "layer3", "penultimate", "logits"}) CHECK_NOTHROW(ts.check_layer(name));
  CHECK(ts.logits_layer() == "logits");
  nm::ResNet20Model builtin(data_dir / "resnet20_cifar10.safetensors");
  const auto set = nm::load_cifar(data_dir, "cifar10", nm::CifarSubset::exact, 200);
  check_close(nm::extract_activations(ts, set.images, "penultimate"),
              nm::extract_activations(builtin, set.images, "penultimate"));
  check_close(nm::extract_activations(ts, set.images, "layer3", nm::Pool::avg),
              nm::extract_activations(builtin, set.images, "layer3", nm::Pool::avg));
  check_close(nm::extract_activations(ts, set.images, "layer3", nm::Pool::max),
              nm::extract_activations(builtin, set.images, "layer3", nm::Pool::max));
  check_close(nm::extract_activations(ts, set.images, "stem", nm::Pool::max),
              nm::extract_activations(builtin, set.images, "stem", nm::Pool::max));
  check_close(nm::extract_activations(ts, set.images, "logits"), nm::extract_activations(builtin, set.images, "logits"));
  CHECK_THROWS_WITH(ts.check_layer("layer9"), Contains("unknown layer 'layer9'") && Contains("penultimate"));
}

TEST_CASE("torchscript: traced fixture gives the logits and 932/1017", "[models][torchscript]") {
  auto model = nm::load_model((data_dir / "resnet20_cifar10.torchscript.pt").string(), data_dir);
  CHECK(model->layers() == std::vector<std::string>{"output"});
  CHECK(model->logits_layer() == "output");
  nm::ResNet20Model builtin(data_dir / "resnet20_cifar10.safetensors");
  const auto set = nm::load_cifar(data_dir, "cifar10", nm::CifarSubset::exact);
  check_close(nm::extract_activations(*model, set.images.slice(0, 0, 200), "output"),
              nm::extract_activations(builtin, set.images.slice(0, 0, 200), "logits"));
  CHECK(nm::count_correct(*model, set.images, set.labels, 1017) == 932);
}

TEST_CASE("torchscript: unreadable files are data errors naming the file", "[models][torchscript]") {
  const auto p = std::filesystem::temp_directory_path() / ("neuroncert_bad_" + std::to_string(::getpid()) + ".pt");
  std::ofstream(p, std::ios::binary) << "this is not a TorchScript archive";
  try {
    nm::TorchScriptModel m(p);
    FAIL("expected data_error");
  } catch (const neuroncert::data_error& e) {
    const std::string msg = e.what();
    CHECK_THAT(msg, Contains(p.string()));
    CHECK(msg.find('\n') == std::string::npos);
  }
  std::filesystem::remove(p);
  CHECK_THROWS_WITH(nm::load_model(p.string(), data_dir), Contains(p.string()) && Contains("cannot open"));
}

// ResNet-20: architecture shapes and the exact accuracy counts of data/README.md.
#include "models/catch_torch.hpp"

#include <ATen/Functions.h>
#include <torch/utils.h>

#include "neuroncert/models/cifar.hpp"
#include "neuroncert/models/extract.hpp"
#include "neuroncert/models/resnet20.hpp"

namespace nm = neuroncert::models;

namespace {
const std::filesystem::path data_dir = NEURONCERT_DATA_DIR;
}

TEST_CASE("resnet20: layer output shapes", "[models][resnet20]") {
  nm::ResNet20Model model(data_dir / "resnet20_cifar10.safetensors");
  torch::NoGradGuard no_grad;
  const auto x = at::zeros({2, 3, 32, 32});
  CHECK((model.forward_layer(x, "stem").sizes().vec() == std::vector<std::int64_t>{2, 16, 32, 32}));
  CHECK((model.forward_layer(x, "layer1").sizes().vec() == std::vector<std::int64_t>{2, 16, 32, 32}));
  CHECK((model.forward_layer(x, "layer2").sizes().vec() == std::vector<std::int64_t>{2, 32, 16, 16}));
  CHECK((model.forward_layer(x, "layer3").sizes().vec() == std::vector<std::int64_t>{2, 64, 8, 8}));
  CHECK((model.forward_layer(x, "penultimate").sizes().vec() == std::vector<std::int64_t>{2, 64}));
  CHECK((model.forward_layer(x, "logits").sizes().vec() == std::vector<std::int64_t>{2, 10}));
  REQUIRE_THROWS_WITH(model.check_layer("layer9"),
                      "unknown layer 'layer9' for resnet20 (known: stem, layer1, layer2, layer3, penultimate, logits)");
}

TEST_CASE("resnet20: 932/1017 correct on the exact CIFAR-10 subset", "[models][resnet20][accuracy]") {
  nm::ResNet20Model model(data_dir / "resnet20_cifar10.safetensors");
  const auto set = nm::load_cifar(data_dir, "cifar10", nm::CifarSubset::exact);
  REQUIRE(set.size() == 1017);
  CHECK(nm::count_correct(model, set.images, set.labels, 1017) == 932);
}

TEST_CASE("resnet20: 8103/10000 correct on the full CIFAR-10 file", "[models][resnet20][accuracy]") {
  nm::ResNet20Model model(data_dir / "resnet20_cifar10.safetensors");
  const auto set = nm::load_cifar(data_dir, "cifar10", nm::CifarSubset::full);
  REQUIRE(set.size() == 10000);
  CHECK(nm::count_correct(model, set.images, set.labels, 1000) == 8103);
}

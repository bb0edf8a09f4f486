// ViT: architecture shapes and the exact accuracy counts of data/README.md.
#include "models/catch_torch.hpp"

#include <ATen/Functions.h>
#include <torch/utils.h>

#include "neuroncert/core/error.hpp"
#include "neuroncert/models/cifar.hpp"
#include "neuroncert/models/extract.hpp"
#include "neuroncert/models/vit.hpp"

namespace nm = neuroncert::models;

namespace {
const std::filesystem::path data_dir = NEURONCERT_DATA_DIR;
}

TEST_CASE("vit: layer output shapes and names", "[models][vit]") {
  nm::VitModel model(data_dir / "vit_cifar10.safetensors");
  CHECK((model.layers() == std::vector<std::string>{"encoder0", "encoder1", "encoder2", "encoder3", "encoder4",
                                                   "encoder5", "cls", "logits"}));
  torch::NoGradGuard no_grad;
  const auto x = at::zeros({2, 3, 32, 32});
  CHECK((model.forward_layer(x, "encoder0").sizes().vec() == std::vector<std::int64_t>{2, 65, 128}));
  CHECK((model.forward_layer(x, "encoder5").sizes().vec() == std::vector<std::int64_t>{2, 65, 128}));
  CHECK((model.forward_layer(x, "cls").sizes().vec() == std::vector<std::int64_t>{2, 128}));
  CHECK((model.forward_layer(x, "logits").sizes().vec() == std::vector<std::int64_t>{2, 10}));
  // cls is token 0 of the last encoder output.
  CHECK(at::equal(model.forward_layer(x, "cls"), model.forward_layer(x, "encoder5").select(1, 0)));
  REQUIRE_THROWS_AS(model.check_layer("encoder6"), neuroncert::invalid_argument);
}

TEST_CASE("vit: 721/1017 correct on the exact CIFAR-10 subset", "[models][vit][accuracy]") {
  nm::VitModel model(data_dir / "vit_cifar10.safetensors");
  const auto set = nm::load_cifar(data_dir, "cifar10", nm::CifarSubset::exact);
  CHECK(nm::count_correct(model, set.images, set.labels, 1017) == 721);
}

TEST_CASE("vit: 7172/10000 correct on the full CIFAR-10 file", "[models][vit][accuracy]") {
  nm::VitModel model(data_dir / "vit_cifar10.safetensors");
  const auto set = nm::load_cifar(data_dir, "cifar10", nm::CifarSubset::full);
  CHECK(nm::count_correct(model, set.images, set.labels, 1000) == 7172);
}

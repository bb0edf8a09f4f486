// Activation extraction: pooling semantics, determinism, batch-size independence, layer errors.
#include "models/catch_torch.hpp"

#include <ATen/ATen.h>

#include "neuroncert/core/error.hpp"
#include "neuroncert/models/cifar.hpp"
#include "neuroncert/models/extract.hpp"
#include "neuroncert/models/model.hpp"

namespace nm = neuroncert::models;
using Catch::Matchers::Contains;

namespace {
const std::filesystem::path data_dir = NEURONCERT_DATA_DIR;

double max_abs_diff(const at::Tensor& a, const at::Tensor& b) { return (a - b).abs().max().item<double>(); }
double max_abs(const at::Tensor& a) { return a.abs().max().item<double>(); }
}  // namespace

TEST_CASE("extract: pooling of feature maps and tokens", "[models][extract]") {
  const auto map = at::arange(2 * 3 * 2 * 2, at::TensorOptions().dtype(at::kFloat)).view({2, 3, 2, 2});
  CHECK(at::equal(nm::pool_output(map, nm::Pool::avg, "m"), map.mean({2, 3})));
  CHECK(at::equal(nm::pool_output(map, nm::Pool::automatic, "m"), map.mean({2, 3})));
  CHECK(at::equal(nm::pool_output(map, nm::Pool::max, "m"), map.amax({2, 3})));
  CHECK_THROWS_AS(nm::pool_output(map, nm::Pool::cls, "m"), neuroncert::invalid_argument);
  const auto tokens = at::arange(2 * 4 * 3, at::TensorOptions().dtype(at::kFloat)).view({2, 4, 3});
  CHECK(at::equal(nm::pool_output(tokens, nm::Pool::cls, "t"), tokens.select(1, 0)));
  CHECK(at::equal(nm::pool_output(tokens, nm::Pool::automatic, "t"), tokens.select(1, 0)));
  CHECK(at::equal(nm::pool_output(tokens, nm::Pool::mean, "t"), tokens.slice(1, 1).mean(1)));
  CHECK(at::equal(nm::pool_output(tokens, nm::Pool::max, "t"), tokens.slice(1, 1).amax(1)));
  const auto flat = at::ones({2, 5});
  CHECK(at::equal(nm::pool_output(flat, nm::Pool::max, "f"), flat));
  CHECK_THROWS_AS(nm::pool_output(at::ones({2}), nm::Pool::avg, "v"), neuroncert::invalid_argument);
  CHECK(nm::parse_pool("max") == nm::Pool::max);
  CHECK_THROWS_WITH(nm::parse_pool("median"), Contains("unknown pool 'median'"));
}

TEST_CASE("extract: unknown model and layer names", "[models][extract]") {
  CHECK_THROWS_WITH(nm::load_model("resnet56", data_dir),
                    "unknown model 'resnet56' (known: resnet20, vit, or a TorchScript file PATH.pt)");
  auto model = nm::load_model("resnet20", data_dir);
  const auto images = at::zeros({2, 3, 32, 32}, at::TensorOptions().dtype(at::kByte));
  CHECK_THROWS_WITH(nm::extract_activations(*model, images, "layer9"),
                    "unknown layer 'layer9' for resnet20 (known: stem, layer1, layer2, layer3, penultimate, logits)");
  auto vit = nm::load_model("vit", data_dir);
  CHECK_THROWS_WITH(nm::extract_activations(*vit, images, "encoder9"), Contains("unknown layer 'encoder9' for vit"));
  CHECK_THROWS_AS(nm::load_model("resnet20", "/nonexistent-dir"), neuroncert::data_error);
}

TEST_CASE("extract: deterministic and batch-size independent", "[models][extract]") {
  const auto set = nm::load_cifar(data_dir, "cifar10", nm::CifarSubset::exact, 100);
  struct Case {
    const char* model;
    const char* layer;
    nm::Pool pool;
    std::int64_t features;
  };
  const Case cases[] = {{"resnet20", "stem", nm::Pool::max, 16},       {"resnet20", "layer2", nm::Pool::avg, 32},
                        {"resnet20", "layer3", nm::Pool::max, 64},     {"resnet20", "penultimate", nm::Pool::avg, 64},
                        {"resnet20", "logits", nm::Pool::avg, 10},     {"vit", "encoder0", nm::Pool::cls, 128},
                        {"vit", "encoder3", nm::Pool::mean, 128},      {"vit", "encoder5", nm::Pool::max, 128},
                        {"vit", "cls", nm::Pool::automatic, 128},      {"vit", "logits", nm::Pool::automatic, 10}};
  for (const auto& c : cases) {
    INFO(c.model << " " << c.layer);
    auto model = nm::load_model(c.model, data_dir);
    const auto a = nm::extract_activations(*model, set.images, c.layer, c.pool, 256);
    const auto b = nm::extract_activations(*model, set.images, c.layer, c.pool, 256);
    const auto small = nm::extract_activations(*model, set.images, c.layer, c.pool, 7);
    REQUIRE((a.sizes().vec() == std::vector<std::int64_t>{100, c.features}));
    CHECK(a.scalar_type() == at::kFloat);
    CHECK(a.is_contiguous());
    CHECK(at::equal(a, b));
    CHECK(max_abs_diff(a, small) <= 1e-4 * std::max(1.0, max_abs(a)));
  }
}

TEST_CASE("extract: the same bits for 1 and 2 worker threads", "[models][extract]") {
  const auto set = nm::load_cifar(data_dir, "cifar10", nm::CifarSubset::exact, 60);
  for (const char* name : {"resnet20", "vit"}) {
    INFO(name);
    auto model = nm::load_model(name, data_dir);
    nm::set_intra_op_threads(1);
    const auto one = nm::extract_activations(*model, set.images, "logits", nm::Pool::automatic, 16);
    nm::set_intra_op_threads(2);
    const auto two = nm::extract_activations(*model, set.images, "logits", nm::Pool::automatic, 16);  // 4 batches
    CHECK(nm::intra_op_threads() == 2);
    CHECK(at::equal(one, two));
  }
}

TEST_CASE("extract: penultimate is the spatial mean of layer3 and feeds the logits", "[models][extract]") {
  const auto set = nm::load_cifar(data_dir, "cifar10", nm::CifarSubset::exact, 20);
  auto model = nm::load_model("resnet20", data_dir);
  const auto pen = nm::extract_activations(*model, set.images, "penultimate");
  const auto l3 = nm::extract_activations(*model, set.images, "layer3", nm::Pool::avg);
  CHECK(max_abs_diff(pen, l3) <= 1e-5 * std::max(1.0, max_abs(pen)));
  CHECK(pen.min().item<float>() >= 0.0f);  // after ReLU
}

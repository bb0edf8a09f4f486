// Forward-pass throughput (images per second) of the built-in models; arguments are
// (batch size, LibTorch intra-op threads), the headline number being 2 threads at batch 256.
// Images are the first 1,017 (bit-exact) CIFAR-10 test images; preprocessing is included.
//   ./bench_models --benchmark_filter=...   (items_per_second = images/s)
#include <benchmark/benchmark.h>

#include <filesystem>
#include <cstdlib>
#include <memory>


#include "neuroncert/models/cifar.hpp"
#include "neuroncert/models/extract.hpp"
#include "neuroncert/models/resnet20.hpp"
#include "neuroncert/models/vit.hpp"

namespace nm = neuroncert::models;

namespace {
const std::filesystem::path data_dir = NEURONCERT_DATA_DIR;

const nm::CifarSet& images() {
  static const nm::CifarSet set = nm::load_cifar(data_dir, "cifar10", nm::CifarSubset::exact, 512);
  return set;
}

void run(benchmark::State& state, nm::Model& model, const std::string& layer) {
  nm::set_intra_op_threads(static_cast<int>(state.range(1)));
  const auto batch = state.range(0);
  const auto x = images().images.slice(0, 0, batch);
  for (auto _ : state) {
    auto out = nm::extract_activations(model, x, layer, nm::Pool::automatic, batch);
    benchmark::DoNotOptimize(out.data_ptr<float>());
  }
  state.SetItemsProcessed(state.iterations() * batch);
}

void BM_resnet20_forward(benchmark::State& state) {
  static nm::ResNet20Model model(data_dir / "resnet20_cifar10.safetensors");
  run(state, model, "logits");
}

void BM_vit_forward(benchmark::State& state) {
  static nm::VitModel model(data_dir / "vit_cifar10.safetensors");
  run(state, model, "logits");
}
}  // namespace

BENCHMARK(BM_resnet20_forward)->ArgsProduct({{1, 64, 256}, {1, 2}})->ArgNames({"batch", "threads"})
    ->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_vit_forward)->ArgsProduct({{1, 64, 256}, {1, 2}})->ArgNames({"batch", "threads"})
    ->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_MAIN();

// Forward-pass throughput (images per second) of the built-in models; arguments are
// (batch size, LibTorch intra-op threads), the headline number being 2 threads at batch 256.
// Images are the first 1,017 (bit-exact) CIFAR-10 test images; preprocessing is included.
// BM_extract_identify_cifar100: the whole pipeline a user runs on the full CIFAR-100 test set
// (10,000 images): extract the penultimate features, then identify every neuron against the 120
// concepts by accuracy and by AUROC (core all-pairs path), 2 threads.
//   ./bench_models --benchmark_filter=...   (items_per_second = images/s)
#include <benchmark/benchmark.h>

#include <filesystem>
#include <chrono>
#include <cstdlib>
#include <memory>


#include <Eigen/Core>

#include "neuroncert/core/all_pairs.hpp"
#include "neuroncert/core/identify.hpp"
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

// Each model is loaded once and shared by every benchmark that runs it.
nm::ResNet20Model& resnet20() {
  static nm::ResNet20Model model(data_dir / "resnet20_cifar10.safetensors");
  return model;
}

nm::VitModel& vit() {
  static nm::VitModel model(data_dir / "vit_cifar10.safetensors");
  return model;
}

void BM_resnet20_forward(benchmark::State& state) { run(state, resnet20(), "logits"); }

void BM_vit_forward(benchmark::State& state) { run(state, vit(), "logits"); }

void extract_identify(benchmark::State& state, nm::Model& model, const std::string& layer) {
  static const nm::CifarSet cifar100 = nm::load_cifar(data_dir, "cifar100");
  static const nm::ConceptMatrix concepts = nm::concept_matrix(cifar100);
  nm::set_intra_op_threads(2);
  const auto y8 = concepts.matrix.contiguous();
  using row_major_u8 = Eigen::Matrix<std::uint8_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const Eigen::MatrixXd y =
      Eigen::Map<const row_major_u8>(y8.data_ptr<std::uint8_t>(), y8.size(0), y8.size(1)).cast<double>();
  double extract_s = 0.0, identify_s = 0.0;
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    const auto acts = nm::extract_activations(model, cifar100.images, layer, nm::Pool::automatic, 256);
    using row_major_f = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    Eigen::MatrixXd a =
        Eigen::Map<const row_major_f>(acts.data_ptr<float>(), acts.size(0), acts.size(1)).cast<double>();
    const auto t1 = std::chrono::steady_clock::now();
    const auto set = neuroncert::make_probing_set(std::move(a), y);
    for (auto m : {neuroncert::metric::accuracy, neuroncert::metric::auroc})
      benchmark::DoNotOptimize(neuroncert::identify(neuroncert::all_pairs_similarity(set, m)).data());
    const auto t2 = std::chrono::steady_clock::now();
    extract_s += std::chrono::duration<double>(t1 - t0).count();
    identify_s += std::chrono::duration<double>(t2 - t1).count();
  }
  const auto iters = static_cast<double>(state.iterations());
  state.counters["extract_s"] = extract_s / iters;
  state.counters["identify_s"] = identify_s / iters;
  state.SetItemsProcessed(state.iterations() * cifar100.size());
}

void BM_extract_identify_cifar100_resnet20(benchmark::State& state) {
  extract_identify(state, resnet20(), "penultimate");
}

void BM_extract_identify_cifar100_vit(benchmark::State& state) { extract_identify(state, vit(), "cls"); }
}  // namespace

BENCHMARK(BM_extract_identify_cifar100_resnet20)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
BENCHMARK(BM_extract_identify_cifar100_vit)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();
BENCHMARK(BM_resnet20_forward)->ArgsProduct({{1, 64, 256}, {1, 2}})->ArgNames({"batch", "threads"})
    ->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_vit_forward)->ArgsProduct({{1, 64, 256}, {1, 2}})->ArgNames({"batch", "threads"})
    ->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK_MAIN();

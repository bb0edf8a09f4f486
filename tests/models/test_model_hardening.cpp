// Model files that load but cannot be trusted (issue "Hardening"): an emptied tensor record, NaN
// weights, a model whose activations are NaN or that returns no rows. Each is refused by file and
// tensor name, as one line, before anything is written; never a segfault or an all-NaN .npy.
#include "models/catch_torch.hpp"

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <ATen/ATen.h>
#include <caffe2/serialize/inline_container.h>
#include <torch/script.h>

#include "cli_runner.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/models/torchscript_model.hpp"

namespace fs = std::filesystem;
namespace nm = neuroncert::models;
using Catch::Matchers::Contains;

namespace {

const fs::path data_dir = NEURONCERT_DATA_DIR;

bool have_data() {
  return fs::exists(data_dir / "cifar10_test_exact_first1017.bin") && fs::exists(data_dir / "resnet20_cifar10.safetensors");
}

/// A scripted model with one parameter `bias` of shape [10] and the given forward body.
void save_model(const fs::path& path, const at::Tensor& bias, const std::string& forward_body) {
  torch::jit::Module m("Probe");
  m.register_parameter("bias", bias, /*is_buffer=*/false);
  m.define("def forward(self, x):\n    " + forward_body + "\n");
  m.save(path.string());
}

/// A copy of the archive `in` with every tensor record of `bytes` bytes emptied (the defect found:
/// the file still loads, and the first matrix product reads past the end of the storage).
void empty_records(const fs::path& in, const fs::path& out, std::size_t bytes) {
  caffe2::serialize::PyTorchStreamReader reader(in.string());
  caffe2::serialize::PyTorchStreamWriter writer(out.string());
  writer.setMinVersion(reader.version());
  std::size_t emptied = 0;
  for (const auto& name : reader.getAllRecords()) {
    if (name == "version" || name == ".data/version") continue;  // writeEndOfFile writes its own
    auto [data, size] = reader.getRecord(name);
    const bool target = name.rfind("data/", 0) == 0 && size == bytes;
    emptied += target ? 1 : 0;
    writer.writeRecord(name, data.get(), target ? 0 : size);
  }
  writer.writeEndOfFile();
  REQUIRE(emptied == 1);
}

/// The files in `dir`, less the stdout.txt / stderr.txt that run_cli leaves.
std::vector<std::string> files_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename() != "stdout.txt" && e.path().filename() != "stderr.txt")
      names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

/// `extract` on the first 50 exact CIFAR-10 images with the model file `model`: exit 1, one line
/// containing `needle`, and no output file at all.
void check_extract_refused(const fs::path& dir, const std::string& model, const std::string& needle) {
  const auto before = files_in(dir);
  const auto r = neuroncert::test::run_cli(
      "extract --model " + model + " --data cifar10 --subset exact --limit 50 --layer output --norm none --out acts.npy "
      "--data-dir '" + data_dir.string() + "'",
      dir);
  INFO(r.err);
  CHECK(r.exit_code == 1);
  CHECK(neuroncert::test::is_one_line(r.err));
  CHECK(r.err.size() < 400);  // no C++ backtrace
  CHECK_THAT(r.err, Contains(needle));
  CHECK(files_in(dir) == before);
}

}  // namespace

TEST_CASE("model hardening: an emptied tensor record is refused by name, not a segfault", "[models][hardening]") {
  const auto dir = neuroncert::test::scratch_dir("model_hardening_storage");
  save_model(dir / "good.pt", at::ones({10}), "return x.flatten(1)[:, 0:10] + self.bias");
  empty_records(dir / "good.pt", dir / "bad.pt", 10 * sizeof(float));
  CHECK_NOTHROW(nm::TorchScriptModel(dir / "good.pt"));
  try {
    nm::TorchScriptModel bad(dir / "bad.pt");
    FAIL("the corrupt file was accepted");
  } catch (const neuroncert::data_error& e) {
    CHECK_THAT(e.what(), Contains("bad.pt") && Contains("tensor 'bias' of shape [10] needs 40 bytes") &&
                             Contains("the file is corrupt"));
  }
  if (!have_data()) return;
  fs::remove(dir / "good.pt");
  check_extract_refused(dir, "bad.pt", "tensor 'bias' of shape [10] needs 40 bytes");
}

TEST_CASE("model hardening: NaN weights and NaN or row-less outputs never reach a file", "[models][hardening]") {
  const auto dir = neuroncert::test::scratch_dir("model_hardening_nan");
  save_model(dir / "nan_weights.pt", at::full({10}, NAN), "return x.flatten(1)[:, 0:10] + self.bias");
  CHECK_THROWS_WITH(nm::TorchScriptModel(dir / "nan_weights.pt"),
                    Contains("tensor 'bias' of shape [10] holds NaN or infinite values"));
  // Finite weights whose product overflows float32: every activation is inf.
  save_model(dir / "overflow.pt", at::full({10}, 1e30), "return x.flatten(1)[:, 0:10] * self.bias * self.bias");
  save_model(dir / "no_rows.pt", at::ones({10}), "return (x.flatten(1)[:, 0:10] + self.bias)[0:0]");
  if (!have_data()) {
    WARN("CIFAR-10 exact subset missing in " NEURONCERT_DATA_DIR ": CLI part skipped");
    return;
  }
  check_extract_refused(dir, "nan_weights.pt", "holds NaN or infinite values");
  check_extract_refused(dir, "overflow.pt", "NaN or infinite activations (first at image 0)");
  check_extract_refused(dir, "no_rows.pt", "returned shape [0, 10] for a batch of 50 images");
}

TEST_CASE("model hardening: built-in weights with a NaN, or a directory in a file's place", "[models][hardening]") {
  if (!have_data()) {
    WARN("CIFAR-10 or ResNet-20 weights missing in " NEURONCERT_DATA_DIR ": skipped");
    return;
  }
  const auto dir = neuroncert::test::scratch_dir("model_hardening_builtin");
  const fs::path weights_dir = dir / "data";
  fs::create_directories(weights_dir);
  for (const auto* name : {"cifar10_test_exact_first1017.bin", "cifar10_classes.txt"})
    fs::create_symlink(data_dir / name, weights_dir / name);
  // A copy of the ResNet-20 weights with the first float of the data block set to NaN.
  std::string bytes = neuroncert::test::slurp(data_dir / "resnet20_cifar10.safetensors");
  std::uint64_t header = 0;
  std::memcpy(&header, bytes.data(), 8);
  const float nan = NAN;
  std::memcpy(bytes.data() + 8 + header, &nan, sizeof nan);
  std::ofstream(weights_dir / "resnet20_cifar10.safetensors", std::ios::binary) << bytes;
  const std::string extract = "extract --model resnet20 --data cifar10 --subset exact --limit 20 --layer penultimate "
                              "--out acts.npy --data-dir data";
  // Each: exit 1, one line naming the file and the defect, and no output.
  const auto refused = [&](const std::string& file, const std::string& defect) {
    const auto r = neuroncert::test::run_cli(extract, dir);
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(neuroncert::test::is_one_line(r.err));
    CHECK_THAT(r.err, Contains(file) && Contains(defect));
    CHECK_FALSE(fs::exists(dir / "acts.npy"));
  };
  refused("resnet20_cifar10.safetensors", "holds NaN or infinite values");

  // A directory where the weights file should be, then where the CIFAR file should be.
  fs::remove(weights_dir / "resnet20_cifar10.safetensors");
  fs::create_directory(weights_dir / "resnet20_cifar10.safetensors");
  refused("resnet20_cifar10.safetensors", "is a directory");
  fs::remove(weights_dir / "resnet20_cifar10.safetensors");
  fs::create_symlink(data_dir / "resnet20_cifar10.safetensors", weights_dir / "resnet20_cifar10.safetensors");
  fs::remove(weights_dir / "cifar10_test_exact_first1017.bin");
  fs::create_directory(weights_dir / "cifar10_test_exact_first1017.bin");
  refused("cifar10_test_exact_first1017.bin", "is a directory");
}

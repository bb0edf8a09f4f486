// `neuroncert extract` end to end: bad input gives one line on stderr and a non-zero exit;
// a small extraction writes the .npy files with the right shapes.
#include "models/catch_torch.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "neuroncert/core/json_io.hpp"
#include "neuroncert/core/npy.hpp"

using Catch::Matchers::Contains;

namespace {
const std::string exe = NEURONCERT_EXE;
const std::string data_dir = NEURONCERT_DATA_DIR;

struct Result {
  int code = -1;
  std::string out;  // stdout or stderr, as asked
};

/// Runs the CLI; `stream` "stderr" captures stderr only, "stdout" stdout only.
Result run(const std::string& args, const std::string& stream = "stderr") {
  const std::string redirect = stream == "stderr" ? " 2>&1 >/dev/null" : " 2>/dev/null";
  FILE* pipe = ::popen((exe + " extract " + args + redirect).c_str(), "r");
  REQUIRE(pipe != nullptr);
  Result r;
  std::array<char, 4096> buf{};
  while (std::fgets(buf.data(), buf.size(), pipe)) r.out += buf.data();
  const int status = ::pclose(pipe);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

bool one_line(const std::string& s) { return !s.empty() && s.find('\n') == s.size() - 1; }

std::filesystem::path temp_dir() {
  auto dir = std::filesystem::temp_directory_path() / ("neuroncert_cli_extract_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}
}  // namespace

TEST_CASE("cli extract: unknown model, layer or pool is a usage error", "[models][cli]") {
  auto r = run("--model resnet56 --layer stem");
  CHECK(r.code == 2);
  CHECK(one_line(r.out));
  CHECK_THAT(r.out, Contains("unknown model 'resnet56'"));
  r = run("--model resnet20 --layer layer9");
  CHECK(r.code == 2);
  CHECK(one_line(r.out));
  CHECK_THAT(r.out, Contains("unknown layer 'layer9' for resnet20 (known: stem, layer1, layer2, layer3, penultimate, logits)"));
  r = run("--model vit --layer encoder2 --pool median");
  CHECK(r.code == 2);
  CHECK(one_line(r.out));
  r = run("--model resnet20 --layer stem --data mnist");
  CHECK(r.code == 2);
  CHECK(one_line(r.out));
}

TEST_CASE("cli extract: missing or corrupt files are failures", "[models][cli]") {
  const auto dir = temp_dir();
  auto r = run("--model resnet20 --layer stem --data-dir " + dir.string());
  CHECK(r.code == 1);
  CHECK(one_line(r.out));
  CHECK_THAT(r.out, Contains("resnet20_cifar10.safetensors"));
  r = run("--model " + (dir / "missing.pt").string() + " --layer output");
  CHECK(r.code == 1);
  CHECK(one_line(r.out));
  // A data folder whose CIFAR file has a partial record.
  std::filesystem::copy_file(std::filesystem::path(data_dir) / "resnet20_cifar10.safetensors",
                             dir / "resnet20_cifar10.safetensors", std::filesystem::copy_options::overwrite_existing);
  std::ofstream(dir / "cifar10_test.bin", std::ios::binary) << std::string(3073 + 100, '\0');
  r = run("--model resnet20 --layer stem --out " + (dir / "x.npy").string() + " --data-dir " + dir.string());
  CHECK(r.code == 1);
  CHECK(one_line(r.out));
  CHECK_THAT(r.out, Contains("cifar10_test.bin") && Contains("not a whole number"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("cli extract: a small extraction writes activations and concepts", "[models][cli]") {
  const auto dir = temp_dir();
  const auto out = dir / "acts.npy";
  auto r = run("--model resnet20 --data cifar10 --subset exact --limit 40 --layer layer3 --pool max --batch-size 16 --out " +
                   out.string(),
               "stdout");
  REQUIRE(r.code == 0);
  CHECK_THAT(r.out, Contains("40 images x 64 features"));
  const auto acts = neuroncert::io::read_npy(out);
  CHECK((acts.shape == std::vector<std::size_t>{40, 64}));
  CHECK(acts.dtype == neuroncert::io::npy_dtype::f4);
  const auto concepts = neuroncert::io::read_npy(dir / "acts_concepts.npy");
  CHECK((concepts.shape == std::vector<std::size_t>{40, 10}));
  CHECK(concepts.dtype == neuroncert::io::npy_dtype::u1);
  CHECK(concepts.values[3] == 1.0);  // first image is a cat (label 3)
  const auto labels = neuroncert::io::read_npy(dir / "acts_labels.npy");
  CHECK((labels.shape == std::vector<std::size_t>{40}));
  CHECK(labels.values[1] == 8.0);
  std::ifstream names(dir / "acts_concepts.txt");
  std::string first;
  std::getline(names, first);
  CHECK(first == "airplane");
  const auto meta = neuroncert::io::read_json(dir / "acts.json");
  CHECK(meta.at("layer") == "layer3");
  CHECK(meta.at("n") == 40);
  CHECK(meta.at("features") == 64);
  CHECK(meta.at("concept_names").size() == 10);
  CHECK(meta.contains("command_line"));

  // CIFAR-100 with the ViT: 100 fine + 20 coarse concepts, labels n x 2.
  const auto out2 = dir / "vit.npy";
  r = run("--model vit --data cifar100 --limit 12 --layer encoder1 --pool mean --out " + out2.string(), "stdout");
  REQUIRE(r.code == 0);
  CHECK((neuroncert::io::read_npy(out2).shape == std::vector<std::size_t>{12, 128}));
  CHECK((neuroncert::io::read_npy(dir / "vit_concepts.npy").shape == std::vector<std::size_t>{12, 120}));
  CHECK((neuroncert::io::read_npy(dir / "vit_labels.npy").shape == std::vector<std::size_t>{12, 2}));
  std::filesystem::remove_all(dir);
}

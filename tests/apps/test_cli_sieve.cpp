// CLI tests of `neuroncert sieve` and `neuroncert sieve-plan`: outputs on ResNet-20 / CIFAR-100
// (first 2,000 images to keep it short) and every bad input as one line with a non-zero exit.
#include <catch2/catch.hpp>

#include <filesystem>

#include "cli_runner.hpp"
#include "neuroncert/core/npy.hpp"
#include "neuroncert/core/csv.hpp"
#include "neuroncert/core/json_io.hpp"

using namespace neuroncert;

namespace {
bool have_data() {
  return std::filesystem::exists(std::filesystem::path(NEURONCERT_DATA_DIR) / "cifar100_test.bin") &&
         std::filesystem::exists(std::filesystem::path(NEURONCERT_DATA_DIR) / "resnet20_cifar10.safetensors");
}
const std::string base = "sieve --model resnet20 --data cifar100 --no-progress --limit 2000 --min-verification-images 5 ";
}  // namespace

TEST_CASE("sieve-plan prints the verification images needed", "[cli][sieve]") {
  const auto dir = test::scratch_dir("sieve_plan");
  // Hand case (tests/bounds/test_activation_rate.cpp): AR 0.5, power 0.8, alpha 0.05 -> 3 images.
  const auto r = test::run_cli("sieve-plan --ar 0.5 --power 0.8", dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("verification images needed: 3 ") != std::string::npos);
  const auto bad = test::run_cli("sieve-plan --ar 0.005 --power 0.8", dir);
  CHECK(bad.exit_code == 2);
  CHECK(test::is_one_line(bad.err));
  CHECK(bad.err.find("--ar") != std::string::npos);
  CHECK(test::run_cli("sieve-plan --ar 0.5 --power 1.5", dir).exit_code == 2);
}

TEST_CASE("sieve on ResNet-20 writes neurons, hypotheses, JSON and the ablation", "[cli][sieve][models]") {
  if (!have_data()) {
    WARN("CIFAR-100 or ResNet-20 weights missing in " NEURONCERT_DATA_DIR ": skipped");
    return;
  }
  const auto dir = test::scratch_dir("sieve_ok");
  const auto r = test::run_cli(base + "--layer penultimate --beta 3 --ablation --out s", dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("sieve: resnet20 layer penultimate") != std::string::npos);
  CHECK(r.out.find("ablation (mean AR)") != std::string::npos);
  const auto neurons = io::read_csv(dir / "s_neurons.csv");
  CHECK(neurons.rows.size() == 64);
  const auto hyps = io::read_csv(dir / "s_hypotheses.csv");
  REQUIRE_FALSE(hyps.rows.empty());
  const auto lo = hyps.column("cp_lower"), hi = hyps.column("cp_upper"), ar = hyps.column("ar");
  for (const auto& row : hyps.rows) {
    CHECK(std::stod(row[lo]) <= std::stod(row[ar]));
    CHECK(std::stod(row[ar]) <= std::stod(row[hi]));
  }
  const auto ablation = io::read_csv(dir / "s_ablation.csv");
  CHECK(ablation.rows.size() == 8 + 10);
  const auto json = io::read_json(dir / "s.json");
  CHECK(json["inputs"]["neurons"] == 64);
  CHECK(json["inputs"]["probe_images"].get<int>() + json["inputs"]["heldout_images"].get<int>() == 2000);
  CHECK(json["metadata"]["command_line"].get<std::string>().find("--beta 3") != std::string::npos);
  CHECK(json["hypotheses"].size() == hyps.rows.size());
}

TEST_CASE("sieve: bad input is one line and a non-zero exit", "[cli][sieve]") {
  const auto dir = test::scratch_dir("sieve_bad");
  auto expect = [&](const std::string& args, int code, const std::string& needle) {
    const auto r = test::run_cli(args, dir);
    INFO(args << "\n" << r.err);
    CHECK(r.exit_code == code);
    CHECK(test::is_one_line(r.err));
    CHECK(r.err.find(needle) != std::string::npos);
  };
  expect(base + "--layer penultimate --beta 0", 2, "--beta");
  expect(base + "--layer penultimate --beta -1", 2, "--beta");
  expect(base + "--layer penultimate --top 1", 2, "--top");
  if (!have_data()) return;
  expect(base + "--layer layer9", 2, "layer9");
  // 2,000 images: about 10 held-out images per fine class, far fewer than 60.
  expect("sieve --model resnet20 --data cifar100 --no-progress --limit 2000 --layer penultimate "
         "--min-verification-images 60",
         1, "too few held-out images");
}

TEST_CASE("sieve --activations-cache: a cache made from something else is refused, not used", "[cli][sieve][hardening]") {
  if (!have_data()) {
    WARN("CIFAR-100 or ResNet-20 weights missing in " NEURONCERT_DATA_DIR ": skipped");
    return;
  }
  const auto dir = test::scratch_dir("sieve_cache");
  auto run = [&](const std::string& args) { return test::run_cli(base + args + " --activations-cache c.npy --out s", dir); };
  auto refused = [&](const test::cli_result& r, const std::string& needle) {
    INFO(r.err);
    CHECK(r.exit_code == 1);
    CHECK(test::is_one_line(r.err));
    CHECK(r.err.find(needle) != std::string::npos);
  };
  REQUIRE(run("--layer penultimate").exit_code == 0);
  const auto record = io::read_json(dir / "c.npy.json");
  CHECK(record["source"]["layer"] == "penultimate");
  CHECK(record["source"]["images"] == 2000);
  CHECK(record["features"] == 64);
  CHECK(run("--layer penultimate").exit_code == 0);  // the same request reads it back
  // Same n, another layer or pooling: before, only the row count was checked and the cache was used.
  refused(run("--layer layer3"), "c.npy: activation cache was made from layer = \"penultimate\", not \"layer3\"");
  refused(run("--layer penultimate --pool max"), "was made from pool = \"auto\", not \"max\"");
  // Another model with the same n: the ViT.
  refused(test::run_cli("sieve --model vit --data cifar100 --no-progress --limit 2000 --min-verification-images 5 "
                        "--layer cls --activations-cache c.npy --out s",
                        dir),
          "was made from model = \"resnet20\", not \"vit\"");
  // The matrix replaced by one of another width.
  io::write_npy(dir / "c.npy", Eigen::MatrixXd(Eigen::MatrixXd::Zero(2000, 10)));
  refused(run("--layer penultimate"), "cached activations are 2000 x 10, but its record says 2000 x 64");
  // No record at all (an older cache, or any .npy).
  std::filesystem::remove(dir / "c.npy.json");
  refused(run("--layer penultimate"), "activation cache has no provenance record c.npy.json");
}

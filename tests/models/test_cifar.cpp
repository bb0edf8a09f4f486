// CIFAR readers, concept matrices and preprocessing.
#include "models/catch_torch.hpp"

#include <filesystem>
#include <fstream>

#include <ATen/ATen.h>

#include "neuroncert/core/error.hpp"
#include "neuroncert/models/cifar.hpp"

namespace nm = neuroncert::models;
using Catch::Matchers::Contains;

namespace {
const std::filesystem::path data_dir = NEURONCERT_DATA_DIR;
}

TEST_CASE("cifar: CIFAR-10 files, labels in official order", "[models][cifar]") {
  const auto exact = nm::load_cifar(data_dir, "cifar10", nm::CifarSubset::exact);
  REQUIRE(exact.size() == 1017);
  CHECK((exact.images.sizes().vec() == std::vector<std::int64_t>{1017, 3, 32, 32}));
  CHECK((std::vector<std::int64_t>(exact.labels.begin(), exact.labels.begin() + 10) ==
         std::vector<std::int64_t>{3, 8, 8, 0, 6, 6, 1, 6, 3, 1}));
  CHECK(exact.class_names.front() == "airplane");
  CHECK(exact.class_names.back() == "truck");
  const auto full = nm::load_cifar(data_dir, "cifar10", nm::CifarSubset::full, 1017);
  CHECK(full.labels == exact.labels);
  const auto concepts = nm::concept_matrix(exact);
  CHECK((concepts.matrix.sizes().vec() == std::vector<std::int64_t>{1017, 10}));
  CHECK(concepts.matrix.sum(1).eq(1).all().item<bool>());
  CHECK(concepts.matrix[0][3].item<std::uint8_t>() == 1);
}

TEST_CASE("cifar: CIFAR-100 with fine and coarse concepts", "[models][cifar]") {
  const auto set = nm::load_cifar(data_dir, "cifar100");
  REQUIRE(set.size() == 10000);
  CHECK((std::vector<std::int64_t>(set.coarse.begin(), set.coarse.begin() + 5) == std::vector<std::int64_t>{10, 10, 0, 4, 10}));
  CHECK((std::vector<std::int64_t>(set.labels.begin(), set.labels.begin() + 5) == std::vector<std::int64_t>{49, 33, 72, 51, 71}));
  const auto concepts = nm::concept_matrix(set);
  REQUIRE(concepts.names.size() == 120);
  CHECK(concepts.names[0] == "apple");
  CHECK(concepts.names[100] == "coarse:aquatic_mammals");
  CHECK(concepts.names[118] == "coarse:vehicles_1");
  CHECK(concepts.matrix.sum(1).eq(2).all().item<bool>());
  CHECK((concepts.matrix.sum(0).slice(0, 0, 100).eq(100).all().item<bool>()));
  CHECK((concepts.matrix.sum(0).slice(0, 100, 120).eq(500).all().item<bool>()));
  CHECK_THROWS_AS(nm::load_cifar(data_dir, "cifar100", nm::CifarSubset::exact), neuroncert::invalid_argument);
  CHECK_THROWS_WITH(nm::load_cifar(data_dir, "mnist"), Contains("unknown data set 'mnist'"));
}

TEST_CASE("cifar: a file that is not a whole number of records is rejected", "[models][cifar]") {
  const auto p = std::filesystem::temp_directory_path() / ("neuroncert_cifar_bad_" + std::to_string(::getpid()) + ".bin");
  std::ofstream(p, std::ios::binary) << std::string(3073 * 2 + 5, '\1');
  CHECK_THROWS_WITH(nm::read_cifar10(p), Contains(p.string()) && Contains("not a whole number of 3073-byte records"));
  CHECK_THROWS_WITH(nm::read_cifar100(p), Contains(p.string()) && Contains("3074-byte records"));
  std::ofstream(p, std::ios::binary) << std::string(3073, '\x0c');  // label 12 > 9
  CHECK_THROWS_WITH(nm::read_cifar10(p), Contains("label 12"));
  std::filesystem::remove(p);
  CHECK_THROWS_AS(nm::read_cifar10(p), neuroncert::data_error);
  CHECK_THROWS_WITH(nm::load_cifar("/nonexistent-dir", "cifar10"), Contains("cannot open"));
}

TEST_CASE("cifar: preprocessing is (x/255 - mean) / std per channel", "[models][cifar]") {
  auto img = at::zeros({1, 3, 2, 2}, at::TensorOptions().dtype(at::kByte));
  img[0][0][0][0] = 255;
  img[0][2][1][1] = 51;
  const auto x = nm::preprocess(img, nm::imagenet_normalization);
  CHECK(x[0][0][0][0].item<float>() == Approx((1.0 - 0.485) / 0.229).epsilon(1e-6));
  CHECK(x[0][1][0][0].item<float>() == Approx(-0.456 / 0.224).epsilon(1e-6));
  CHECK(x[0][2][1][1].item<float>() == Approx((0.2 - 0.406) / 0.225).epsilon(1e-6));
  const auto y = nm::preprocess(img, nm::cifar_normalization);
  CHECK(y[0][0][0][0].item<float>() == Approx((1.0 - 0.4914) / 0.2023).epsilon(1e-6));
}

TEST_CASE("cifar: parse_cifar reads records held in memory like the file readers", "[models][cifar]") {
  // Two CIFAR-100 records: (coarse 3, fine 42) and (coarse 19, fine 99), pixels 0, 1, 2, ...
  std::string bytes;
  for (const auto& [coarse, fine] : {std::pair{3, 42}, std::pair{19, 99}}) {
    bytes += static_cast<char>(coarse);
    bytes += static_cast<char>(fine);
    for (int i = 0; i < 3072; ++i) bytes += static_cast<char>(i % 251);
  }
  const auto set = nm::parse_cifar(bytes, nm::CifarKind::cifar100, "buffer");
  REQUIRE(set.size() == 2);
  CHECK(set.labels == std::vector<std::int64_t>{42, 99});
  CHECK(set.coarse == std::vector<std::int64_t>{3, 19});
  CHECK(set.images[1][2][31][31].item<std::uint8_t>() == 3071 % 251);
  CHECK(nm::parse_cifar(bytes, nm::CifarKind::cifar100, "buffer", 1).size() == 1);
  const auto p = std::filesystem::temp_directory_path() / ("neuroncert_cifar_mem_" + std::to_string(::getpid()) + ".bin");
  std::ofstream(p, std::ios::binary) << bytes;
  CHECK(nm::read_cifar100(p).labels == set.labels);
  std::filesystem::remove(p);
  // Errors name the buffer as they name a file.
  CHECK_THROWS_WITH(nm::parse_cifar(bytes, nm::CifarKind::cifar10, "buffer"),
                    Contains("CIFAR-10 file 'buffer'") && Contains("3073-byte records"));
  CHECK_THROWS_WITH(nm::parse_cifar("", nm::CifarKind::cifar10, "buffer"), Contains("'buffer'") && Contains("empty"));
}

TEST_CASE("cifar: a directory or a special file is a one-line error, not std::bad_alloc", "[models][cifar]") {
  // Regression (issue 10, item 6): the size came from seeking to the end of what was opened; a
  // directory gave a size near 2^63 and std::bad_alloc.
  const auto dir = std::filesystem::temp_directory_path();
  CHECK_THROWS_AS(nm::read_cifar10(dir), neuroncert::data_error);
  CHECK_THROWS_WITH(nm::read_cifar100(dir), Contains(dir.string()) && Contains("is a directory"));
  CHECK_THROWS_WITH(nm::read_cifar10("/dev/null"), Contains("/dev/null") && Contains("not a regular file"));
}

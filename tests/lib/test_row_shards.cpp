// Row shards, CSR concept directories and the communicator's failure agreement (row_shards.hpp,
// probing_files.hpp, communicator.hpp), against the plain readers.
#include <cstdint>
#include <fstream>
#include <limits>
#include <new>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "neuroncert/core/communicator.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/npy.hpp"
#include "neuroncert/core/probing_files.hpp"
#include "neuroncert/core/row_shards.hpp"
#include "temp_dir.hpp"

using namespace neuroncert;

namespace {
void write_bytes(const std::filesystem::path& p, const std::string& bytes) { std::ofstream(p, std::ios::binary) << bytes; }
}  // namespace

TEST_CASE("mapped_shard copies any block of columns as read_npy_matrix reads them", "[row_shards]") {
  test::per_test_dir tmp;
  const std::size_t rows = 37, cols = 11;
  std::vector<float> f(rows * cols);
  std::vector<std::int64_t> i(rows * cols);
  std::vector<std::uint8_t> u(rows * cols);
  for (std::size_t k = 0; k < f.size(); ++k) {
    f[k] = static_cast<float>(k) * 0.37f - 50.0f;
    i[k] = static_cast<std::int64_t>(k * k) - 400;
    u[k] = static_cast<std::uint8_t>(k % 251);
  }
  io::write_npy(tmp.dir / "f.npy", f.data(), {rows, cols});
  io::write_npy(tmp.dir / "i.npy", i.data(), {rows, cols});
  io::write_npy(tmp.dir / "u.npy", u.data(), {rows, cols});
  for (const char* name : {"f.npy", "i.npy", "u.npy"}) {
    const auto expected = io::read_npy_matrix(tmp.dir / name, "activations");
    const io::mapped_shard shard(tmp.dir / name);
    REQUIRE(shard.rows() == rows);
    REQUIRE(shard.cols() == cols);
    // Rows [3, 30), columns [2, 9), into a buffer with a larger stride than the rows copied.
    const std::size_t stride = 40;
    std::vector<double> out(stride * 7, -1.0);
    shard.copy_columns(3, 30, 2, 9, out.data(), stride);
    for (std::size_t j = 2; j < 9; ++j)
      for (std::size_t r = 3; r < 30; ++r)
        REQUIRE(out[(j - 2) * stride + (r - 3)] == expected(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(j)));
    CHECK(out[27] == -1.0);  // beyond the rows copied: untouched
    CHECK_NOTHROW(shard.check_values("activation"));
    CHECK_THROWS_AS(shard.copy_columns(0, rows + 1, 0, 1, out.data(), stride), invalid_argument);
  }
}

TEST_CASE("mapped_shard names the file, row and column of a non-finite value, and refuses Fortran order",
          "[row_shards]") {
  test::per_test_dir tmp;
  std::vector<double> v(6 * 4, 1.0);
  v[2 * 4 + 3] = std::numeric_limits<double>::quiet_NaN();
  io::write_npy(tmp.dir / "nan.npy", v.data(), {6, 4});
  const io::mapped_shard shard(tmp.dir / "nan.npy");
  try {
    shard.check_values("activation");
    FAIL("no error");
  } catch (const data_error& e) {
    const std::string m = e.what();
    CHECK(m.find("nan.npy") != std::string::npos);
    CHECK(m.find("row 2, column 3") != std::string::npos);
  }
  // A Fortran-order file: the header NumPy writes for np.asfortranarray.
  std::string header = io::npy_header(io::npy_dtype::f8, {2, 3});
  header.replace(header.find("'fortran_order': False"), 22, "'fortran_order': True ");
  std::string bytes = header + std::string(6 * sizeof(double), '\0');
  write_bytes(tmp.dir / "f.npy", bytes);
  CHECK_THROWS_WITH(io::mapped_shard(tmp.dir / "f.npy"), Catch::Contains("Fortran order"));
  CHECK_THROWS_WITH(io::mapped_shard(tmp.dir / "missing.npy"), Catch::Contains("missing.npy"));
}

TEST_CASE("shard_paths reads a list or a directory in name order", "[row_shards]") {
  test::per_test_dir tmp;
  for (const char* name : {"b_01.npy", "b_00.npy", "notes.txt", "b_02.npy"}) write_bytes(tmp.dir / name, "x");
  std::filesystem::create_directory(tmp.dir / "sub.csr");
  const auto listed = io::shard_paths("--activations-shards", tmp.dir.string());
  REQUIRE(listed.size() == 3);
  CHECK(listed[0].filename() == "b_00.npy");
  CHECK(listed[2].filename() == "b_02.npy");
  CHECK(io::shard_paths("--concepts-shards", tmp.dir.string(), true).size() == 4);
  CHECK(io::shard_paths("--x", "a.npy,b.npy").size() == 2);
  CHECK_THROWS_WITH(io::shard_paths("--x", "a.npy,,b.npy"), Catch::Contains("--x: empty file name"));
  std::filesystem::create_directory(tmp.dir / "empty");
  CHECK_THROWS_WITH(io::shard_paths("--x", (tmp.dir / "empty").string()), Catch::Contains("holds no .npy"));
}

namespace {
void save_csr(const std::filesystem::path& dir, const std::vector<std::int64_t>& indptr,
              const std::vector<std::int64_t>& indices, const std::vector<double>& data, std::int64_t n, std::int64_t C) {
  std::filesystem::create_directories(dir);
  io::write_npy(dir / "indptr.npy", indptr.data(), {indptr.size()});
  io::write_npy(dir / "indices.npy", indices.data(), {indices.size()});
  if (!data.empty()) io::write_npy(dir / "data.npy", data.data(), {data.size()});
  const std::vector<std::int64_t> shape{n, C};
  io::write_npy(dir / "shape.npy", shape.data(), {2});
}
}  // namespace

TEST_CASE("a CSR directory reads as the dense matrix it stands for; shards stack", "[row_shards]") {
  test::per_test_dir tmp;
  // 4 samples x 3 concepts:  [0 .5 1] [0 0 0] [.25 0 0] [1 1 0], row 0 unsorted, with an explicit zero.
  save_csr(tmp.dir / "p.csr", {0, 3, 3, 5, 7}, {2, 1, 0, 0, 1, 1, 0}, {1.0, 0.5, 0.0, 0.25, 0.0, 1.0, 1.0}, 4, 3);
  const Eigen::MatrixXd dense =
      (Eigen::MatrixXd(4, 3) << 0, 0.5, 1, 0, 0, 0, 0.25, 0, 0, 1, 1, 0).finished();
  io::write_npy(tmp.dir / "p.npy", dense);
  const auto a = io::read_sparse_concepts(tmp.dir / "p.csr");
  const auto b = io::read_sparse_concepts(tmp.dir / "p.npy");
  CHECK(a.row_start == b.row_start);
  CHECK(a.index == b.index);
  CHECK(a.value == b.value);
  // Without data.npy every nonzero is 1: a binary set.
  save_csr(tmp.dir / "y.csr", {0, 1, 3}, {2, 0, 1}, {}, 2, 3);
  const auto y = io::read_sparse_concepts(tmp.dir / "y.csr");
  CHECK(y.binary());
  CHECK(y.index == std::vector<std::uint32_t>{2, 0, 1});
  // Stacked: the CSR rows, then the dense rows.
  const auto s = io::read_sparse_concepts(std::vector<std::filesystem::path>{tmp.dir / "y.csr", tmp.dir / "p.npy"});
  CHECK(s.samples == 6);
  CHECK(s.row_start == std::vector<std::uint64_t>{0, 1, 3, 5, 5, 6, 8});
  CHECK(s.value == std::vector<double>{1, 1, 1, 0.5, 1, 0.25, 1, 1});
  // Errors name the file.
  save_csr(tmp.dir / "bad.csr", {0, 2, 1}, {0, 1}, {}, 2, 3);
  CHECK_THROWS_WITH(io::read_sparse_concepts(tmp.dir / "bad.csr"), Catch::Contains("indptr.npy"));
  save_csr(tmp.dir / "range.csr", {0, 1}, {3}, {}, 1, 3);
  CHECK_THROWS_WITH(io::read_sparse_concepts(tmp.dir / "range.csr"), Catch::Contains("outside [0, 3)"));
  save_csr(tmp.dir / "twice.csr", {0, 2}, {1, 1}, {}, 1, 3);
  CHECK_THROWS_WITH(io::read_sparse_concepts(tmp.dir / "twice.csr"), Catch::Contains("lists concept 1 twice"));
  save_csr(tmp.dir / "wide.csr", {0, 1}, {3}, {}, 1, 4);
  CHECK_THROWS_WITH(io::read_sparse_concepts(std::vector<std::filesystem::path>{tmp.dir / "y.csr", tmp.dir / "wide.csr"}),
                    Catch::Contains("wide.csr: 4 concepts"));
}

TEST_CASE("on_every_rank rethrows a rank's failure with its type", "[row_shards]") {
  local_communicator one;
  CHECK_NOTHROW(on_every_rank(one, [] {}));
  CHECK_THROWS_AS(on_every_rank(one, [] { throw invalid_argument("--x bad"); }), invalid_argument);
  CHECK_THROWS_WITH(on_every_rank(one, [] { throw data_error("f.npy: truncated"); }), "f.npy: truncated");
  CHECK_THROWS_WITH(on_every_rank(one, [] { throw std::bad_alloc(); }), Catch::StartsWith("out of memory"));
  std::vector<double> recv(3);
  const std::vector<double> send{1, 2, 3};
  const std::vector<std::int64_t> counts{3};
  one.all_to_all(send, counts, recv, counts);
  CHECK(recv == send);
}

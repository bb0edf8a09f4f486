// .npy reading and writing: round trips, NumPy's exact bytes, Fortran order, every corruption.
#include <catch2/catch.hpp>

#include "temp_dir.hpp"

#include <cctype>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include <Eigen/Core>

#include "neuroncert/core/error.hpp"
#include "neuroncert/core/npy.hpp"

namespace fs = std::filesystem;
using namespace neuroncert;
using namespace neuroncert::io;

namespace {

using npy_temp_dir = neuroncert::test::per_test_dir;

std::string read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_bytes(const fs::path& p, const std::string& bytes) {
  std::ofstream out(p, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

/// Little-endian bytes of a value, built by shifting (independent of the host's layout).
template <class U>
std::string le(U bits) {
  std::string s;
  for (std::size_t i = 0; i < sizeof(U); ++i) s += static_cast<char>((static_cast<std::uint64_t>(bits) >> (8 * i)) & 0xff);
  return s;
}
std::string le_f8(double x) {
  std::uint64_t b;
  std::memcpy(&b, &x, 8);
  return le(b);
}
std::string le_f4(float x) {
  std::uint32_t b;
  std::memcpy(&b, &x, 4);
  return le(b);
}

/// A .npy file from a header dict text and raw data, padded as NumPy pads (64-byte alignment).
std::string npy_bytes(const std::string& dict, const std::string& data, int major = 1) {
  const std::size_t len_bytes = major == 1 ? 2 : 4;
  const std::size_t prefix = 8 + len_bytes;
  std::string header = dict;
  while ((prefix + header.size() + 1) % 64 != 0) header += ' ';
  header += '\n';
  std::string out = std::string("\x93NUMPY", 6) + static_cast<char>(major) + '\0';
  if (major == 1)
    out += le(static_cast<std::uint16_t>(header.size()));
  else
    out += le(static_cast<std::uint32_t>(header.size()));
  return out + header + data;
}

using neuroncert::test::error_of;

/// Checks a read error: data_error, one line, starting with the path, containing `needle`.
void require_read_error(const fs::path& p, const std::string& needle) {
  const std::string msg = error_of<data_error>([&] { (void)read_npy(p); });
  INFO(msg);
  CHECK(msg.rfind(p.string() + ": ", 0) == 0);
  CHECK(msg.find('\n') == std::string::npos);
  CHECK_THAT(msg, Catch::Matchers::Contains(needle));
  // read_npy_matrix goes through the same validation.
  const std::string msg2 = error_of<data_error>([&] { (void)read_npy_matrix(p, "activations"); });
  CHECK(msg2.rfind(p.string() + ": ", 0) == 0);
}

const std::string f8_2x2_dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }";
const std::string f8_2x2_data = le_f8(1) + le_f8(2) + le_f8(3) + le_f8(4);

std::vector<std::vector<std::size_t>> test_shapes() { return {{}, {0}, {5}, {2, 3}, {2, 3, 4}, {0, 3}, {1, 1, 1, 7}}; }

std::size_t count_of(const std::vector<std::size_t>& s) {
  return std::accumulate(s.begin(), s.end(), std::size_t{1}, std::multiplies<>());
}

template <class T>
void round_trip(const fs::path& p, npy_dtype expected) {
  for (const auto& shape : test_shapes()) {
    const std::size_t n = count_of(shape);
    std::vector<T> data(n);
    for (std::size_t i = 0; i < n; ++i) {
      if constexpr (std::is_floating_point_v<T>)
        data[i] = static_cast<T>(static_cast<double>(i) * 0.37 - 1.25);
      else if constexpr (std::is_signed_v<T>)
        data[i] = static_cast<T>(static_cast<std::int64_t>(i * 1000003) - 5000000000LL);
      else
        data[i] = static_cast<T>((i * 37) % 256);
    }
    write_npy(p, data.data(), shape);
    const npy_array a = read_npy(p);
    CHECK(a.shape == shape);
    CHECK(a.dtype == expected);
    REQUIRE(a.values.size() == n);
    for (std::size_t i = 0; i < n; ++i) CHECK(a.values[i] == static_cast<double>(data[i]));
    // Header alignment like NumPy: data starts on a 64-byte boundary, header ends in '\n'.
    const std::string bytes = read_bytes(p);
    const std::size_t header_total = bytes.size() - n * sizeof(T);
    CHECK(header_total % 64 == 0);
    CHECK(bytes[header_total - 1] == '\n');
  }
}

}  // namespace

TEST_CASE("npy: round trip float32 for 0-D to 4-D shapes", "[npy]") {
  npy_temp_dir t;
  round_trip<float>(t / "a.npy", npy_dtype::f4);
}

TEST_CASE("npy: round trip float64 for 0-D to 4-D shapes", "[npy]") {
  npy_temp_dir t;
  round_trip<double>(t / "a.npy", npy_dtype::f8);
}

TEST_CASE("npy: round trip uint8 for 0-D to 4-D shapes", "[npy]") {
  npy_temp_dir t;
  round_trip<std::uint8_t>(t / "a.npy", npy_dtype::u1);
}

TEST_CASE("npy: round trip int64 for 0-D to 4-D shapes", "[npy]") {
  npy_temp_dir t;
  round_trip<std::int64_t>(t / "a.npy", npy_dtype::i8);
}

TEST_CASE("npy: Eigen matrices are written in C order and read back", "[npy]") {
  npy_temp_dir t;
  Eigen::MatrixXd m(3, 4);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 4; ++j) m(i, j) = 10 * i + j + 0.125;
  write_npy(t / "d.npy", m);
  const npy_array a = read_npy(t / "d.npy");
  CHECK(a.dtype == npy_dtype::f8);
  CHECK(a.shape == std::vector<std::size_t>{3, 4});
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 4; ++j) CHECK(a.values[static_cast<std::size_t>(4 * i + j)] == m(i, j));
  CHECK(read_npy_matrix(t / "d.npy", "m") == m);

  Eigen::MatrixXf f = m.cast<float>();
  write_npy(t / "f.npy", f);
  CHECK(read_npy(t / "f.npy").dtype == npy_dtype::f4);
  CHECK(read_npy_matrix(t / "f.npy", "m") == f.cast<double>());

  // Large enough to use several transpose blocks.
  Eigen::MatrixXf big = Eigen::MatrixXf::Random(3000, 700);
  write_npy(t / "big.npy", big);
  CHECK(read_npy_matrix(t / "big.npy", "m") == big.cast<double>());

  // Empty matrices.
  write_npy(t / "e.npy", Eigen::MatrixXd(0, 5));
  const Eigen::MatrixXd e = read_npy_matrix(t / "e.npy", "m");
  CHECK(e.rows() == 0);
  CHECK(e.cols() == 5);
}

TEST_CASE("npy: read_npy_matrix takes 1-D as a column and rejects 3-D", "[npy]") {
  npy_temp_dir t;
  const std::vector<double> v{1, 2, 3};
  write_npy(t / "v.npy", v.data(), {3});
  const Eigen::MatrixXd m = read_npy_matrix(t / "v.npy", "scores");
  CHECK(m.rows() == 3);
  CHECK(m.cols() == 1);
  CHECK(m(2, 0) == 3);

  const std::vector<double> c(24, 1.0);
  write_npy(t / "c.npy", c.data(), {2, 3, 4});
  const std::string msg = error_of<data_error>([&] { (void)read_npy_matrix(t / "c.npy", "activations"); });
  CHECK_THAT(msg, Catch::Matchers::Contains("activations must be a 1-D or 2-D array, got shape (2, 3, 4)"));
}

TEST_CASE("npy: writer produces NumPy's exact bytes for a 2x2 float64 array", "[npy]") {
  // np.save of np.array([[1, 2], [3, 4]], dtype='<f8'): magic, version 1.0, header length 118
  // (0x76), the dict, spaces up to byte 127, '\n' at byte 127, then 4 little-endian doubles.
  std::string expected = std::string("\x93NUMPY\x01\x00\x76\x00", 10);
  expected += f8_2x2_dict;
  expected += std::string(127 - expected.size(), ' ');
  expected += '\n';
  REQUIRE(expected.size() == 128);
  expected += std::string("\x00\x00\x00\x00\x00\x00\xf0\x3f", 8);  // 1.0
  expected += std::string("\x00\x00\x00\x00\x00\x00\x00\x40", 8);  // 2.0
  expected += std::string("\x00\x00\x00\x00\x00\x00\x08\x40", 8);  // 3.0
  expected += std::string("\x00\x00\x00\x00\x00\x00\x10\x40", 8);  // 4.0

  npy_temp_dir t;
  const double d[] = {1, 2, 3, 4};
  write_npy(t / "a.npy", d, {2, 2});
  CHECK(read_bytes(t / "a.npy") == expected);

  Eigen::MatrixXd m(2, 2);
  m << 1, 2, 3, 4;
  write_npy(t / "m.npy", m);
  CHECK(read_bytes(t / "m.npy") == expected);

  CHECK(npy_header(npy_dtype::f8, {2, 2}) == expected.substr(0, 128));

  // And the hand-built file reads back.
  write_bytes(t / "h.npy", expected);
  const npy_array a = read_npy(t / "h.npy");
  CHECK(a.values == std::vector<double>{1, 2, 3, 4});
}

TEST_CASE("npy: header layout for other dtypes and shapes", "[npy]") {
  // NumPy >= 1.24 leaves 21 - len(repr(shape[0])) spare spaces after the dict.
  const std::string h = npy_header(npy_dtype::u1, {5});
  CHECK(h.substr(10, 57) == "{'descr': '|u1', 'fortran_order': False, 'shape': (5,), }");
  CHECK(h.size() == 128);  // 10 + 57 + 20 + 1 = 88, padded to 128
  CHECK(npy_header(npy_dtype::i8, {}).substr(10, 55) == "{'descr': '<i8', 'fortran_order': False, 'shape': (), }");
  CHECK(npy_header(npy_dtype::i8, {}).size() == 128);
  // Exactly 64-aligned content still gets a full 64 bytes of padding, as in NumPy.
  for (std::size_t n : {1u, 10u, 100u, 12345u, 4000000000u}) {
    const std::string s = npy_header(npy_dtype::f4, {n, 3});
    CHECK(s.size() % 64 == 0);
    CHECK(s.back() == '\n');
  }
}

TEST_CASE("npy: very long headers switch to format version 2.0", "[npy]") {
  npy_temp_dir t;
  const std::vector<std::size_t> shape(30000, 1);  // "1, " x 30000: header > 65535 bytes
  const double x = 42;
  write_npy(t / "v2.npy", &x, shape);
  const std::string bytes = read_bytes(t / "v2.npy");
  CHECK(bytes[6] == '\x02');
  CHECK((bytes.size() - 8) % 64 == 0);
  const npy_array a = read_npy(t / "v2.npy");
  CHECK(a.shape == shape);
  CHECK(a.values == std::vector<double>{42});
}

TEST_CASE("npy: versions 2.0 and 3.0 are read", "[npy]") {
  npy_temp_dir t;
  write_bytes(t / "v2.npy", npy_bytes(f8_2x2_dict, f8_2x2_data, 2));
  write_bytes(t / "v3.npy", npy_bytes(f8_2x2_dict, f8_2x2_data, 3));
  CHECK(read_npy(t / "v2.npy").values == std::vector<double>{1, 2, 3, 4});
  CHECK(read_npy(t / "v3.npy").values == std::vector<double>{1, 2, 3, 4});
}

TEST_CASE("npy: int32, bool and '<u1' files are read", "[npy]") {
  npy_temp_dir t;
  write_bytes(t / "i4.npy", npy_bytes("{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }",
                                      le(std::uint32_t{7}) + le(static_cast<std::uint32_t>(-2)) +
                                          le(std::uint32_t{2147483647})));
  const npy_array i4 = read_npy(t / "i4.npy");
  CHECK(i4.dtype == npy_dtype::i4);
  CHECK(i4.values == std::vector<double>{7, -2, 2147483647});

  write_bytes(t / "b1.npy", npy_bytes("{'descr': '|b1', 'fortran_order': False, 'shape': (2, 2), }",
                                      std::string("\x01\x00\x00\x01", 4)));
  const npy_array b1 = read_npy(t / "b1.npy");
  CHECK(b1.dtype == npy_dtype::b1);
  CHECK(b1.values == std::vector<double>{1, 0, 0, 1});
  CHECK(read_npy_matrix(t / "b1.npy", "concepts") == Eigen::Matrix2d::Identity());

  write_bytes(t / "u1.npy", npy_bytes("{'descr': '<u1', 'fortran_order': False, 'shape': (2,), }", "\xff\x05"));
  const npy_array u1 = read_npy(t / "u1.npy");
  CHECK(u1.dtype == npy_dtype::u1);
  CHECK(u1.values == std::vector<double>{255, 5});

  write_bytes(t / "i8.npy", npy_bytes("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }",
                                      le(static_cast<std::uint64_t>(-5))));
  CHECK(read_npy(t / "i8.npy").values == std::vector<double>{-5});
}

TEST_CASE("npy: Fortran-order files are transposed into C order", "[npy]") {
  npy_temp_dir t;
  // C-order array [[1, 2, 3], [4, 5, 6]] stored column-major: 1 4 2 5 3 6.
  std::string data;
  for (double v : {1, 4, 2, 5, 3, 6}) data += le_f8(v);
  write_bytes(t / "f.npy", npy_bytes("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", data));
  const npy_array a = read_npy(t / "f.npy");
  CHECK(a.shape == std::vector<std::size_t>{2, 3});
  CHECK(a.values == std::vector<double>{1, 2, 3, 4, 5, 6});
  Eigen::MatrixXd expected(2, 3);
  expected << 1, 2, 3, 4, 5, 6;
  CHECK(read_npy_matrix(t / "f.npy", "activations") == expected);

  // 3-D float32: element (i, j, k) holds its C-order index 12 i + 4 j + k and sits at Fortran
  // offset i + 2 j + 6 k.
  std::vector<float> fortran(24);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 4; ++k) fortran[static_cast<std::size_t>(i + 2 * j + 6 * k)] = static_cast<float>(12 * i + 4 * j + k);
  std::string data3;
  for (float v : fortran) data3 += le_f4(v);
  write_bytes(t / "f3.npy", npy_bytes("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3, 4), }", data3));
  const npy_array b = read_npy(t / "f3.npy");
  CHECK(b.shape == std::vector<std::size_t>{2, 3, 4});
  std::vector<double> iota(24);
  std::iota(iota.begin(), iota.end(), 0.0);
  CHECK(b.values == iota);

  // 1-D Fortran is the same as C.
  write_bytes(t / "f1.npy", npy_bytes("{'descr': '<f8', 'fortran_order': True, 'shape': (2,), }", le_f8(1) + le_f8(2)));
  CHECK(read_npy(t / "f1.npy").values == std::vector<double>{1, 2});
}

TEST_CASE("npy: header parser tolerates spacing, quotes, key order, trailing commas", "[npy]") {
  npy_temp_dir t;
  const std::vector<std::string> dicts = {
      "{'descr':'<f8','fortran_order':False,'shape':(2,2)}",
      "{ \"shape\" : ( 2 , 2 , ) , \"descr\" : \"<f8\" , \"fortran_order\" : False , }",
      "{'fortran_order': False, 'shape': (2L, 2L), 'descr': '<f8'}",
  };
  for (const auto& d : dicts) {
    INFO(d);
    write_bytes(t / "a.npy", npy_bytes(d, f8_2x2_data));
    const npy_array a = read_npy(t / "a.npy");
    CHECK(a.shape == std::vector<std::size_t>{2, 2});
    CHECK(a.values == std::vector<double>{1, 2, 3, 4});
  }
  write_bytes(t / "one.npy", npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }", f8_2x2_data));
  CHECK(read_npy(t / "one.npy").shape == std::vector<std::size_t>{4});
  write_bytes(t / "scalar.npy", npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", le_f8(2.5)));
  const npy_array s = read_npy(t / "scalar.npy");
  CHECK(s.shape.empty());
  CHECK(s.values == std::vector<double>{2.5});
}

TEST_CASE("npy: 10000x1000 float32 is read quickly", "[npy]") {
  npy_temp_dir t;
  Eigen::MatrixXf m = Eigen::MatrixXf::Random(10000, 1000);
  write_npy(t / "big.npy", m);
  const auto start = std::chrono::steady_clock::now();
  const Eigen::MatrixXd r = read_npy_matrix(t / "big.npy", "activations");
  const npy_array a = read_npy(t / "big.npy");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  CHECK(r(9999, 999) == static_cast<double>(m(9999, 999)));
  CHECK(a.values[1000] == static_cast<double>(m(1, 0)));
  INFO("read twice in " << seconds << " s");
  CHECK(seconds < 5.0);  // ~0.1 s in Release; per-element stream extraction takes far longer
}

// ---------------------------------------------------------------------------------------------
// One failing test per corruption.

TEST_CASE("npy: wrong magic is rejected", "[npy][error]") {
  npy_temp_dir t;
  std::string bytes = npy_bytes(f8_2x2_dict, f8_2x2_data);
  bytes[1] = 'M';
  write_bytes(t / "a.npy", bytes);
  require_read_error(t / "a.npy", "not a .npy file");
  write_bytes(t / "csv.npy", "a,b,c\n1,2,3\n");
  require_read_error(t / "csv.npy", "not a .npy file");
}

TEST_CASE("npy: truncated header is rejected", "[npy][error]") {
  npy_temp_dir t;
  const std::string bytes = npy_bytes(f8_2x2_dict, f8_2x2_data);
  write_bytes(t / "a.npy", bytes.substr(0, 60));
  require_read_error(t / "a.npy", "truncated header: declares 118 header bytes but only 50 follow");
  write_bytes(t / "b.npy", bytes.substr(0, 9));
  require_read_error(t / "b.npy", "truncated header");
  write_bytes(t / "c.npy", bytes.substr(0, 4));
  require_read_error(t / "c.npy", "truncated header");
}

TEST_CASE("npy: truncated data is rejected", "[npy][error]") {
  npy_temp_dir t;
  write_bytes(t / "a.npy", npy_bytes(f8_2x2_dict, f8_2x2_data.substr(0, 24)));
  require_read_error(t / "a.npy", "truncated data: header declares 2x2 float64 (32 bytes) but only 24 bytes follow");
  write_bytes(t / "b.npy", npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (10000, 512), }",
                                     std::string(1024, '\0')));
  require_read_error(t / "b.npy",
                     "truncated data: header declares 10000x512 float32 (20480000 bytes) but only 1024 bytes follow");
}

TEST_CASE("npy: trailing data is rejected", "[npy][error]") {
  npy_temp_dir t;
  write_bytes(t / "a.npy", npy_bytes(f8_2x2_dict, f8_2x2_data + std::string(1, '\0')));
  require_read_error(t / "a.npy", "trailing data: header declares 2x2 float64 (32 bytes) but 33 bytes follow");
}

TEST_CASE("npy: unsupported dtypes are rejected by name", "[npy][error]") {
  npy_temp_dir t;
  for (const std::string d : {"<f2", "|i1", "<u4", "<c16", "|O", "<U5", "=f8", "|f8"}) {
    INFO(d);
    write_bytes(t / "a.npy", npy_bytes("{'descr': '" + d + "', 'fortran_order': False, 'shape': (0,), }", ""));
    require_read_error(t / "a.npy", "unsupported dtype '" + d + "'");
  }
  write_bytes(t / "s.npy",
              npy_bytes("{'descr': [('a', '<f8'), ('b', '<i4')], 'fortran_order': False, 'shape': (1,), }",
                        std::string(12, '\0')));
  require_read_error(t / "s.npy", "unsupported dtype: structured arrays");
}

TEST_CASE("npy: big-endian dtypes are rejected", "[npy][error]") {
  npy_temp_dir t;
  write_bytes(t / "a.npy", npy_bytes("{'descr': '>f8', 'fortran_order': False, 'shape': (2, 2), }", f8_2x2_data));
  require_read_error(t / "a.npy", "unsupported dtype '>f8' (big-endian)");
  write_bytes(t / "b.npy", npy_bytes("{'descr': '>i4', 'fortran_order': False, 'shape': (1,), }", std::string("\0\0\0\1", 4)));
  require_read_error(t / "b.npy", "unsupported dtype '>i4' (big-endian)");
}

TEST_CASE("npy: bad shape strings are rejected", "[npy][error]") {
  npy_temp_dir t;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"(2, x)", "'shape' must be a tuple of non-negative integers"},
      {"(2,, 2)", "'shape' must be a tuple of non-negative integers"},
      {"[2, 2]", "'shape' must be a tuple"},
      {"(-1, 4)", "negative dimension"},
      {"(2 2)", "expected ',' or ')'"},
      {"(2, 2]", "expected ',' or ')'"},
      {"(99999999999999999999999, 1)", "overflows"},
  };
  for (const auto& [shape, needle] : cases) {
    INFO(shape);
    write_bytes(t / "a.npy", npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': " + shape + ", }", f8_2x2_data));
    require_read_error(t / "a.npy", needle);
  }
  // A product that overflows size_t.
  write_bytes(t / "o.npy",
              npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }", f8_2x2_data));
  require_read_error(t / "o.npy", "shape (4294967296, 4294967296) overflows");
  write_bytes(t / "o2.npy",
              npy_bytes("{'descr': '<f8', 'fortran_order': False, 'shape': (4611686018427387904,), }", f8_2x2_data));
  require_read_error(t / "o2.npy", "overflows");
}

TEST_CASE("npy: malformed header dicts are rejected", "[npy][error]") {
  npy_temp_dir t;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{'descr': '<f8', 'shape': (2, 2), }", "missing key 'fortran_order'"},
      {"{'descr': '<f8', 'fortran_order': False, }", "missing key 'shape'"},
      {"{'fortran_order': False, 'shape': (2, 2), }", "missing key 'descr'"},
      {"{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), 'extra': 1, }", "unexpected key 'extra'"},
      {"{'descr': '<f8', 'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", "duplicate key 'descr'"},
      {"{'descr': '<f8', 'fortran_order': false, 'shape': (2, 2), }", "'fortran_order' must be True or False"},
      {"{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), } junk", "unexpected bytes after the header dict"},
      {"'descr': '<f8', 'fortran_order': False, 'shape': (2, 2)", "must start with '{'"},
      {"{'descr': '<f8' 'fortran_order': False, 'shape': (2, 2), }", "expected ',' or '}'"},
      {"{'descr: '<f8', 'fortran_order': False, 'shape': (2, 2), }", "expected ':'"},
      {"{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), ", "unexpected end of the header"},
  };
  for (const auto& [dict, needle] : cases) {
    INFO(dict);
    write_bytes(t / "a.npy", npy_bytes(dict, f8_2x2_data));
    require_read_error(t / "a.npy", needle);
  }
}

TEST_CASE("npy: unsupported format versions are rejected", "[npy][error]") {
  npy_temp_dir t;
  std::string bytes = npy_bytes(f8_2x2_dict, f8_2x2_data);
  bytes[6] = '\x04';
  write_bytes(t / "a.npy", bytes);
  require_read_error(t / "a.npy", "unsupported .npy format version 4.0");
  bytes[6] = '\x01';
  bytes[7] = '\x01';
  write_bytes(t / "b.npy", bytes);
  require_read_error(t / "b.npy", "unsupported .npy format version 1.1");
}

TEST_CASE("npy: bool value 2 is rejected", "[npy][error]") {
  npy_temp_dir t;
  write_bytes(t / "a.npy", npy_bytes("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }",
                                     std::string("\x01\x00\x02", 3)));
  require_read_error(t / "a.npy", "invalid bool value 2 at element 2");
}

TEST_CASE("npy: missing file is rejected", "[npy][error]") {
  npy_temp_dir t;
  require_read_error(t / "nope.npy", "cannot open: No such file or directory");
  require_read_error(t.dir, "cannot open: is a directory");
}

TEST_CASE("npy: zero-length file is rejected", "[npy][error]") {
  npy_temp_dir t;
  write_bytes(t / "a.npy", "");
  require_read_error(t / "a.npy", "empty file (0 bytes)");
}

TEST_CASE("npy: writing is atomic and reports failures with the path", "[npy][error]") {
  npy_temp_dir t;
  const double d[] = {1, 2, 3, 4};
  // Overwrite an existing file; no temporary files stay behind.
  write_bytes(t / "a.npy", "old contents");
  write_npy(t / "a.npy", d, {4});
  CHECK(read_npy(t / "a.npy").values == std::vector<double>{1, 2, 3, 4});
  CHECK(std::distance(fs::directory_iterator(t.dir), fs::directory_iterator()) == 1);

  // A directory that does not exist.
  const fs::path bad = t / "no_such_dir" / "x.npy";
  const std::string msg = error_of<data_error>([&] { write_npy(bad, d, {4}); });
  CHECK(msg.rfind(bad.string() + ": cannot write: No such file or directory", 0) == 0);
  CHECK(msg.find('\n') == std::string::npos);

  // Bad arguments: null data, overflowing shape. The old file stays as it was.
  CHECK_THROWS_AS(write_npy(t / "a.npy", static_cast<const double*>(nullptr), {4}), neuroncert::invalid_argument);
  CHECK_THROWS_AS(write_npy(t / "a.npy", d, {std::size_t{1} << 62, 8}), neuroncert::invalid_argument);
  CHECK(read_npy(t / "a.npy").values == std::vector<double>{1, 2, 3, 4});
  write_npy(t / "empty.npy", static_cast<const double*>(nullptr), {0, 4});  // null is fine for no elements
  CHECK(read_npy(t / "empty.npy").values.empty());

  // An exception between open and commit removes the temporary.
  {
    atomic_writer w(t / "partial.npy");
    w.write("abc");
  }
  CHECK(!fs::exists(t / "partial.npy"));
  CHECK(std::distance(fs::directory_iterator(t.dir), fs::directory_iterator()) == 2);
}

// ---------------------------------------------------------------------------------------------
// Bytes held in memory (parse_npy, parse_npy_matrix: what tests/fuzz/fuzz_npy drives).

TEST_CASE("npy: parse_npy reads a buffer exactly as read_npy reads the file", "[npy][memory]") {
  npy_temp_dir t;
  std::string i4_data;
  for (std::uint32_t v : {1u, 4u, 2u, 5u, 3u, 0xFFFFFFFFu}) i4_data += le(v);
  const std::vector<std::string> files = {
      npy_bytes(f8_2x2_dict, f8_2x2_data),
      npy_bytes("{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3), }", i4_data),
      npy_bytes("{'descr': '|b1', 'fortran_order': False, 'shape': (3,), }", std::string("\0\1\1", 3)),
      npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", le_f4(2.5f), 3),
      npy_bytes("{'descr': '<u1', 'fortran_order': True, 'shape': (2, 1, 2), }", std::string("\1\2\3\4", 4), 2)};
  for (std::size_t k = 0; k < files.size(); ++k) {
    INFO("file " << k);
    std::string name = "m";  // built piece by piece: "m" + std::to_string(k) trips GCC 12's -Wrestrict
    name += std::to_string(k);
    name += ".npy";
    const fs::path p = t / name;
    write_bytes(p, files[k]);
    const npy_array from_file = read_npy(p), from_memory = parse_npy(files[k], "buffer");
    CHECK(from_memory.shape == from_file.shape);
    CHECK(from_memory.dtype == from_file.dtype);
    CHECK(from_memory.values == from_file.values);
    if (from_file.shape.size() == 1 || from_file.shape.size() == 2)
      CHECK(parse_npy_matrix(files[k], "buffer", "activations") == read_npy_matrix(p, "activations"));
  }
  CHECK(parse_npy(files[1], "buffer").values == std::vector<double>{1, 2, 3, 4, 5, -1});

  // Errors are the same, with the buffer's name where the path would be.
  const std::string truncated = npy_bytes(f8_2x2_dict, f8_2x2_data.substr(0, 24));
  write_bytes(t / "trunc.npy", truncated);
  const std::string file_msg = error_of<data_error>([&] { (void)read_npy(t / "trunc.npy"); });
  const std::string memory_msg = error_of<data_error>([&] { (void)parse_npy(truncated, "buffer"); });
  CHECK(memory_msg == "buffer" + file_msg.substr((t / "trunc.npy").string().size()));
  CHECK_THAT(error_of<data_error>([&] { (void)parse_npy("", "buffer"); }), Catch::Matchers::StartsWith("buffer: empty"));
  CHECK_THAT(error_of<data_error>([&] { (void)parse_npy_matrix(std::string("\x93NUMPY\x01", 7), "buffer", "x"); }),
             Catch::Matchers::StartsWith("buffer: truncated header"));
}

TEST_CASE("npy: a Fortran-order file with very many unit axes is read in linear time", "[npy][hang]") {
  // Regression (found reading the transpose while writing the fuzz harness): in Fortran order the
  // reader walked every trailing unit axis for every value, so this 1.3 MB file of 100,000 values
  // and 400,000 unit axes took about 40 s (with 20,000 unit axes it measured 2 s), and a file a
  // few MB larger hours. Axes of length 1 move no offset and are now skipped.
  std::string dict = "{'descr': '|u1', 'fortran_order': True, 'shape': (4, 25000";
  for (int i = 0; i < 400000; ++i) dict += ", 1";
  dict += "), }";
  // C order (i, j) of the 4 x 25000 array sits at Fortran offset i + 4 j; store (i + 4 j) % 251.
  std::string data(100000, '\0');
  for (std::size_t k = 0; k < data.size(); ++k) data[k] = static_cast<char>(k % 251);
  const std::string bytes = npy_bytes(dict, data, 2);
  const auto start = std::chrono::steady_clock::now();
  const npy_array a = parse_npy(bytes, "buffer");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  REQUIRE(a.shape.size() == 400002);
  REQUIRE(a.values.size() == 100000);
  CHECK(a.values[1] == 4 % 251);                                      // (0, 1)
  CHECK(a.values[25000] == 1);                                        // (1, 0)
  CHECK(a.values[3 * 25000 + 24999] == static_cast<double>((3 + 4 * 24999) % 251));  // (3, 24999)
  INFO("read in " << seconds << " s");
  CHECK(seconds < 1.0);
}

TEST_CASE("npy: an empty array with a huge other dimension is read at once", "[npy][hang]") {
  // Regression (found by fuzz_npy): read_npy_matrix copied a (0, 46854774778083) array through
  // Eigen, which looped over all 4.7e13 empty columns (hours).
  const auto start = std::chrono::steady_clock::now();
  for (const std::string shape : {"(0, 46854774778083)", "(46854774778083, 0)", "(0, 9223372036854775807)"}) {
    INFO(shape);
    const std::string bytes = npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }", "");
    const Eigen::MatrixXd m = parse_npy_matrix(bytes, "buffer", "activations");
    CHECK(m.size() == 0);
    CHECK(static_cast<std::size_t>(m.rows() + m.cols()) == parse_npy(bytes, "buffer").shape[0] +
                                                                parse_npy(bytes, "buffer").shape[1]);
  }
  CHECK(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() < 1.0);
}

// libFuzzer harness of the .npy reader: parse_npy and parse_npy_matrix (what read_npy and
// read_npy_matrix do after opening the file) on every input. Beyond "no crash": the two must agree
// (both accept or both reject a 1-D/2-D array, with the same values), an accepted array has
// prod(shape) values, and the input must be exactly header + prod(shape) x itemsize bytes.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include <Eigen/Core>

#include "fuzz_common.hpp"
#include "neuroncert/core/npy.hpp"

namespace {

bool same(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace neuroncert;
  using fuzz::check;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);

  io::npy_array a;
  const auto as_array = fuzz::run([&] { a = io::parse_npy(bytes, fuzz::source); });
  Eigen::MatrixXd m;
  const auto as_matrix = fuzz::run([&] { m = io::parse_npy_matrix(bytes, fuzz::source, "fuzzed array"); });

  check(as_array != fuzz::outcome::invalid_argument && as_matrix != fuzz::outcome::invalid_argument,
        "the reader threw invalid_argument for a file (a file's defects are data_error)");
  if (as_array != fuzz::outcome::value) {
    check(as_matrix != fuzz::outcome::value, "parse_npy_matrix accepted what parse_npy rejected");
    return 0;
  }

  std::size_t count = 1;
  for (const auto d : a.shape) count *= d;
  check(a.values.size() == count, "value count differs from prod(shape)");
  check(count * io::npy_itemsize(a.dtype) < size, "the data alone fill the whole input (no header)");
  const bool matrix_shape = a.shape.size() == 1 || a.shape.size() == 2;
  check((as_matrix == fuzz::outcome::value) == matrix_shape,
        "parse_npy_matrix disagrees with parse_npy on whether the shape is a matrix");
  if (!matrix_shape) return 0;
  const std::size_t rows = a.shape[0], cols = a.shape.size() == 2 ? a.shape[1] : 1;
  check(static_cast<std::size_t>(m.rows()) == rows && static_cast<std::size_t>(m.cols()) == cols,
        "parse_npy_matrix has the wrong dimensions");
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c)
      check(same(m(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c)), a.values[r * cols + c]),
            "parse_npy_matrix and parse_npy (C order) disagree on a value");
  return 0;
}

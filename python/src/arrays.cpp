#include "arrays.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>

#include <fmt/format.h>

namespace py = pybind11;

namespace neuroncert::python {
namespace {

/// Reads element (i, j) of a strided buffer of T as double, 64 rows at a time so that the rows of
/// a C-ordered array stay in cache while the column-major result is filled.
template <class T>
void copy_strided(const char* base, py::ssize_t rows, py::ssize_t cols, py::ssize_t row_stride,
                  py::ssize_t col_stride, Eigen::MatrixXd& out) {
  constexpr py::ssize_t tile = 64;
  for (py::ssize_t i0 = 0; i0 < rows; i0 += tile) {
    const py::ssize_t i1 = std::min(rows, i0 + tile);
    for (py::ssize_t j = 0; j < cols; ++j) {
      const char* column = base + j * col_stride;
      double* to = out.col(j).data();
      for (py::ssize_t i = i0; i < i1; ++i) {
        T v;
        std::memcpy(&v, column + i * row_stride, sizeof(T));  // any alignment
        to[i] = static_cast<double>(v);
      }
    }
  }
}

template <class Visit>
bool visit_dtype(char kind, py::ssize_t size, Visit&& visit) {
  switch (kind) {
    case 'f':
      if (size == 4) return visit(float{}), true;
      if (size == 8) return visit(double{}), true;
      return false;
    case 'b': return visit(bool{}), true;
    case 'u':
      if (size == 1) return visit(std::uint8_t{}), true;
      if (size == 2) return visit(std::uint16_t{}), true;
      if (size == 4) return visit(std::uint32_t{}), true;
      if (size == 8) return visit(std::uint64_t{}), true;
      return false;
    case 'i':
      if (size == 1) return visit(std::int8_t{}), true;
      if (size == 2) return visit(std::int16_t{}), true;
      if (size == 4) return visit(std::int32_t{}), true;
      if (size == 8) return visit(std::int64_t{}), true;
      return false;
    default: return false;
  }
}

}  // namespace

Eigen::MatrixXd matrix_from_array(const py::array& a, std::string_view name) {
  if (a.ndim() != 2) {
    std::string shape;
    for (py::ssize_t k = 0; k < a.ndim(); ++k) shape += (k ? ", " : "") + std::to_string(a.shape(k));
    throw py::value_error(
        fmt::format("{}: expected a 2-D array (samples x columns), got {}-D with shape ({})", name, a.ndim(), shape));
  }
  const py::dtype dt = a.dtype();
  const std::string dtype_name = py::str(py::handle(dt)).cast<std::string>();
  if (dt.has_fields() || dt.byteorder() == '>')
    throw py::type_error(
        fmt::format("{}: dtype {} is not supported (use float32, float64, bool or uint8)", name, dtype_name));
  const py::ssize_t rows = a.shape(0), cols = a.shape(1);
  Eigen::MatrixXd out(rows, cols);
  const char* base = static_cast<const char*>(a.data());
  const bool known = visit_dtype(dt.kind(), dt.itemsize(), [&](auto tag) {
    copy_strided<decltype(tag)>(base, rows, cols, a.strides(0), a.strides(1), out);
  });
  if (!known)
    throw py::type_error(
        fmt::format("{}: dtype {} is not supported (use float32, float64, bool or uint8)", name, dtype_name));
  return out;
}

Eigen::VectorXd vector_from_array(const py::object& obj, std::string_view name) {
  if (obj.is_none()) return {};
  const auto a = py::array::ensure(obj);
  if (!a) throw py::type_error(fmt::format("{}: expected a 1-D array of weights", name));
  if (a.ndim() != 1) throw py::value_error(fmt::format("{}: expected a 1-D array, got {}-D", name, a.ndim()));
  py::array column = a;
  column = column.reshape({a.shape(0), py::ssize_t{1}});
  return matrix_from_array(column, name).col(0);
}

}  // namespace neuroncert::python

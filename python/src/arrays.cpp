#include "arrays.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>

#include <fmt/format.h>
#include <tbb/parallel_for.h>

namespace py = pybind11;

namespace neuroncert::python {
namespace {

/// Reads element (i, j) of a strided buffer of T as double, 64 rows at a time so that the rows of
/// a C-ordered array stay in cache while the column-major result is filled.
template <class T>
void copy_stripe(const char* base, py::ssize_t rows, py::ssize_t j0, py::ssize_t j1, py::ssize_t row_stride,
                 py::ssize_t col_stride, Eigen::MatrixXd& out);

// Stripes of 64 columns go to the worker threads (a plain copy: the result is the same for any
// thread count), with the GIL released: reading 200 MB of float32 takes a noticeable share of an
// identification otherwise.
template <class T>
void copy_strided(const char* base, py::ssize_t rows, py::ssize_t cols, py::ssize_t row_stride,
                  py::ssize_t col_stride, Eigen::MatrixXd& out) {
  constexpr py::ssize_t tile = 64;
  py::gil_scoped_release release;
  tbb::parallel_for(py::ssize_t{0}, (cols + tile - 1) / tile, [&](py::ssize_t stripe) {
    const py::ssize_t j0 = stripe * tile, j1 = std::min(cols, j0 + tile);
    copy_stripe<T>(base, rows, j0, j1, row_stride, col_stride, out);
  });
}

template <class T>
void copy_stripe(const char* base, py::ssize_t rows, py::ssize_t j0, py::ssize_t j1, py::ssize_t row_stride,
                 py::ssize_t col_stride, Eigen::MatrixXd& out) {
  constexpr py::ssize_t tile = 64;
  for (py::ssize_t i0 = 0; i0 < rows; i0 += tile) {
    const py::ssize_t i1 = std::min(rows, i0 + tile);
    for (py::ssize_t j = j0; j < j1; ++j) {
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

namespace {

void check_two_dimensional(const py::array& a, std::string_view name) {
  if (a.ndim() != 2) {
    std::string shape;
    for (py::ssize_t k = 0; k < a.ndim(); ++k) shape += (k ? ", " : "") + std::to_string(a.shape(k));
    throw py::value_error(
        fmt::format("{}: expected a 2-D array (samples x columns), got {}-D with shape ({})", name, a.ndim(), shape));
  }
}

/// visit(tag) with a value of the array's element type; TypeError naming the argument otherwise.
template <class Visit>
void with_element_type(const py::array& a, std::string_view name, Visit&& visit) {
  const py::dtype dt = a.dtype();
  const std::string dtype_name = py::str(py::handle(dt)).cast<std::string>();
  if (dt.has_fields() || dt.byteorder() == '>')
    throw py::type_error(
        fmt::format("{}: dtype {} is not supported (use float32, float64, an integer type or bool)", name, dtype_name));
  if (!visit_dtype(dt.kind(), dt.itemsize(), visit))
    throw py::type_error(
        fmt::format("{}: dtype {} is not supported (use float32, float64, an integer type or bool)", name, dtype_name));
}

}  // namespace

Eigen::MatrixXd matrix_from_array(const py::array& a, std::string_view name) {
  check_two_dimensional(a, name);
  const py::ssize_t rows = a.shape(0), cols = a.shape(1);
  Eigen::MatrixXd out(rows, cols);
  const char* base = static_cast<const char*>(a.data());
  with_element_type(a, name, [&](auto tag) {
    copy_strided<decltype(tag)>(base, rows, cols, a.strides(0), a.strides(1), out);
  });
  return out;
}

sparse_concepts sparse_from_array(const py::array& a, std::string_view name) {
  check_two_dimensional(a, name);
  const py::ssize_t rows = a.shape(0), cols = a.shape(1);
  sparse_concepts_builder builder(cols);
  const char* base = static_cast<const char*>(a.data());
  with_element_type(a, name, [&](auto tag) {
    using T = decltype(tag);
    for (py::ssize_t i = 0; i < rows; ++i) {
      const char* row = base + i * a.strides(0);
      if constexpr (sizeof(T) == 1) {  // 0/1 labels: skip runs of eight zero bytes at a time
        if (a.strides(1) == 1) {
          for (py::ssize_t j = 0; j < cols;) {
            std::uint64_t word = 0;
            if (j + 8 <= cols && (std::memcpy(&word, row + j, 8), word == 0)) {
              j += 8;
              continue;
            }
            if (row[j] != 0) builder.add(static_cast<std::uint32_t>(j), static_cast<double>(static_cast<T>(row[j])));
            ++j;
          }
          builder.end_row();
          continue;
        }
      }
      for (py::ssize_t j = 0; j < cols; ++j) {
        T v;
        std::memcpy(&v, row + j * a.strides(1), sizeof(T));
        if (v != T{}) builder.add(static_cast<std::uint32_t>(j), static_cast<double>(v));  // NaN too: refused later
      }
      builder.end_row();
    }
  });
  return std::move(builder).finish();
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

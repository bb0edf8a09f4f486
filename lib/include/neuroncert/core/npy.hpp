#pragma once
// NumPy .npy files (format versions 1.0, 2.0 and 3.0): reading into doubles or an Eigen matrix,
// writing float32/float64/uint8/int64 arrays, and the atomic file writer the I/O code shares.
// Design: docs/design.md#lib-core (the core library).
//
// Reading
//   Supported dtypes (descr), on a little-endian host:
//     '<f4' float32, '<f8' float64, '<i4' int32, '<i8' int64,
//     '|u1' uint8 and '|b1' bool. For these one-byte types the byte-order character does not
//     matter, so '<u1', '>u1', '=u1' (and likewise for b1) are accepted as well.
//   Rejected by name with a data_error: big-endian multi-byte types ("unsupported dtype '>f8'
//   (big-endian)"), '=' (native order) for multi-byte types, every other type ('|i1', '<f2',
//   '<u4', '<c16', '|O', strings, ...) and structured dtypes (descr given as a list).
//   int64 values beyond 2^53 lose precision when converted to double.
//   Bool values must be 0 or 1; any other byte is a data_error naming the element.
//   fortran_order True is handled: values are transposed into C (row-major) order.
//   The header must be a Python-literal dict with exactly the keys 'descr', 'fortran_order' and
//   'shape' (spacing, quote style, trailing commas, one-element tuples "(5,)", Python 2 long
//   suffixes "5L" tolerated), followed only by padding whitespace. 64-byte alignment of the data
//   is not required on read. The data must be exactly prod(shape) x itemsize bytes: fewer bytes
//   ("truncated data") and extra bytes ("trailing data") are both errors.
//
// Writing
//   Headers exactly as NumPy >= 1.24 writes them (keys sorted, the spare space NumPy leaves for
//   growing axis 0, padded with spaces and a final '\n' so the data starts on a 64-byte
//   boundary), version 1.0 when the header fits in 65535 bytes, otherwise 2.0; always C order.
//   Files are written to a temporary sibling and renamed into place, so a reader never sees a
//   half-written file.
//
// Errors: neuroncert::data_error for missing, unreadable, corrupt or unsupported files and for
// I/O failures while writing; neuroncert::invalid_argument for bad arguments (null data with a
// non-empty shape, a shape whose size overflows). Every message is one line starting with the
// file path.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "neuroncert/core/output_files.hpp"

#include <Eigen/Core>

namespace neuroncert::io {

enum class npy_dtype { f4, f8, u1, b1, i4, i8 };

/// NumPy's descr for the type as neuroncert writes it ("<f4", "<f8", "|u1", "|b1", "<i4", "<i8").
std::string_view npy_descr(npy_dtype t);
/// Readable name used in messages ("float32", "float64", "uint8", "bool", "int32", "int64").
std::string_view npy_type_name(npy_dtype t);
/// Bytes per element.
std::size_t npy_itemsize(npy_dtype t);

/// Calls f with a value of the C++ type a .npy value of type t is stored as (float, double,
/// std::uint8_t for u1 and b1, std::int32_t, std::int64_t), so one generic body reads every type.
template <class F>
decltype(auto) visit_npy_type(npy_dtype t, F&& f) {
  switch (t) {
    case npy_dtype::f4: return f(float{});
    case npy_dtype::f8: return f(double{});
    case npy_dtype::u1:
    case npy_dtype::b1: return f(std::uint8_t{});
    case npy_dtype::i4: return f(std::int32_t{});
    case npy_dtype::i8: return f(std::int64_t{});
  }
  throw std::logic_error("npy: unknown dtype");
}

struct npy_array {
  std::vector<std::size_t> shape;  // as stored (empty for a 0-d scalar)
  npy_dtype dtype;                 // as stored
  std::vector<double> values;      // converted to double, C (row-major) order regardless of storage order
};

/// Reads a whole .npy file. Throws data_error (message starts with the path) on any problem.
npy_array read_npy(const std::filesystem::path& path);

/// Reads a 2-D array as an Eigen matrix (shape[0] rows, shape[1] columns; a 1-D array of length
/// n becomes n x 1). `what` names the argument in errors ("activations"). Converts straight from
/// the stored type, without an intermediate vector of doubles.
Eigen::MatrixXd read_npy_matrix(const std::filesystem::path& path, std::string_view what);

/// Receives a matrix row block by row block: shape(rows, cols) once, then rows(first, count,
/// values) with count x cols doubles in C order, for consecutive blocks.
struct npy_row_sink {
  std::function<void(std::size_t rows, std::size_t cols)> shape;
  std::function<void(std::size_t first, std::size_t count, const double* values)> rows;
};

/// Streams a 1-D or 2-D array (1-D of length n as n x 1) in blocks of about 4 MiB of stored values,
/// so a large file is never held whole, as raw bytes or as doubles. The same checks and errors as
/// read_npy_matrix; the header is validated (including the exact data size) before the first call.
/// A Fortran-order file is not stored by rows: it is read whole and handed over row by row.
void stream_npy_rows(const std::filesystem::path& path, std::string_view what, const npy_row_sink& sink);

/// read_npy_matrix through stream_npy_rows: peak memory the matrix plus one block, not the file
/// and the matrix (for large activation files).
Eigen::MatrixXd read_npy_matrix_by_rows(const std::filesystem::path& path, std::string_view what);

/// Where the values of a 2-D (or 1-D, as n x 1) .npy file lie, for readers that map the file
/// instead of reading it (row_shards.hpp): the stored type, the shape, the storage order and the
/// byte offset of the first value. The header is validated exactly as by read_npy_matrix,
/// including that exactly rows x cols values follow it.
struct npy_layout {
  npy_dtype dtype{};
  std::size_t rows = 0, cols = 0;
  bool fortran = false;
  std::uint64_t data_offset = 0;  ///< bytes from the start of the file
};
npy_layout read_npy_layout(const std::filesystem::path& path, std::string_view what);

/// read_npy and read_npy_matrix on the bytes of a whole .npy file held in memory; `source` takes
/// the place of the path in messages. The same checks and errors: the file functions are these
/// plus opening the file. Nothing is allocated beyond a small multiple of bytes.size().
npy_array parse_npy(std::string_view bytes, std::string_view source);
Eigen::MatrixXd parse_npy_matrix(std::string_view bytes, std::string_view source, std::string_view what);

/// Writes prod(shape) elements from `data` in C order. shape {} writes a 0-d scalar. The file is
/// written whole or not at all (output_files.hpp); with a transaction it lands at its commit().
void write_npy(const std::filesystem::path& path, const float* data, const std::vector<std::size_t>& shape,
               output_transaction* transaction = nullptr);         // <f4
void write_npy(const std::filesystem::path& path, const double* data, const std::vector<std::size_t>& shape,
               output_transaction* transaction = nullptr);        // <f8
void write_npy(const std::filesystem::path& path, const std::uint8_t* data, const std::vector<std::size_t>& shape,
               output_transaction* transaction = nullptr);  // |u1
void write_npy(const std::filesystem::path& path, const std::int64_t* data, const std::vector<std::size_t>& shape,
               output_transaction* transaction = nullptr);  // <i8
void write_npy(const std::filesystem::path& path, const Eigen::MatrixXd& m,
               output_transaction* transaction = nullptr);  // <f8, C order, shape (rows, cols)
void write_npy(const std::filesystem::path& path, const Eigen::MatrixXf& m,
               output_transaction* transaction = nullptr);  // <f4, C order, shape (rows, cols)

/// The exact header NumPy writes for a C-order array (magic, version, length, padded dict):
/// the bytes that precede the data. Exposed for tests and for writers that stream the data.
std::string npy_header(npy_dtype t, const std::vector<std::size_t>& shape);

}  // namespace neuroncert::io

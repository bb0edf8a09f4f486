#pragma once
// NumPy arrays in, the library's matrices out: the one place the Python package reads user arrays.
//
// Any 2-D array of float32, float64, bool or an integer type, in C order, Fortran order or any
// strides, is read in place through its buffer (no NumPy-side copy: the caller's array is never
// converted or made contiguous) into the engine's own double matrix, the same conversion the CLI
// does while it streams an .npy file. Shapes and dtypes are checked here with one-line messages
// that name the argument (ValueError for shapes, TypeError for dtypes).
#include <string_view>

#include <Eigen/Core>
#include <pybind11/numpy.h>

#include "neuroncert/core/sparse_concepts.hpp"

namespace neuroncert::python {

/// The 2-D array `a` (argument `name`) as an n x m double matrix, copied element by element.
/// Call with the GIL held: the buffer is read while the array is alive and unchanged.
Eigen::MatrixXd matrix_from_array(const pybind11::array& a, std::string_view name);

/// The 2-D concept array `a` (argument `name`, n x |C|) as sparse rows, read row by row: a 0/1 or
/// sparse probability matrix never exists as a dense double copy (values are checked later, by
/// make_probing_set).
sparse_concepts sparse_from_array(const pybind11::array& a, std::string_view name);

/// A 1-D array of n non-negative weights (argument `name`); empty when `a` is None.
Eigen::VectorXd vector_from_array(const pybind11::object& a, std::string_view name);

}  // namespace neuroncert::python

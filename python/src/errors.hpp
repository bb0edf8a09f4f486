#pragma once
// The library's exceptions as Python's, for both extension modules: a parameter outside its domain
// (neuroncert::invalid_argument) and unusable data (neuroncert::data_error) are ValueError, with the
// library's one-line message naming the argument; type errors are raised as TypeError where they
// are found (arrays.cpp).
#include <exception>

#include <pybind11/pybind11.h>

#include "neuroncert/core/error.hpp"

namespace neuroncert::python {

inline void register_error_translation() {
  pybind11::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const neuroncert::invalid_argument& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    } catch (const neuroncert::data_error& e) {
      PyErr_SetString(PyExc_ValueError, e.what());
    }
  });
}

}  // namespace neuroncert::python

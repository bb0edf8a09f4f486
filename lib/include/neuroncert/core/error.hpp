#pragma once
// Exceptions thrown at the library boundary. The CLI maps them to exit codes:
// invalid_argument -> 2 (bad usage: a parameter outside its domain, an unknown name),
// data_error       -> 1 (failure: a corrupt or inconsistent input file or matrix).
// Messages are one line and name the offending argument or file.
// Design: docs/design.md#errors-and-exit-codes (errors and exit codes).
#include <stdexcept>
#include <string>

namespace neuroncert {

/// A parameter outside its domain (delta outside (0,1), unknown metric, K < 1, ...).
struct invalid_argument : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

/// Input data that cannot be used (truncated .npy, NaN activations, mismatched rows, ...).
struct data_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace neuroncert

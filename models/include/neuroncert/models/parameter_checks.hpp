#pragma once
// Checks on a model's tensors after loading, before any forward pass. A model file can pass its
// format's own checks and still be unusable: a TorchScript archive whose tensor record was emptied
// loads without complaint and then reads past its storage in the first matrix product (a
// segfault), and NaN or infinite weights turn every activation into NaN. Both are refused here, by
// file and tensor name.
// Design: docs/design.md#models-real-activations (models).
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <ATen/core/Tensor.h>

namespace neuroncert::models {

/// data_error naming `source` and the tensor unless every tensor's storage holds all of its
/// elements and every floating-point tensor is finite.
void check_parameters(const std::vector<std::pair<std::string, at::Tensor>>& tensors, std::string_view source);

/// data_error naming `source` and the first offending row unless `activations` ([rows, F]) is
/// finite: a model whose activations overflow is refused before anything is written.
void check_finite_activations(const at::Tensor& activations, std::int64_t first_row, std::string_view source);

}  // namespace neuroncert::models

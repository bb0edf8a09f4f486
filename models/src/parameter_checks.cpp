#include "neuroncert/models/parameter_checks.hpp"

#include <ATen/Functions.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "neuroncert/core/error.hpp"

namespace neuroncert::models {

namespace {

/// Bytes of storage the tensor's view reaches: offset plus the furthest strided element, plus one.
std::int64_t bytes_needed(const at::Tensor& t) {
  if (t.numel() == 0) return 0;
  std::int64_t last = t.storage_offset();
  for (std::int64_t d = 0; d < t.dim(); ++d) last += (t.size(d) - 1) * t.stride(d);
  return (last + 1) * static_cast<std::int64_t>(t.element_size());
}

std::string shape_text(const at::Tensor& t) { return fmt::format("[{}]", fmt::join(t.sizes(), ", ")); }

}  // namespace

void check_parameters(const std::vector<std::pair<std::string, at::Tensor>>& tensors, std::string_view source) {
  for (const auto& [name, t] : tensors) {
    if (!t.defined()) continue;
    // An emptied record loads as a storage that claims its bytes but holds no data (a null pointer),
    // or as one too short for the tensor's view: either way the first read of it is out of bounds.
    if (t.numel() > 0 && (!t.has_storage() || t.storage().data() == nullptr ||
                          static_cast<std::int64_t>(t.storage().nbytes()) < bytes_needed(t)))
      throw data_error(fmt::format("{}: tensor '{}' of shape {} needs {} bytes but its stored data has {}: the file is "
                                   "corrupt",
                                   source, name, shape_text(t), bytes_needed(t),
                                   t.has_storage() && t.storage().data() ? static_cast<std::int64_t>(t.storage().nbytes())
                                                                         : 0));
    if (t.is_floating_point() && t.numel() > 0 && !at::isfinite(t).all().item<bool>())
      throw data_error(fmt::format("{}: tensor '{}' of shape {} holds NaN or infinite values", source, name,
                                   shape_text(t)));
  }
}

void check_finite_activations(const at::Tensor& activations, std::int64_t first_row, std::string_view source) {
  if (activations.numel() == 0 || at::isfinite(activations).all().item<bool>()) return;
  const auto bad_rows = at::logical_not(at::isfinite(activations)).any(1).nonzero();
  const std::int64_t row = bad_rows.numel() > 0 ? bad_rows[0][0].item<std::int64_t>() : 0;
  throw data_error(fmt::format("{}: NaN or infinite activations (first at image {}): the model's weights or its "
                               "arithmetic overflow; nothing was written",
                               source, first_row + row));
}

}  // namespace neuroncert::models

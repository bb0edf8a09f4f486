#include "neuroncert/core/progress_bar.hpp"

#include <cstdio>

#include <fmt/format.h>

namespace neuroncert {

progress_bar::progress_bar(std::string label, std::string unit) : label_(std::move(label)), unit_(std::move(unit)) {}

void progress_bar::update(std::int64_t done, std::int64_t total) {
  const std::int64_t permille = total > 0 ? 1000 * done / total : 1000;
  if (permille == last_permille_ && done < total) return;
  last_permille_ = permille;
  constexpr std::int64_t width = 30;
  const std::int64_t filled = permille * width / 1000;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double left = done > 0 ? seconds * static_cast<double>(total - done) / static_cast<double>(done) : 0.0;
  fmt::print(stderr, "\r{} [{}{}] {}/{} {} {:5.1f}%  {:.0f} s, ~{:.0f} s left ", label_,
             std::string(static_cast<std::size_t>(filled), '='), std::string(static_cast<std::size_t>(width - filled), ' '),
             done, total, unit_, static_cast<double>(permille) / 10.0, seconds, left);
  if (done >= total) fmt::print(stderr, "\n");
  std::fflush(stderr);
}

}  // namespace neuroncert

#pragma once
// The one progress bar of every long command (bootstrap, simulations, extraction): a line on
// stderr redrawn in place, "label [=====     ] done/total unit  37.5%  12 s, ~20 s left", ended
// with a newline when done reaches total. Callers decide whether to draw (a terminal, --progress).
// Design: docs/design.md#progress (progress).
#include <chrono>
#include <cstdint>
#include <string>

namespace neuroncert {

class progress_bar {
 public:
  progress_bar(std::string label, std::string unit);
  /// Redraws the bar; cheap to call often (it redraws at most once per thousandth of the total).
  void update(std::int64_t done, std::int64_t total);
  void set_label(std::string label) { label_ = std::move(label); }

 private:
  std::string label_, unit_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now();
  std::int64_t last_permille_ = -1;
};

}  // namespace neuroncert

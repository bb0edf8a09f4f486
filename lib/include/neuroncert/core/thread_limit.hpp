#pragma once
// How many worker threads the parallel code may use. Every parallel loop in neuroncert is oneTBB
// with results fixed by the work split, never by the thread count (random_stream.hpp), so a limit
// changes the speed only.
// Design: docs/design.md#threads-never-change-results (threads).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>

#include <tbb/global_control.h>

#include "neuroncert/core/range_checks.hpp"

namespace neuroncert {

/// The most worker threads any entry point (CLI option, Python argument) accepts: more is
/// certainly a typo, and LibTorch spends seconds creating thousands of threads.
inline constexpr int max_threads = 256;

/// invalid_argument naming `option` unless 0 <= threads <= max_threads (0 = all cores).
inline void check_threads(std::string_view option, std::int64_t threads) {
  check_count(option, threads, 0, max_threads, "0 means all cores");
}

/// Limits oneTBB to `threads` workers while the object lives; 0 leaves the default (all cores).
class thread_limit {
 public:
  explicit thread_limit(int threads) {
    if (threads > 0)
      control_ = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                                       static_cast<std::size_t>(threads));
  }

 private:
  std::unique_ptr<tbb::global_control> control_;
};

}  // namespace neuroncert

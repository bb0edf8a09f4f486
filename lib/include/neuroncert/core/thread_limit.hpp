#pragma once
// How many worker threads the parallel code may use. Every parallel loop in neuroncert is oneTBB
// with results fixed by the work split, never by the thread count (random_stream.hpp), so a limit
// changes the speed only.
#include <cstddef>
#include <memory>

#include <tbb/global_control.h>

namespace neuroncert {

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

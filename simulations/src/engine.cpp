#include "neuroncert/sim/engine.hpp"

#include <algorithm>

namespace neuroncert::sim {

void run_replicates(std::size_t replicates, const engine_options& options,
                    const std::function<void(std::size_t, random_engine&)>& body) {
  if (replicates == 0) {
    if (options.progress) options.progress(0, 0);
    return;
  }
  std::atomic<std::size_t> done{0};
  std::mutex progress_mutex;
  std::size_t reported = 0;  // guarded by progress_mutex
  const std::size_t step = std::max<std::size_t>(1, replicates / 100);
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, replicates), [&](const tbb::blocked_range<std::size_t>& r) {
    for (std::size_t j = r.begin(); j != r.end(); ++j) {
      random_engine rng = make_stream(options.seed, j, options.salt);
      body(j, rng);
    }
    const std::size_t now = done.fetch_add(r.size()) + r.size();
    if (options.progress) {
      std::lock_guard<std::mutex> lock(progress_mutex);
      // Report monotonically, roughly every 1%, and always the final count.
      if (now > reported && (now - reported >= step || now == replicates)) {
        reported = now;
        options.progress(now, replicates);
      }
    }
  });
}

}  // namespace neuroncert::sim

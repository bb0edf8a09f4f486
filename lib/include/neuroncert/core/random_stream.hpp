#pragma once
// Independent random streams per (seed, index) (docs/theory.md sec. 8). Monte Carlo replicate j and
// bootstrap resample i each draw only from stream(seed, j), so results do not depend on which
// thread runs them or in what order. Boost.Random engines and distributions give the same
// numbers with every standard library (std:: distributions do not).
// Theory: docs/theory.md sec. 8 (randomness).
#include <cstdint>

#include <boost/random/mersenne_twister.hpp>

namespace neuroncert {

using random_engine = boost::random::mt19937_64;

/// SplitMix64 finaliser: a bijective 64-bit mixer, so distinct (seed, index) pairs give
/// well-separated engine seeds even for consecutive indices.
constexpr std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

/// The engine of stream `index` under `seed`. `salt` separates different uses of the same
/// (seed, index), e.g. a dataset and the bootstrap resamples drawn from it.
inline random_engine make_stream(std::uint64_t seed, std::uint64_t index, std::uint64_t salt = 0) {
  return random_engine(splitmix64(splitmix64(splitmix64(seed) ^ index) ^ salt));
}

}  // namespace neuroncert

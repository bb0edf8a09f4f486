#include "neuroncert/core/ordering.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <numeric>
#include <utility>

namespace neuroncert {
namespace {

// A key whose unsigned order is the descending order of the doubles: flip the sign bit of
// non-negative values, all bits of negative ones (IEEE-754 total order), then complement. -0.0 is
// read as +0.0 first, so the two zeros tie as they do under '>'.
std::uint64_t descending_key(double x) {
  const auto bits = std::bit_cast<std::uint64_t>(x == 0.0 ? 0.0 : x);
  const std::uint64_t ascending = (bits >> 63) ? ~bits : bits | (std::uint64_t{1} << 63);
  return ~ascending;
}

// Stable LSD radix sort, 8 bits per pass. Hand-written because the order of every neuron is needed
// on every call of the similarity engine (std::stable_sort's n log n comparisons cost 5x more at
// n = 50,000) and neither the standard library, Boost nor oneTBB has a stable radix sort. Passes
// where every key has the same digit are skipped. Stability gives ties in ascending index order,
// exactly as std::stable_sort with '>'.
//   Activations that are all float32 values (what models and .npy files of float32 give) sort as
//   32-bit keys packed with the index into one 64-bit word: at most 4 passes over one array.
//   Other doubles sort as 64-bit keys with a separate index array: at most 8 passes.
constexpr int kDigitBits = 8;
constexpr std::size_t kBuckets = std::size_t{1} << kDigitBits;

template <class Key, class Digit, class Move>
void radix_passes(std::vector<Key>& keys, std::vector<Key>& spare, int passes, Digit digit, Move move) {
  const std::size_t n = keys.size();
  std::vector<std::array<std::uint32_t, kBuckets>> counts(static_cast<std::size_t>(passes));
  for (auto& c : counts) c.fill(0);
  for (const Key& k : keys)
    for (int pass = 0; pass < passes; ++pass) ++counts[static_cast<std::size_t>(pass)][digit(k, pass)];
  for (int pass = 0; pass < passes; ++pass) {
    auto& count = counts[static_cast<std::size_t>(pass)];
    if (count[digit(keys[0], pass)] == n) continue;  // one digit everywhere
    std::uint32_t sum = 0;
    for (auto& c : count) sum += std::exchange(c, sum);
    for (std::size_t k = 0; k < n; ++k) move(k, count[digit(keys[k], pass)]++);
    keys.swap(spare);
  }
}

std::vector<std::uint32_t> radix_descending(std::span<const double> z) {
  const std::size_t n = z.size();
  std::vector<std::uint32_t> order(n);
  const bool float32 = std::all_of(z.begin(), z.end(), [](double x) { return static_cast<double>(static_cast<float>(x)) == x; });
  if (float32) {
    // The float's descending key in the high half, the index in the low half.
    std::vector<std::uint64_t> packed(n), spare(n);
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint64_t key64 = descending_key(z[i]);  // float-exact: the low 29 bits are zero
      packed[i] = (key64 >> 32 << 32) | i;
    }
    radix_passes(
        packed, spare, 4, [](std::uint64_t k, int pass) { return (k >> (32 + kDigitBits * pass)) & (kBuckets - 1); },
        [&](std::size_t from, std::uint32_t to) { spare[to] = packed[from]; });
    for (std::size_t k = 0; k < n; ++k) order[k] = static_cast<std::uint32_t>(packed[k]);
    return order;
  }
  struct keyed {
    std::uint64_t key;
    std::uint32_t index;
  };
  std::vector<keyed> pairs(n), spare(n);
  for (std::size_t i = 0; i < n; ++i) pairs[i] = {descending_key(z[i]), static_cast<std::uint32_t>(i)};
  radix_passes(
      pairs, spare, 8, [](const keyed& k, int pass) { return (k.key >> (kDigitBits * pass)) & (kBuckets - 1); },
      [&](std::size_t from, std::uint32_t to) { spare[to] = pairs[from]; });
  for (std::size_t k = 0; k < n; ++k) order[k] = pairs[k].index;
  return order;
}
}  // namespace

std::vector<std::uint32_t> descending_order(std::span<const double> z) {
  const bool finite = std::all_of(z.begin(), z.end(), [](double x) { return std::isfinite(x); });
  if (z.size() >= 256 && finite) return radix_descending(z);
  std::vector<std::uint32_t> order(z.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return z[a] > z[b]; });
  return order;
}

void weighted_mid_ranks(std::span<const double> z, std::span<const std::uint32_t> order,
                        std::span<const double> weights, std::span<double> ranks) {
  const std::size_t n = order.size();
  double total = 0.0;
  if (weights.empty()) {
    total = static_cast<double>(n);
  } else {
    for (double w : weights) total += w;
  }
  double above = 0.0;  // weight strictly more active than the current block
  std::size_t begin = 0;
  while (begin < n) {
    std::size_t end = begin;
    double block = 0.0;
    const double value = z[order[begin]];
    while (end < n && z[order[end]] == value) {
      block += weights.empty() ? 1.0 : weights[order[end]];
      ++end;
    }
    const double below = total - above - block;
    const double rank = below + 0.5 * block;
    for (std::size_t k = begin; k < end; ++k) ranks[order[k]] = rank;
    above += block;
    begin = end;
  }
}

}  // namespace neuroncert

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

// The same for a float's 32 bits.
std::uint32_t descending_key32(float x) {
  const auto bits = std::bit_cast<std::uint32_t>(x == 0.0f ? 0.0f : x);
  const std::uint32_t ascending = (bits >> 31) ? ~bits : bits | (std::uint32_t{1} << 31);
  return ~ascending;
}

// Stable LSD radix sort, 11 bits per pass. Hand-written because the order of every neuron is
// needed on every call of the similarity engine (std::sort of 50,000 keys costs 5x more) and
// neither the standard library, Boost nor oneTBB has a stable radix sort. Passes where every key
// has the same digit are skipped, and the buffers live on per thread (no page faults per call).
// Stability gives ties in ascending index order, exactly as std::stable_sort with '>'.
//   Activations that are all float32 values (what models and float32 .npy files give) sort as
//   32-bit keys packed with the index into one 64-bit word: at most 3 passes over one array.
//   Other doubles sort as 64-bit keys beside their index: at most 6 passes.
constexpr int kDigitBits = 11;
constexpr std::size_t kBuckets = std::size_t{1} << kDigitBits;

template <class Item, class Digit>
void radix_passes(std::vector<Item>& items, std::vector<Item>& spare, int passes, Digit digit) {
  const std::size_t n = items.size();
  spare.resize(n);
  thread_local std::vector<std::array<std::uint32_t, kBuckets>> counts;
  counts.resize(static_cast<std::size_t>(passes));
  for (auto& c : counts) c.fill(0);
  for (const Item& item : items)
    for (int pass = 0; pass < passes; ++pass) ++counts[static_cast<std::size_t>(pass)][digit(item, pass)];
  for (int pass = 0; pass < passes; ++pass) {
    auto& count = counts[static_cast<std::size_t>(pass)];
    if (count[digit(items[0], pass)] == n) continue;  // one digit everywhere
    std::uint32_t sum = 0;
    for (auto& c : count) sum += std::exchange(c, sum);
    for (const Item& item : items) spare[count[digit(item, pass)]++] = item;
    items.swap(spare);
  }
}

std::vector<std::uint32_t> radix_descending(std::span<const double> z) {
  const std::size_t n = z.size();
  std::vector<std::uint32_t> order(n);
  const bool float32 = std::all_of(z.begin(), z.end(), [](double x) { return static_cast<double>(static_cast<float>(x)) == x; });
  if (float32) {
    // The float's own descending key in the high half, the index below.
    thread_local std::vector<std::uint64_t> packed, spare;
    packed.resize(n);
    for (std::size_t i = 0; i < n; ++i) packed[i] = std::uint64_t{descending_key32(static_cast<float>(z[i]))} << 32 | i;
    radix_passes(packed, spare, 3, [](std::uint64_t k, int pass) { return (k >> (32 + kDigitBits * pass)) & (kBuckets - 1); });
    for (std::size_t k = 0; k < n; ++k) order[k] = static_cast<std::uint32_t>(packed[k]);
    return order;
  }
  struct keyed {
    std::uint64_t key;
    std::uint32_t index;
  };
  thread_local std::vector<keyed> pairs, spare;
  pairs.resize(n);
  for (std::size_t i = 0; i < n; ++i) pairs[i] = {descending_key(z[i]), static_cast<std::uint32_t>(i)};
  radix_passes(pairs, spare, 6, [](const keyed& k, int pass) { return (k.key >> (kDigitBits * pass)) & (kBuckets - 1); });
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

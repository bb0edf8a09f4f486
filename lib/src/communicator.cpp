#include "neuroncert/core/communicator.hpp"

#include <algorithm>
#include <new>

#include <fmt/format.h>

#include "neuroncert/core/error.hpp"

namespace neuroncert {

void local_communicator::all_to_all(std::span<const double> send, std::span<const std::int64_t> send_counts,
                                    std::span<double> recv, std::span<const std::int64_t> recv_counts) {
  if (send_counts.size() != 1 || recv_counts.size() != 1 || send_counts[0] != recv_counts[0] ||
      send.size() < static_cast<std::size_t>(send_counts[0]) || recv.size() < static_cast<std::size_t>(recv_counts[0]))
    throw invalid_argument("local_communicator::all_to_all: one rank sends exactly what it receives");
  std::copy_n(send.begin(), send_counts[0], recv.begin());
}

namespace {
std::unique_ptr<communicator>& world_storage() {
  static std::unique_ptr<communicator> w = std::make_unique<local_communicator>();
  return w;
}
}  // namespace

communicator& world() { return *world_storage(); }
void set_world(std::unique_ptr<communicator> w) {
  world_storage() = w ? std::move(w) : std::make_unique<local_communicator>();
}

namespace {
// A failure travels as one character for its type, then the message.
constexpr char usage_error = 'U', data_failure = 'D';
}  // namespace

void on_every_rank(communicator& comm, const std::function<void()>& work) {
  std::string mine;
  try {
    work();
  } catch (const invalid_argument& e) {
    mine = std::string(1, usage_error) + e.what();
  } catch (const std::bad_alloc&) {
    mine = std::string(1, data_failure) + "out of memory (lower --rank-memory or use more ranks; --plan-only "
                                          "prints what each rank needs)";
  } catch (const std::exception& e) {
    mine = std::string(1, data_failure) + e.what();
  }
  const auto all = comm.all_gather(mine);
  // The rank is named when it tells something: not when every rank failed alike (a bad option).
  const bool alike = std::all_of(all.begin(), all.end(), [&](const std::string& m) { return m == all.front(); });
  for (std::size_t r = 0; r < all.size(); ++r) {
    if (all[r].empty()) continue;
    const std::string message =
        comm.size() > 1 && !alike ? fmt::format("rank {}: {}", r, all[r].substr(1)) : all[r].substr(1);
    if (all[r][0] == usage_error) throw invalid_argument(message);
    throw data_error(message);
  }
}

}  // namespace neuroncert

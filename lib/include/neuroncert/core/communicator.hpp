#pragma once
// The few collective operations a run split over processes needs.
// Design: docs/sharded_inputs.md (identify past one machine). The sharded identify study (studies/sharded_identify.hpp) is written against this
// interface only, so the same code runs in one process (local_communicator, below) and under
// `mpirun` (mpi_communicator.hpp, built when CMake finds MPI): MPI does the communication, and
// nothing here schedules, connects or spawns anything.
//
// Every call is collective: every rank makes the same calls in the same order.
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace neuroncert {

class communicator {
 public:
  virtual ~communicator() = default;
  [[nodiscard]] virtual int rank() const = 0;
  [[nodiscard]] virtual int size() const = 0;
  /// Every rank's `mine`, in rank order, on every rank.
  virtual std::vector<std::string> all_gather(const std::string& mine) = 0;
  /// Every rank's `mine`, in rank order, on rank 0; the other ranks get an empty vector.
  virtual std::vector<std::string> gather_to_root(const std::string& mine) = 0;
  /// Rank r sends send[offset_d, offset_d + send_counts[d]) to rank d (offsets: running sums of
  /// send_counts) and receives recv_counts[s] values from each rank s, placed in rank order.
  virtual void all_to_all(std::span<const double> send, std::span<const std::int64_t> send_counts,
                          std::span<double> recv, std::span<const std::int64_t> recv_counts) = 0;
};

/// One process: rank 0 of 1. Every collective returns what this rank gave.
class local_communicator final : public communicator {
 public:
  [[nodiscard]] int rank() const override { return 0; }
  [[nodiscard]] int size() const override { return 1; }
  std::vector<std::string> all_gather(const std::string& mine) override { return {mine}; }
  std::vector<std::string> gather_to_root(const std::string& mine) override { return {mine}; }
  void all_to_all(std::span<const double> send, std::span<const std::int64_t> send_counts, std::span<double> recv,
                  std::span<const std::int64_t> recv_counts) override;
};

/// Runs `work` on every rank and agrees on the outcome: if any rank threw, every rank throws the
/// first failing rank's error (same type: invalid_argument, data_error; out of memory and anything
/// else as data_error), its message prefixed with "rank R: " when there is more than one rank and
/// the ranks did not all fail alike.
/// The one place a rank's failure becomes the whole job's, so no rank waits on a dead one.
void on_every_rank(communicator& comm, const std::function<void()>& work);

/// Every process of the job: a local_communicator unless an mpi_session (mpi_session.hpp) has
/// replaced it for the life of the MPI job.
communicator& world();
void set_world(std::unique_ptr<communicator> w);

}  // namespace neuroncert

// mpi_session and the MPI communicator (mpi_session.hpp). Compiled with NEURONCERT_HAVE_MPI when
// CMake found MPI; without it, only the single-process parts remain.
#include "neuroncert/core/mpi_session.hpp"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <cstdlib>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "neuroncert/core/error.hpp"

#if NEURONCERT_HAVE_MPI
#include <mpi.h>
#endif

namespace neuroncert {
namespace {

#if !NEURONCERT_HAVE_MPI
int launcher_size() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"})
    if (const char* v = std::getenv(name)) return std::max(1, std::atoi(v));
  return 1;
}
#else
/// MPI counts are ints; the sharded study keeps one round below 2^31 values (plan_rank_memory).
int as_count(std::int64_t v) {
  if (v < 0 || v > std::numeric_limits<int>::max())
    throw data_error(fmt::format("MPI: {} values in one message is more than an int counts", v));
  return static_cast<int>(v);
}

void check(int rc, const char* call) {
  if (rc == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int len = 0;
  MPI_Error_string(rc, text, &len);
  throw data_error(fmt::format("MPI: {} failed: {}", call, std::string(text, static_cast<std::size_t>(len))));
}

class mpi_communicator final : public communicator {
 public:
  mpi_communicator() {
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  }
  [[nodiscard]] int rank() const override { return rank_; }
  [[nodiscard]] int size() const override { return size_; }

  std::vector<std::string> all_gather(const std::string& mine) override { return gather(mine, true); }
  std::vector<std::string> gather_to_root(const std::string& mine) override { return gather(mine, false); }

  void all_to_all(std::span<const double> send, std::span<const std::int64_t> send_counts, std::span<double> recv,
                  std::span<const std::int64_t> recv_counts) override {
    std::vector<int> sc(static_cast<std::size_t>(size_)), sd(sc.size()), rc(sc.size()), rd(sc.size());
    std::int64_t so = 0, ro = 0;
    for (std::size_t k = 0; k < sc.size(); ++k) {
      sc[k] = as_count(send_counts[k]);
      sd[k] = as_count(so);
      rc[k] = as_count(recv_counts[k]);
      rd[k] = as_count(ro);
      so += send_counts[k];
      ro += recv_counts[k];
    }
    check(MPI_Alltoallv(send.data(), sc.data(), sd.data(), MPI_DOUBLE, recv.data(), rc.data(), rd.data(), MPI_DOUBLE,
                        MPI_COMM_WORLD),
          "MPI_Alltoallv");
  }

 private:
  std::vector<std::string> gather(const std::string& mine, bool everyone) {
    const int n = as_count(static_cast<std::int64_t>(mine.size()));
    std::vector<int> sizes(static_cast<std::size_t>(size_)), offsets(sizes.size());
    if (everyone)
      check(MPI_Allgather(&n, 1, MPI_INT, sizes.data(), 1, MPI_INT, MPI_COMM_WORLD), "MPI_Allgather");
    else
      check(MPI_Gather(&n, 1, MPI_INT, sizes.data(), 1, MPI_INT, 0, MPI_COMM_WORLD), "MPI_Gather");
    std::int64_t total = 0;
    for (std::size_t k = 0; k < sizes.size(); ++k) {
      offsets[k] = as_count(total);
      total += sizes[k];
    }
    std::string all(static_cast<std::size_t>(everyone || rank_ == 0 ? total : 0), '\0');
    if (everyone)
      check(MPI_Allgatherv(mine.data(), n, MPI_CHAR, all.data(), sizes.data(), offsets.data(), MPI_CHAR, MPI_COMM_WORLD),
            "MPI_Allgatherv");
    else
      check(MPI_Gatherv(mine.data(), n, MPI_CHAR, all.data(), sizes.data(), offsets.data(), MPI_CHAR, 0, MPI_COMM_WORLD),
            "MPI_Gatherv");
    std::vector<std::string> out;
    if (!everyone && rank_ != 0) return out;
    for (std::size_t k = 0; k < sizes.size(); ++k)
      out.push_back(all.substr(static_cast<std::size_t>(offsets[k]), static_cast<std::size_t>(sizes[k])));
    return out;
  }
  int rank_ = 0, size_ = 1;
};

bool& initialised() {
  static bool b = false;
  return b;
}
#endif

}  // namespace

bool launched_by_mpi() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_RANK", "PMIX_RANK"})
    if (std::getenv(name)) return true;
  return false;
}

bool mpi_session::built_with_mpi() { return NEURONCERT_HAVE_MPI != 0; }

mpi_session::mpi_session([[maybe_unused]] int& argc, [[maybe_unused]] char**& argv) {
  if (!launched_by_mpi()) return;
#if NEURONCERT_HAVE_MPI
  int provided = 0;
  MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  initialised() = true;
  set_world(std::make_unique<mpi_communicator>());
  // Rank 0 speaks for the job: the others' stdout would repeat every summary line R times.
  if (world().rank() != 0 && !std::freopen("/dev/null", "w", stdout)) std::fclose(stdout);
#else
  if (launcher_size() > 1)
    throw data_error(fmt::format("started by mpirun with {} processes, but this neuroncert was built without MPI "
                                 "(install libopenmpi-dev and rebuild: scripts/build)", launcher_size()));
#endif
}

mpi_session::~mpi_session() {
#if NEURONCERT_HAVE_MPI
  if (initialised()) {
    set_world(nullptr);
    MPI_Finalize();
  }
#endif
}

}  // namespace neuroncert

#pragma once
// The process's place in an MPI job (its communicator: world() in communicator.hpp).
// Design: docs/sharded_inputs.md (identify past one machine).
//
// main() makes one mpi_session: when
// the process was started by mpirun or mpiexec and this build has MPI (CMake found it:
// NEURONCERT_MPI), it initialises MPI and finalises it at the end; otherwise the process is rank 0
// of 1, exactly the program it is without MPI. MPI is initialised only under a launcher, because
// a standalone MPI_Init costs half a second and every test runs the program hundreds of times.
// Only the main thread communicates (MPI_THREAD_FUNNELED); oneTBB's workers never do.
#include "neuroncert/core/communicator.hpp"

namespace neuroncert {

class mpi_session {
 public:
  /// data_error when started by a launcher with more than one process but built without MPI
  /// (every rank would otherwise run the whole job and write the same files).
  mpi_session(int& argc, char**& argv);
  ~mpi_session();
  mpi_session(const mpi_session&) = delete;
  mpi_session& operator=(const mpi_session&) = delete;

  /// Whether this build can run under mpirun.
  static bool built_with_mpi();
};

/// Whether a launcher started this process (OpenMPI's, MPICH's/PMI's or PMIx's variables are set).
bool launched_by_mpi();

}  // namespace neuroncert

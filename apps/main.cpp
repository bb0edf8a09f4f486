// `neuroncert`: the front. Runs every command that needs no model itself, without loading LibTorch,
// and hands the model commands (model_commands.hpp) to `neuroncert-models` beside it, with the same
// arguments, so one name serves all.
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include <fmt/core.h>

#include "cli_main.hpp"
#include "commands.hpp"
#include "model_commands.hpp"
#include "neuroncert/core/mpi_session.hpp"

namespace {

/// Replaces this process by neuroncert-models with the same argv (argv[0] kept, so usage lines and
/// the recorded command line read "neuroncert ..."). Returns only on failure, with the exit code.
int hand_to_models(char** argv) {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  const std::filesystem::path models = (ec ? std::filesystem::path(argv[0]) : self).parent_path() / "neuroncert-models";
  // LibTorch's OpenMP workers otherwise spin between forward passes and take the two cores from
  // oneTBB's (perf: about half the CPU time of the real-data figure jobs). libgomp reads this when
  // it loads, so it is set here, before the exec; a value the user set is kept.
  ::setenv("OMP_WAIT_POLICY", "PASSIVE", /*overwrite=*/0);
  ::execv(models.c_str(), argv);
  fmt::print(stderr, "neuroncert: error: '{}' needs {}, which cannot be started ({}); build it with scripts/build\n",
             argv[1], models.string(), std::strerror(errno));
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && !neuroncert::cli::model_command_description(argv[1]).empty()) return hand_to_models(argv);
  // Under mpirun, MPI lives for the whole command (mpi_session.hpp); otherwise this does nothing.
  std::unique_ptr<neuroncert::mpi_session> mpi;
  try {
    mpi = std::make_unique<neuroncert::mpi_session>(argc, argv);
  } catch (const std::exception& e) {
    fmt::print(stderr, "neuroncert: error: {}\n", e.what());
    return 1;
  }
  return neuroncert::cli::cli_main(argc, argv, [](CLI::App& app) {
    using namespace neuroncert::cli;
    register_advise(app);  // first in --help: the first command a user runs
    register_simulate(app);
    register_identify(app);
    register_plan(app);
    register_bound(app);
    register_be_coverage(app);
    // Listed in --help here; run by neuroncert-models (never reached through this parser).
    for (const auto& c : model_commands) app.add_subcommand(std::string(c.name), std::string(c.description));
    register_sieve_plan(app);
    register_concepts(app);
    // @register-calls (add new subcommands above this line)
  });
}

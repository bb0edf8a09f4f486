// neuroncert command-line entry point. Exit codes: 0 success, 2 bad usage, 1 failure.
#include <cstdio>
#include <exception>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include "commands.hpp"
#include "neuroncert/core/error.hpp"
#include "run_context.hpp"

namespace {
int fail(int code, const std::string& message) {
  // One line, always: multi-line library messages would break scripts that grep stderr.
  std::string line = message;
  for (char& ch : line)
    if (ch == '\n') ch = ' ';
  fmt::print(stderr, "neuroncert: error: {}\n", line);
  return code;
}
}  // namespace

int main(int argc, char** argv) {
  neuroncert::cli::set_command_line(argc, argv);
  CLI::App app{"neuroncert: statistical theory and simulation toolkit for trustworthy neuron identification"};
  app.require_subcommand(1, 1);
  app.set_version_flag("--version", NEURONCERT_VERSION);
  neuroncert::cli::register_simulate(app);
  neuroncert::cli::register_identify(app);
  neuroncert::cli::register_plan(app);
  neuroncert::cli::register_bound(app);
  neuroncert::cli::register_be_coverage(app);
  neuroncert::cli::register_extract(app);
  neuroncert::cli::register_figures(app);
  neuroncert::cli::register_sieve(app);
  // @register-calls (add new subcommands above this line)
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return fail(2, std::string(e.what()) + " (run with --help for usage)");
  } catch (const neuroncert::invalid_argument& e) {
    return fail(2, e.what());
  } catch (const neuroncert::data_error& e) {
    return fail(1, e.what());
  } catch (const std::exception& e) {
    return fail(1, e.what());
  }
  return 0;
}

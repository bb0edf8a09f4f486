// The entry point both executables share (cli_main.hpp).
#include "cli_main.hpp"

#include <csignal>
#include <cstdio>
#include <exception>
#include <new>
#include <string>

#include <fmt/core.h>

#include "docs_sections.hpp"
#include "neuroncert/core/communicator.hpp"
#include "neuroncert/core/error.hpp"
#include "option_checks.hpp"
#include "run_context.hpp"

namespace {
int fail(int code, const std::string& message) {
  // Under mpirun every rank fails alike (communicator.hpp, on_every_rank): rank 0 says it once.
  if (neuroncert::world().rank() != 0) return code;
  // One line, always: multi-line library messages would break scripts that grep stderr.
  std::string line = message;
  for (char& ch : line)
    if (ch == '\n') ch = ' ';
  fmt::print(stderr, "neuroncert: error: {}\n", line);
  return code;
}
}  // namespace

namespace neuroncert::cli {

int cli_main(int argc, char** argv, const std::function<void(CLI::App&)>& register_commands) {
  set_command_line(argc, argv);
  CLI::App app{"neuroncert: statistical theory and simulation toolkit for trustworthy neuron identification"};
  app.require_subcommand(1, 1);
  app.set_version_flag("--version", NEURONCERT_VERSION);
  register_commands(app);
  // Every subcommand's --help ends with where its formulas are documented (docs_sections.hpp).
  app.footer("Theory of every command: docs/theory.md; design: docs/design.md");
  for (CLI::App* sub : app.get_subcommands([](CLI::App* a) { return !a->get_name().empty(); }))
    sub->footer(docs_footer(sub->get_name()));
  harden_numeric_options(app);
  // A file-size limit (ulimit -f) must fail a write with EFBIG, which the writers report and clean
  // up after, rather than kill the process and leave a .partial file behind.
  std::signal(SIGXFSZ, SIG_IGN);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // CLI11 writes "--seed: must be ..."; ours read "--seed must be ...", like every other check.
    std::string message = e.what();
    if (const auto colon = message.find(": must "); colon != std::string::npos && message.rfind("--", 0) == 0)
      message.erase(colon, 1);
    return fail(2, message + " (run with --help for usage)");
  } catch (const invalid_argument& e) {
    return fail(2, e.what());
  } catch (const data_error& e) {
    return fail(1, e.what());
  } catch (const std::bad_alloc&) {
    return fail(1, "out of memory: the inputs or options need more memory than this machine has");
  } catch (const std::exception& e) {
    // Not one of ours (a library's own exception, e.g. LibTorch's c10::Error, whose message goes on
    // with a C++ backtrace): its first line only, so stderr still holds one readable line.
    std::string first(e.what());
    first = first.substr(0, first.find('\n'));
    if (first.size() > 300) first = first.substr(0, 300) + "...";
    return fail(1, first);
  }
  return 0;
}

}  // namespace neuroncert::cli

// Running gnuplot (gnuplot.hpp).
#include "neuroncert/studies/gnuplot.hpp"

#include <spawn.h>
#include <sys/wait.h>

#include <vector>

#include <fmt/format.h>

#include "neuroncert/core/error.hpp"

extern char** environ;

namespace neuroncert::studies {

std::string gnuplot_string(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

void run_gnuplot(const std::filesystem::path& script, const std::string& variables) {
  std::vector<std::string> argv_s = {"gnuplot", "-e", variables, script.string()};
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (posix_spawnp(&pid, "gnuplot", nullptr, nullptr, argv.data(), environ) != 0)
    throw data_error("gnuplot not found on PATH: install it (scripts/setup-deps installs gnuplot-nox)");
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw data_error(fmt::format("gnuplot failed on {} (variables: {})", script.string(), variables));
}

}  // namespace neuroncert::studies

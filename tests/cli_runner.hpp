#pragma once
// Runs the neuroncert executable (NEURONCERT_EXE) as a user would, capturing stdout, stderr and
// the exit code, for the CLI tests of every folder.
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "temp_dir.hpp"

namespace neuroncert::test {

struct cli_result {
  int exit_code = -1;
  std::string out, err;
};


/// Runs `neuroncert <args>` in `workdir` (created if missing). args is passed to /bin/sh as is.
inline cli_result run_cli(const std::string& args, const std::filesystem::path& workdir) {
  std::filesystem::create_directories(workdir);
  const auto out = workdir / "stdout.txt", err = workdir / "stderr.txt";
  const std::string command = "cd '" + workdir.string() + "' && '" + std::string(NEURONCERT_EXE) + "' " + args +
                              " > '" + out.string() + "' 2> '" + err.string() + "' < /dev/null";
  const int status = std::system(command.c_str());
  cli_result r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

/// A fresh directory under the system temp dir, unique to this test.
inline std::filesystem::path scratch_dir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("neuroncert_cli_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

/// True if the text is exactly one line (one trailing newline, none inside).
inline bool is_one_line(const std::string& s) {
  return !s.empty() && s.back() == '\n' && s.find('\n') == s.size() - 1;
}

}  // namespace neuroncert::test

#pragma once
// Runs the built neuroncert executable (NEURONCERT_EXE) with stderr captured, for the CLI tests of
// plan / bound / be-coverage.
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <string>

namespace neuroncert::test {

struct cli_result {
  int exit_code = -1;
  std::string out;  // stdout followed by stderr
};

inline cli_result run_cli(const std::string& args) {
  const std::string cmd = std::string("\"") + NEURONCERT_EXE + "\" " + args + " 2>&1";
  cli_result r;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) return r;
  std::array<char, 4096> buf{};
  std::size_t got = 0;
  while ((got = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) r.out.append(buf.data(), got);
  const int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

/// Number of lines in s (a trailing newline does not start a new line).
inline int line_count(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  if (!s.empty() && s.back() != '\n') ++n;
  return n;
}

}  // namespace neuroncert::test

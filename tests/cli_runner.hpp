#pragma once
// Runs the neuroncert executable (NEURONCERT_EXE) as a user would, capturing stdout, stderr and
// the exit code, for the CLI tests of every folder.
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <utility>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "temp_dir.hpp"

namespace neuroncert::test {

struct cli_result {
  int exit_code = -1;
  std::string out, err;
};


/// Runs `neuroncert <args>` in `workdir` (created if missing). args is passed to /bin/sh as is.
/// `prefix` goes before the executable (e.g. "timeout 60 ").
inline cli_result run_cli(const std::string& args, const std::filesystem::path& workdir, const std::string& prefix = "") {
  std::filesystem::create_directories(workdir);
  const auto out = workdir / "stdout.txt", err = workdir / "stderr.txt";
  const std::string command = "cd '" + workdir.string() + "' && " + prefix + "'" + std::string(NEURONCERT_EXE) + "' " + args +
                              " > '" + out.string() + "' 2> '" + err.string() + "' < /dev/null";
  const int status = std::system(command.c_str());
  cli_result r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

/// As run_cli, under `timeout SECONDS`: a command that hangs is killed and returns exit code 124,
/// so a regression to an unbounded search fails its test instead of stalling the suite.
inline cli_result run_cli_bounded(const std::string& args, const std::filesystem::path& workdir, int seconds = 60) {
  return run_cli(args, workdir, "timeout " + std::to_string(seconds) + " ");
}

/// Runs `neuroncert <args[k]>` for every k, two at a time (each pays LibTorch's start-up), in `workdir`.
inline std::vector<cli_result> run_cli_many(const std::vector<std::string>& args, const std::filesystem::path& workdir) {
  std::filesystem::create_directories(workdir);
  std::string jobs;
  for (std::size_t k = 0; k < args.size(); ++k) {
    const std::string i = std::to_string(k);
    std::string job = "'";  // appended piece by piece: GCC 12 warns (-Wrestrict) on "literal" + std::string
    job.append(NEURONCERT_EXE).append("' ").append(args[k]);
    job.append(" > out").append(i).append(" 2> err").append(i).append(" < /dev/null; echo $? > rc").append(i);
    jobs += job;
    jobs += '\0';
  }
  std::ofstream(workdir / "jobs.bin", std::ios::binary) << jobs;
  const std::string command = "cd '" + workdir.string() + "' && xargs -0 -P 2 -n 1 sh -c < jobs.bin";
  if (std::system(command.c_str()) != 0) return {};
  std::vector<cli_result> results;
  for (std::size_t k = 0; k < args.size(); ++k) {
    const std::string i = std::to_string(k);
    cli_result r;
    std::string code = "0";
    code += slurp(workdir / ("rc" + i));
    r.exit_code = std::stoi(code);
    r.out = slurp(workdir / ("out" + i));
    r.err = slurp(workdir / ("err" + i));
    results.push_back(r);
  }
  return results;
}

/// A fresh directory under the system temp dir, unique to this test process, removed (with
/// everything in it) when the object goes out of scope, so test runs leave nothing behind.
class scratch_path {
 public:
  explicit scratch_path(std::filesystem::path dir) : dir_(std::move(dir)) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  scratch_path(scratch_path&& other) noexcept : dir_(std::exchange(other.dir_, {})) {}
  scratch_path& operator=(scratch_path&&) = delete;
  scratch_path(const scratch_path&) = delete;
  ~scratch_path() {
    std::error_code ec;
    if (!dir_.empty()) std::filesystem::remove_all(dir_, ec);
  }
  operator const std::filesystem::path&() const { return dir_; }  // NOLINT: used as a path
  const std::filesystem::path& path() const { return dir_; }
  std::filesystem::path operator/(const std::filesystem::path& name) const { return dir_ / name; }
  std::string string() const { return dir_.string(); }

 private:
  std::filesystem::path dir_;
};

inline scratch_path scratch_dir(const std::string& name) {
  return scratch_path(std::filesystem::temp_directory_path() /
                      ("neuroncert_cli_" + name + "_" + std::to_string(::getpid())));
}

/// True if the text is exactly one line (one trailing newline, none inside).
inline bool is_one_line(const std::string& s) {
  return !s.empty() && s.back() == '\n' && s.find('\n') == s.size() - 1;
}

}  // namespace neuroncert::test

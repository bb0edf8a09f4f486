#pragma once
// Per-test scratch directories and small file helpers shared by the test suites.
#include <sys/resource.h>

#include <cctype>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

#include <catch2/catch.hpp>

namespace neuroncert::test {

/// A fresh directory named after the running test case (plus a random tag, so parallel ctest
/// runs never collide), removed when it goes out of scope.
struct per_test_dir {
  std::filesystem::path dir;
  per_test_dir() {
    std::string name;
    for (char c : Catch::getResultCapture().getCurrentTestName())
      name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    dir = std::filesystem::temp_directory_path() /
          ("neuroncert_test_" + std::to_string(std::random_device{}()) + "_" + name.substr(0, 60));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
  }
  ~per_test_dir() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  per_test_dir(const per_test_dir&) = delete;
  per_test_dir& operator=(const per_test_dir&) = delete;
  std::filesystem::path operator/(const std::string& name) const { return dir / name; }
};

/// The whole file as bytes.
inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

/// The message of the exception E thrown by f; fails the test if none is thrown.
template <class E, class F>
std::string error_of(F&& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  FAIL("expected an exception");
  return {};
}

/// A full disk, in process: lowers the file-size limit (RLIMIT_FSIZE) to `bytes` and ignores
/// SIGXFSZ, so a write past it fails with EFBIG ("File too large") instead of killing the process
/// (neuroncert's main() ignores SIGXFSZ too). Restores both when it goes out of scope.
struct file_size_limit {
  rlimit old{};
  void (*old_handler)(int) = nullptr;
  explicit file_size_limit(rlim_t bytes) {
    getrlimit(RLIMIT_FSIZE, &old);
    old_handler = std::signal(SIGXFSZ, SIG_IGN);
    rlimit lower = old;
    lower.rlim_cur = bytes;
    setrlimit(RLIMIT_FSIZE, &lower);
  }
  ~file_size_limit() {
    setrlimit(RLIMIT_FSIZE, &old);
    std::signal(SIGXFSZ, old_handler);
  }
  file_size_limit(const file_size_limit&) = delete;
  file_size_limit& operator=(const file_size_limit&) = delete;
};

}  // namespace neuroncert::test

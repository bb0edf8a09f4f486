#pragma once
// What every harness checks: a reader answers each input with a value or with one of the two
// library exceptions (neuroncert::data_error, neuroncert::invalid_argument) whose message is one
// line naming the input. Anything else - another exception, a broken invariant of a value it
// returned, a sanitizer report, a timeout, running out of memory - is a crash for libFuzzer.
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>
#include <string_view>
#include <typeinfo>

#include "neuroncert/core/error.hpp"

namespace neuroncert::fuzz {

/// The name the harnesses give their input; every error message must start with it.
inline constexpr std::string_view source = "fuzz-input";

[[noreturn]] inline void crash(std::string_view what) {
  std::fprintf(stderr, "fuzz harness: %.*s\n", static_cast<int>(what.size()), what.data());
  std::abort();
}

inline void check(bool ok, std::string_view what) {
  if (!ok) crash(what);
}

/// An accepted error: one line, naming the input.
inline void check_message(const std::exception& e) {
  const std::string_view msg = e.what();
  if (msg.find(source) == std::string_view::npos) crash(std::string("error message does not name the input: ") + e.what());
  if (msg.find('\n') != std::string_view::npos || msg.find('\r') != std::string_view::npos)
    crash(std::string("error message is not one line: ") + e.what());
}

enum class outcome { value, data_error, invalid_argument };

/// Runs f; returns how it ended if it returned or threw one of the library's exceptions, and
/// crashes (with the exception's type and message) on anything else.
template <class F>
outcome run(F&& f) {
  try {
    f();
    return outcome::value;
  } catch (const neuroncert::data_error& e) {
    check_message(e);
    return outcome::data_error;
  } catch (const neuroncert::invalid_argument& e) {
    check_message(e);
    return outcome::invalid_argument;
  } catch (const std::exception& e) {
    crash(std::string("unexpected exception ") + typeid(e).name() + ": " + e.what());
  } catch (...) {
    crash("unexpected exception of a non-std type");
  }
}

}  // namespace neuroncert::fuzz

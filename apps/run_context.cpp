#include "run_context.hpp"

#include <unistd.h>

#include <cstdio>
#include <memory>

#include <fmt/format.h>

#include "neuroncert/core/progress_bar.hpp"

namespace neuroncert::cli {

void commit_outputs(io::output_transaction& outputs) {
  outputs.commit();
  const auto list = [](const std::vector<std::filesystem::path>& files) {
    std::string s;
    for (const auto& f : files) s += (s.empty() ? "" : ", ") + f.string();
    return s;
  };
  if (!outputs.replaced().empty())
    fmt::print(stderr, "neuroncert: replaced {} file(s) of an earlier run: {}\n", outputs.replaced().size(),
               list(outputs.replaced()));
  if (!outputs.removed().empty())
    fmt::print(stderr, "neuroncert: removed {} stale file(s) of an earlier run that this run does not produce: {}\n",
               outputs.removed().size(), list(outputs.removed()));
}

bool want_progress(bool progress, bool no_progress) {
  return !no_progress && (progress || ::isatty(::fileno(stderr)));
}

studies::progress_callback draw_progress(bool draw, std::string unit, int label_width) {
  if (!draw) return {};
  auto bar = std::make_shared<progress_bar>("", std::move(unit));
  return [bar, label_width](std::string_view stage, std::int64_t done, std::int64_t total) {
    bar->set_label(fmt::format("{:<{}}", stage, label_width));
    bar->update(done, total);
  };
}

studies::note_callback print_note(bool print, std::string prefix) {
  if (!print) return {};
  return [prefix = std::move(prefix)](std::string_view line) { fmt::print(stderr, "{}{}\n", prefix, line); };
}

}  // namespace neuroncert::cli

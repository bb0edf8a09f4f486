#include "run_context.hpp"

#include <cstdio>

#include <fmt/format.h>

#include "neuroncert/core/version.hpp"

namespace neuroncert::cli {
namespace {
std::string& command_line_storage() {
  static std::string s;
  return s;
}
}  // namespace

const std::string& command_line() { return command_line_storage(); }

void set_command_line(int argc, char** argv) {
  std::string& s = command_line_storage();
  s.clear();
  for (int i = 0; i < argc; ++i) {
    if (i) s += ' ';
    s += argv[i];
  }
}

nlohmann::json run_metadata(const nlohmann::json& extra) {
  nlohmann::json j = {{"command_line", command_line()}, {"version", neuroncert::version}, {"program", "neuroncert"}};
  for (auto it = extra.begin(); it != extra.end(); ++it) j[it.key()] = it.value();
  return j;
}

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

}  // namespace neuroncert::cli

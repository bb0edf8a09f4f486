#include "neuroncert/studies/provenance.hpp"

#include "neuroncert/core/version.hpp"

namespace neuroncert::studies {
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

}  // namespace neuroncert::studies

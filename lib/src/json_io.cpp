#include "neuroncert/core/json_io.hpp"

#include <cerrno>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <system_error>

#include <fmt/format.h>

#include "neuroncert/core/error.hpp"

namespace neuroncert::io {

namespace fs = std::filesystem;

namespace {

/// nlohmann's message without its "[json.exception.xxx.nnn] " prefix, on one line.
std::string clean_message(const char* what) {
  std::string m(what);
  if (!m.empty() && m.front() == '[') {
    const auto close = m.find("] ");
    if (close != std::string::npos) m.erase(0, close + 2);
  }
  for (char& c : m)
    if (c == '\n' || c == '\r') c = ' ';
  return m;
}

std::string escape_pointer_token(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

/// Throws invalid_argument at the first non-finite float, naming its JSON pointer.
void check_finite(const fs::path& path, const nlohmann::json& j, const std::string& where) {
  switch (j.type()) {
    case nlohmann::json::value_t::number_float: {
      const double x = j.get<double>();
      if (!std::isfinite(x))
        throw invalid_argument(fmt::format("{}: refusing to write {} at '{}' (neuroncert never writes NaN; use "
                                           "json_number for infinities)",
                                           path.string(), std::isnan(x) ? "NaN" : (x > 0 ? "inf" : "-inf"),
                                           where.empty() ? "/" : where));
      break;
    }
    case nlohmann::json::value_t::object:
      for (const auto& [k, v] : j.items()) check_finite(path, v, where + "/" + escape_pointer_token(k));
      break;
    case nlohmann::json::value_t::array:
      for (std::size_t i = 0; i < j.size(); ++i) check_finite(path, j[i], where + "/" + std::to_string(i));
      break;
    default: break;
  }
}

}  // namespace

void write_json(const fs::path& path, const nlohmann::json& j, output_transaction* transaction) {
  check_finite(path, j, "");
  std::string text;
  try {
    text = j.dump(2);
  } catch (const nlohmann::json::exception& e) {
    throw invalid_argument(fmt::format("{}: cannot serialise JSON: {}", path.string(), clean_message(e.what())));
  }
  text += '\n';
  atomic_writer w(path, transaction);
  w.write(text);
  w.commit();
}

nlohmann::json read_json(const fs::path& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw data_error(fmt::format("{}: cannot open: is a directory", path.string()));
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw data_error(fmt::format("{}: cannot open: {}", path.string(), std::system_category().message(errno)));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad())
    throw data_error(fmt::format("{}: read error: {}", path.string(), std::system_category().message(errno)));
  const std::string text = std::move(ss).str();
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw data_error(fmt::format("{}: invalid JSON: {}", path.string(), clean_message(e.what())));
  }
}

nlohmann::json json_number(double x) {
  if (std::isnan(x)) throw invalid_argument("json_number: NaN cannot be written (neuroncert never writes NaN)");
  if (std::isinf(x)) return x > 0 ? "inf" : "-inf";
  return x;
}

double json_to_double(const nlohmann::json& j, std::string_view what) {
  if (j.is_number()) return j.get<double>();
  if (j.is_string()) {
    const auto& s = j.get_ref<const std::string&>();
    if (s == "inf") return std::numeric_limits<double>::infinity();
    if (s == "-inf") return -std::numeric_limits<double>::infinity();
  }
  std::string shown = j.dump();
  if (shown.size() > 60) shown = shown.substr(0, 57) + "...";
  throw data_error(fmt::format("{}: expected a number, \"inf\" or \"-inf\", got {}", what, shown));
}

}  // namespace neuroncert::io

#include "neuroncert/core/file_bytes.hpp"

#include <fstream>
#include <system_error>

#include <fmt/format.h>

#include "neuroncert/core/error.hpp"

namespace neuroncert::io {

std::string read_whole_file(const std::filesystem::path& path, std::string_view prefix) {
  const auto fail = [&](std::string_view why) { throw data_error(fmt::format("{}{}", prefix, why)); };
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) fail("cannot open file (no such file)");
  if (std::filesystem::is_directory(status)) fail("is a directory, not a file");
  if (!std::filesystem::is_regular_file(status)) fail("is not a regular file");
  const std::uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec) fail(fmt::format("cannot determine the file size: {}", ec.message()));
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot open file");
  std::string bytes(static_cast<std::size_t>(size), '\0');
  if (size > 0 && !in.read(bytes.data(), static_cast<std::streamsize>(size))) fail("read failed");
  return bytes;
}

}  // namespace neuroncert::io

#include "neuroncert/models/safetensors.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <string_view>

#include <ATen/Functions.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "neuroncert/core/error.hpp"
#include "neuroncert/core/file_bytes.hpp"

namespace neuroncert::models {

static_assert(std::endian::native == std::endian::little, "safetensors reader assumes a little-endian host");

std::string shape_string(const std::vector<std::int64_t>& shape) {
  std::string s = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

namespace {
constexpr std::uint64_t max_header_bytes = 100'000'000;  // the format's own limit

/// A name from the file as messages show it: control characters escaped ("\x0a"), so that every
/// message stays one line, and cut after 120 bytes.
std::string shown(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size() && i < 120; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f)
      out += fmt::format("\\x{:02x}", c);
    else
      out += static_cast<char>(c);
  }
  if (s.size() > 120) out += "...";
  return out;
}

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what) {
  throw data_error(fmt::format("safetensors file '{}': {}", path.string(), what));
}

}  // namespace

SafetensorsFile::SafetensorsFile(const std::filesystem::path& path) : path_(path) {
  const std::string bytes = io::read_whole_file(path, fmt::format("safetensors file '{}': ", path.string()));
  bytes_.assign(bytes.begin(), bytes.end());
  parse();
}

SafetensorsFile SafetensorsFile::from_bytes(std::vector<char> bytes, const std::string& source) {
  SafetensorsFile f;
  f.path_ = source;
  f.bytes_ = std::move(bytes);
  f.parse();
  return f;
}

void SafetensorsFile::parse() {
  const std::filesystem::path& path = path_;
  const std::uint64_t size = bytes_.size();
  if (size < 8) fail(path, fmt::format("file is {} bytes, too short for the 8-byte header length", size));
  std::uint64_t n = 0;
  std::memcpy(&n, bytes_.data(), 8);
  if (n == 0 || n > max_header_bytes || n > size - 8)
    fail(path, fmt::format("header length {} is not within the file ({} bytes; truncated or corrupt)", n, size));
  data_start_ = 8 + n;
  if (data_start_ % 8 != 0)
    fail(path, fmt::format("tensor data starts at byte {}, which is not 8-byte aligned", data_start_));
  const std::uint64_t data_size = size - data_start_;

  const auto header = nlohmann::json::parse(bytes_.begin() + 8, bytes_.begin() + static_cast<std::ptrdiff_t>(data_start_),
                                            nullptr, /*allow_exceptions=*/false);
  if (header.is_discarded()) fail(path, "header is not valid JSON");
  if (!header.is_object()) fail(path, "header is not a JSON object");

  for (auto it = header.begin(); it != header.end(); ++it) {
    const std::string& key = it.key();
    const auto& v = it.value();
    if (key == "__metadata__") {
      if (!v.is_object()) fail(path, "__metadata__ is not an object");
      for (auto m = v.begin(); m != v.end(); ++m) {
        if (!m.value().is_string()) fail(path, fmt::format("__metadata__ entry '{}' is not a string", shown(m.key())));
        metadata_[m.key()] = m.value().get<std::string>();
      }
      continue;
    }
    auto bad = [&](const std::string& what) { fail(path, fmt::format("tensor '{}': {}", shown(key), what)); };
    if (!v.is_object()) bad("entry is not an object");
    if (!v.contains("dtype") || !v["dtype"].is_string()) bad("missing dtype");
    const auto dtype = v["dtype"].get<std::string>();
    if (dtype != "F32") bad(fmt::format("dtype {} is not supported (only F32)", shown(dtype)));
    if (!v.contains("shape") || !v["shape"].is_array()) bad("missing shape");
    if (!v.contains("data_offsets") || !v["data_offsets"].is_array() || v["data_offsets"].size() != 2 ||
        !v["data_offsets"][0].is_number_unsigned() || !v["data_offsets"][1].is_number_unsigned())
      bad("data_offsets must be two non-negative integers");
    SafetensorsEntry e;
    e.name = key;
    // count: the number of elements. span: the product of max(dim, 1), which bounds every stride
    // of the tensor: it must fit in int64 bytes even when a zero dimension makes count 0.
    std::uint64_t count = 1, span = 1;
    constexpr auto span_max = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) / 4;
    for (const auto& d : v["shape"]) {
      if (!d.is_number_unsigned()) bad("shape entries must be non-negative integers");
      const auto dim = d.get<std::uint64_t>();
      if (dim > span_max || span > span_max / std::max<std::uint64_t>(dim, 1)) bad("shape is too large");
      span *= std::max<std::uint64_t>(dim, 1);
      count *= dim;
      e.shape.push_back(static_cast<std::int64_t>(dim));
    }
    e.begin = v["data_offsets"][0].get<std::uint64_t>();
    e.end = v["data_offsets"][1].get<std::uint64_t>();
    if (e.end < e.begin) bad(fmt::format("data_offsets [{}, {}] are reversed", e.begin, e.end));
    if (e.end > data_size)
      bad(fmt::format("data_offsets [{}, {}] run past the {} data bytes (truncated file?)", e.begin, e.end, data_size));
    if (count * 4 != e.end - e.begin)
      bad(fmt::format("shape {} needs {} bytes but data_offsets [{}, {}] hold {}", shape_string(e.shape), count * 4,
                      e.begin, e.end, e.end - e.begin));
    entries_.emplace(key, std::move(e));
  }

  // Non-overlapping: sort the non-empty entries by offset; each must begin at or after the end
  // of every one before it (the furthest end so far, not just the previous entry's end).
  std::vector<const SafetensorsEntry*> sorted;
  for (const auto& [k, e] : entries_)
    if (e.end > e.begin) sorted.push_back(&e);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->begin < b->begin; });
  const SafetensorsEntry* furthest = nullptr;
  for (const auto* e : sorted) {
    if (furthest && e->begin < furthest->end)
      fail(path, fmt::format("tensors '{}' and '{}' overlap", shown(furthest->name), shown(e->name)));
    if (!furthest || e->end > furthest->end) furthest = e;
  }
}

std::vector<std::string> SafetensorsFile::keys() const {
  std::vector<const SafetensorsEntry*> sorted;
  for (const auto& [k, e] : entries_) sorted.push_back(&e);
  std::stable_sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->begin < b->begin; });
  std::vector<std::string> out;
  for (auto* e : sorted) out.push_back(e->name);
  return out;
}

const SafetensorsEntry& SafetensorsFile::entry(const std::string& key) const {
  auto it = entries_.find(key);
  if (it == entries_.end()) fail(path_, fmt::format("tensor '{}' is missing", shown(key)));
  return it->second;
}

at::Tensor SafetensorsFile::tensor(const std::string& key) const {
  const auto& e = entry(key);
  auto t = at::empty(e.shape, at::TensorOptions().dtype(at::kFloat));
  if (e.end > e.begin) std::memcpy(t.data_ptr<float>(), bytes_.data() + data_start_ + e.begin, e.end - e.begin);
  return t;
}

at::Tensor SafetensorsFile::tensor(const std::string& key, const std::vector<std::int64_t>& expected_shape) const {
  const auto& e = entry(key);
  if (e.shape != expected_shape)
    fail(path_, fmt::format("tensor '{}' has shape {}, expected {}", shown(key), shape_string(e.shape),
                            shape_string(expected_shape)));
  return tensor(key);
}

}  // namespace neuroncert::models

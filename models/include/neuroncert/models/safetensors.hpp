#pragma once
// Reader for the safetensors weight format (https://github.com/huggingface/safetensors):
//   bytes 0..7      header length N, little-endian u64
//   bytes 8..8+N    UTF-8 JSON object {name: {"dtype","shape","data_offsets":[begin,end]}, "__metadata__"?}
//   bytes 8+N..     tensor data; offsets are relative to the first byte after the header.
// Only F32 tensors are accepted (other dtypes are rejected by name). The whole file is
// validated when it is opened: size >= 8, header length within the file, valid JSON, every entry
// F32 with shape product * 4 == end - begin, offsets within the data block and non-overlapping,
// data block start aligned to 8 bytes; shapes whose strides would overflow int64 are refused.
// Every error is a neuroncert::data_error whose one-line message names the file (and the tensor
// key where there is one, control characters escaped); a directory or a missing file included.
// Design: docs/design.md#models-real-activations (models).
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <ATen/core/Tensor.h>

namespace neuroncert::models {

/// One tensor entry of the header (offsets relative to the data block, in bytes).
struct SafetensorsEntry {
  std::string name;
  std::vector<std::int64_t> shape;
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
};

class SafetensorsFile {
 public:
  /// Reads and validates the whole file; throws data_error on any defect.
  explicit SafetensorsFile(const std::filesystem::path& path);
  /// The same checks on the bytes of a whole file held in memory; `source` takes the place of the
  /// path in messages (and is what path() returns).
  static SafetensorsFile from_bytes(std::vector<char> bytes, const std::string& source);

  const std::filesystem::path& path() const { return path_; }
  /// Tensor names in data-offset order (the order they are stored in).
  std::vector<std::string> keys() const;
  bool contains(const std::string& key) const { return entries_.count(key) != 0; }
  const SafetensorsEntry& entry(const std::string& key) const;
  /// The "__metadata__" string map (empty if absent).
  const std::map<std::string, std::string>& metadata() const { return metadata_; }

  /// A float32 CPU tensor (an owned copy) for `key`; data_error if the key is missing.
  at::Tensor tensor(const std::string& key) const;
  /// As above, and data_error unless the stored shape equals `expected_shape`.
  at::Tensor tensor(const std::string& key, const std::vector<std::int64_t>& expected_shape) const;

 private:
  SafetensorsFile() = default;
  void parse();  ///< validates bytes_ and fills the entries

  std::filesystem::path path_;
  std::vector<char> bytes_;        // the whole file
  std::uint64_t data_start_ = 0;   // 8 + N
  std::map<std::string, SafetensorsEntry> entries_;
  std::map<std::string, std::string> metadata_;
};

/// "[a, b, c]" for messages.
std::string shape_string(const std::vector<std::int64_t>& shape);

}  // namespace neuroncert::models

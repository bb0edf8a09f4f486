#pragma once
// Reading a whole input file into memory, with the checks every reader needs before it parses:
// the path exists, is a regular file (a directory's "size" by seeking is near 2^63 and ended in
// bad_alloc), and the buffer is sized by the file system, never by a seek. Shared by the CIFAR,
// safetensors and names-file readers, which then parse the bytes.
// Design: docs/design.md#lib-core (the core library).
#include <filesystem>
#include <string>
#include <string_view>

namespace neuroncert::io {

/// The file's bytes. Every failure is a data_error whose message is `prefix` followed by the
/// reason ("cannot open file (no such file)", "is a directory, not a file", "is not a regular
/// file", "cannot determine the file size: ...", "cannot open file", "read failed").
std::string read_whole_file(const std::filesystem::path& path, std::string_view prefix);

}  // namespace neuroncert::io

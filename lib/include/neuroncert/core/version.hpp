#pragma once
// Design: docs/design.md#output-files (output files).
namespace neuroncert {
/// The library version, recorded in every output file's metadata.
inline constexpr const char* version = NEURONCERT_VERSION;
}  // namespace neuroncert

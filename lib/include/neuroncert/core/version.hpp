#pragma once
namespace neuroncert {
/// The library version, recorded in every output file's metadata.
inline constexpr const char* version = NEURONCERT_VERSION;
}  // namespace neuroncert

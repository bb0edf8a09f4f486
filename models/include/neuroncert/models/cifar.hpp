#pragma once
// CIFAR-10 / CIFAR-100 binary test files (official binary layout, no header) and each model's
// input preprocessing.
//   CIFAR-10 record : 3073 bytes = uint8 label (0..9), 3072 pixel bytes (R, G, B planes, 32x32 row-major)
//   CIFAR-100 record: 3074 bytes = uint8 coarse (0..19), uint8 fine (0..99), 3072 pixel bytes
// Images are returned as a uint8 tensor [n, 3, 32, 32] (channel order RGB, values 0..255).
// Design: docs/design.md#models-real-activations (models).
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <ATen/core/Tensor.h>

namespace neuroncert::models {

enum class CifarKind { cifar10, cifar100 };

struct CifarSet {
  CifarKind kind = CifarKind::cifar10;
  at::Tensor images;                     ///< uint8 [n, 3, 32, 32]
  std::vector<std::int64_t> labels;      ///< CIFAR-10 label or CIFAR-100 fine label, per image
  std::vector<std::int64_t> coarse;      ///< CIFAR-100 coarse label per image (empty for CIFAR-10)
  std::vector<std::string> class_names;  ///< names of `labels` (10 or 100)
  std::vector<std::string> coarse_names; ///< 20 names for CIFAR-100, empty for CIFAR-10
  std::int64_t size() const { return static_cast<std::int64_t>(labels.size()); }
};

/// Reads a CIFAR-10 binary file. data_error (naming the file) if it cannot be read (missing, a
/// directory), is empty, its size is not a whole number of 3073-byte records, or a label is out
/// of range. `max_records` > 0 keeps only the first max_records records.
CifarSet read_cifar10(const std::filesystem::path& file, std::int64_t max_records = 0);
/// Reads a CIFAR-100 binary file (3074-byte records); same checks.
CifarSet read_cifar100(const std::filesystem::path& file, std::int64_t max_records = 0);
/// The records of either kind held in memory (the bytes of a whole file); `source` takes the place
/// of the file name in messages. The same checks: the file readers are this plus reading the file.
CifarSet parse_cifar(std::string_view bytes, CifarKind kind, std::string_view source, std::int64_t max_records = 0);

/// Which test file of the shared data folder (see data/README.md).
enum class CifarSubset {
  full,  ///< cifar10_test.bin (10,000 JPEG-decoded images) or cifar100_test.bin
  exact  ///< cifar10_test_exact_first1017.bin (CIFAR-10 only: first 1,017 bit-exact images)
};
/// Loads "cifar10" or "cifar100" from `data_dir`, with class names. invalid_argument for an unknown
/// data set name or `exact` with cifar100; data_error for missing or corrupt files.
CifarSet load_cifar(const std::filesystem::path& data_dir, const std::string& name,
                    CifarSubset subset = CifarSubset::full, std::int64_t max_records = 0);

/// Concept matrix of a data set: one-hot class labels, uint8 [n, |C|]. CIFAR-10: 10 concepts
/// named by class. CIFAR-100: the 100 fine classes, then the 20 coarse classes named "coarse:<name>".
struct ConceptMatrix {
  at::Tensor matrix;               ///< uint8 [n, |C|], each row has one 1 per label family
  std::vector<std::string> names;  ///< |C| names, column order
};
ConceptMatrix concept_matrix(const CifarSet& set);

/// Per-channel input normalisation: x = (pixel / 255 - mean[c]) / std[c].
struct Normalization {
  std::array<float, 3> mean{0.f, 0.f, 0.f};
  std::array<float, 3> std{1.f, 1.f, 1.f};
};
/// ImageNet constants, used by the ResNet-20 (data README §3).
inline constexpr Normalization imagenet_normalization{{0.485f, 0.456f, 0.406f}, {0.229f, 0.224f, 0.225f}};
/// CIFAR-10 constants, used by the ViT (data README §4).
inline constexpr Normalization cifar_normalization{{0.4914f, 0.4822f, 0.4465f}, {0.2023f, 0.1994f, 0.2010f}};
/// Identity on [0, 1]: pixel / 255.
inline constexpr Normalization unit_normalization{};

/// uint8 [b, 3, H, W] -> float32 [b, 3, H, W] normalised.
at::Tensor preprocess(const at::Tensor& images_u8, const Normalization& norm);

}  // namespace neuroncert::models

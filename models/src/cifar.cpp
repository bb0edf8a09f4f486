#include "neuroncert/models/cifar.hpp"

#include <cstring>

#include <ATen/Functions.h>
#include <fmt/format.h>

#include "neuroncert/core/error.hpp"
#include "neuroncert/core/file_bytes.hpp"
#include "neuroncert/core/names_file.hpp"

namespace neuroncert::models {
namespace {
constexpr std::int64_t pixel_bytes = 3 * 32 * 32;

const char* kind_name(CifarKind kind) { return kind == CifarKind::cifar10 ? "CIFAR-10" : "CIFAR-100"; }

/// The whole file; errors name the data set and the file.
std::string read_file(const std::filesystem::path& file, const char* what) {
  return io::read_whole_file(file, fmt::format("{} file '{}': ", what, file.string()));
}
}  // namespace

CifarSet parse_cifar(std::string_view bytes, CifarKind kind, std::string_view source, std::int64_t max_records) {
  const char* what = kind_name(kind);
  const std::int64_t label_bytes = kind == CifarKind::cifar10 ? 1 : 2;
  const std::int64_t record = label_bytes + pixel_bytes;
  const auto size = static_cast<std::int64_t>(bytes.size());
  if (size == 0) throw data_error(fmt::format("{} file '{}': file is empty", what, source));
  if (size % record != 0)
    throw data_error(fmt::format("{} file '{}': size {} bytes is not a whole number of {}-byte records", what,
                                 source, size, record));
  std::int64_t n = size / record;
  if (max_records > 0 && max_records < n) n = max_records;

  CifarSet set;
  set.kind = kind;
  set.images = at::empty({n, 3, 32, 32}, at::TensorOptions().dtype(at::kByte));
  auto* dst = set.images.data_ptr<std::uint8_t>();
  set.labels.resize(static_cast<std::size_t>(n));
  if (kind == CifarKind::cifar100) set.coarse.resize(static_cast<std::size_t>(n));
  for (std::int64_t i = 0; i < n; ++i) {
    const auto* r = reinterpret_cast<const unsigned char*>(bytes.data()) + i * record;
    if (kind == CifarKind::cifar10) {
      if (r[0] > 9)
        throw data_error(fmt::format("{} file '{}': record {} has label {} (expected 0..9)", what, source, i, r[0]));
      set.labels[static_cast<std::size_t>(i)] = r[0];
    } else {
      if (r[0] > 19 || r[1] > 99)
        throw data_error(fmt::format("{} file '{}': record {} has labels (coarse {}, fine {}), expected 0..19 and 0..99",
                                     what, source, i, r[0], r[1]));
      set.coarse[static_cast<std::size_t>(i)] = r[0];
      set.labels[static_cast<std::size_t>(i)] = r[1];
    }
    std::memcpy(dst + i * pixel_bytes, r + label_bytes, pixel_bytes);
  }
  return set;
}

CifarSet read_cifar10(const std::filesystem::path& file, std::int64_t max_records) {
  return parse_cifar(read_file(file, kind_name(CifarKind::cifar10)), CifarKind::cifar10, file.string(), max_records);
}

CifarSet read_cifar100(const std::filesystem::path& file, std::int64_t max_records) {
  return parse_cifar(read_file(file, kind_name(CifarKind::cifar100)), CifarKind::cifar100, file.string(),
                     max_records);
}

CifarSet load_cifar(const std::filesystem::path& data_dir, const std::string& name, CifarSubset subset,
                    std::int64_t max_records) {
  if (name == "cifar10") {
    auto set = read_cifar10(data_dir / (subset == CifarSubset::exact ? "cifar10_test_exact_first1017.bin"
                                                                      : "cifar10_test.bin"),
                            max_records);
    set.class_names = io::read_names_file(data_dir / "cifar10_classes.txt", 10);
    return set;
  }
  if (name == "cifar100") {
    if (subset == CifarSubset::exact)
      throw invalid_argument("subset 'exact' exists only for cifar10 (the CIFAR-100 file is bit-exact in full)");
    auto set = read_cifar100(data_dir / "cifar100_test.bin", max_records);
    set.class_names = io::read_names_file(data_dir / "cifar100_fine.txt", 100);
    set.coarse_names = io::read_names_file(data_dir / "cifar100_coarse.txt", 20);
    return set;
  }
  throw invalid_argument(fmt::format("unknown data set '{}' (known: cifar10, cifar100)", name));
}

ConceptMatrix concept_matrix(const CifarSet& set) {
  ConceptMatrix c;
  const std::int64_t n = set.size();
  const std::int64_t n_fine = set.kind == CifarKind::cifar10 ? 10 : 100;
  const std::int64_t n_coarse = set.kind == CifarKind::cifar10 ? 0 : 20;
  c.matrix = at::zeros({n, n_fine + n_coarse}, at::TensorOptions().dtype(at::kByte));
  auto* m = c.matrix.data_ptr<std::uint8_t>();
  for (std::int64_t i = 0; i < n; ++i) {
    m[i * (n_fine + n_coarse) + set.labels[static_cast<std::size_t>(i)]] = 1;
    if (n_coarse) m[i * (n_fine + n_coarse) + n_fine + set.coarse[static_cast<std::size_t>(i)]] = 1;
  }
  for (std::int64_t j = 0; j < n_fine; ++j)
    c.names.push_back(static_cast<std::size_t>(j) < set.class_names.size() ? set.class_names[static_cast<std::size_t>(j)]
                                                                           : fmt::format("class{}", j));
  for (std::int64_t j = 0; j < n_coarse; ++j)
    c.names.push_back("coarse:" + (static_cast<std::size_t>(j) < set.coarse_names.size()
                                       ? set.coarse_names[static_cast<std::size_t>(j)]
                                       : fmt::format("{}", j)));
  return c;
}

at::Tensor preprocess(const at::Tensor& images_u8, const Normalization& norm) {
  // Same operation order as torchvision: ToTensor (x / 255) then Normalize ((x - mean) / std).
  auto x = images_u8.to(at::kFloat).div_(255.0);
  auto opts = at::TensorOptions().dtype(at::kFloat);
  auto mean = at::tensor(std::vector<float>(norm.mean.begin(), norm.mean.end()), opts).view({1, 3, 1, 1});
  auto sd = at::tensor(std::vector<float>(norm.std.begin(), norm.std.end()), opts).view({1, 3, 1, 1});
  return x.sub_(mean).div_(sd);
}

}  // namespace neuroncert::models

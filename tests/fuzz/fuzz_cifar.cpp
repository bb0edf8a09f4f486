// libFuzzer harness of the CIFAR readers: parse_cifar (what read_cifar10 and read_cifar100 do after
// reading the file) for both kinds, all records and the first one, and the concept matrix of an
// accepted set. Accepted images must be the input's pixel bytes and labels within range.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include <ATen/core/Tensor.h>

#include "fuzz_common.hpp"
#include "neuroncert/models/cifar.hpp"

namespace {

void check_set(const neuroncert::models::CifarSet& set, neuroncert::models::CifarKind kind, std::string_view bytes,
               std::int64_t max_records) {
  using neuroncert::fuzz::check;
  using neuroncert::models::CifarKind;
  const std::int64_t label_bytes = kind == CifarKind::cifar10 ? 1 : 2, record = label_bytes + 3072;
  const auto whole = static_cast<std::int64_t>(bytes.size()) / record;
  const std::int64_t n = max_records > 0 && max_records < whole ? max_records : whole;
  check(static_cast<std::int64_t>(bytes.size()) % record == 0 && n > 0, "accepted a size that is not whole records");
  check(set.size() == n && set.images.sizes().vec() == std::vector<std::int64_t>{n, 3, 32, 32},
        "wrong number of images");
  check(set.coarse.size() == (kind == CifarKind::cifar100 ? static_cast<std::size_t>(n) : 0), "wrong coarse labels");
  const auto* px = set.images.data_ptr<std::uint8_t>();
  for (std::int64_t i = 0; i < n; ++i) {
    const auto* r = reinterpret_cast<const unsigned char*>(bytes.data()) + i * record;
    const auto fine = static_cast<std::int64_t>(r[label_bytes - 1]);
    check(set.labels[static_cast<std::size_t>(i)] == fine && fine < (kind == CifarKind::cifar10 ? 10 : 100),
          "wrong label");
    if (kind == CifarKind::cifar100)
      check(set.coarse[static_cast<std::size_t>(i)] == r[0] && r[0] < 20, "wrong coarse label");
    check(std::memcmp(px + i * 3072, r + label_bytes, 3072) == 0, "image bytes differ from the record");
  }
  const auto concepts = neuroncert::models::concept_matrix(set);
  check(concepts.matrix.size(0) == n, "concept matrix has the wrong number of rows");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace neuroncert;
  using models::CifarKind;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  for (const auto kind : {CifarKind::cifar10, CifarKind::cifar100})
    for (const std::int64_t max_records : {std::int64_t{0}, std::int64_t{1}}) {
      const auto result = fuzz::run([&] {
        const auto set = models::parse_cifar(bytes, kind, fuzz::source, max_records);
        check_set(set, kind, bytes, max_records);
      });
      fuzz::check(result != fuzz::outcome::invalid_argument, "the reader threw invalid_argument for file contents");
    }
  return 0;
}

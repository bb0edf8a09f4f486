// libFuzzer harness of the safetensors reader: SafetensorsFile::from_bytes (what the constructor
// does after reading the file), then every accessor, tensor() on every key included. An accepted
// file's tensors must hold exactly their byte ranges of the input.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include <ATen/core/Tensor.h>
#include <c10/core/ScalarType.h>

#include "fuzz_common.hpp"
#include "neuroncert/models/safetensors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace neuroncert;
  using fuzz::check;
  std::vector<char> bytes(reinterpret_cast<const char*>(data), reinterpret_cast<const char*>(data) + size);

  const auto result = fuzz::run([&] {
    const auto file = models::SafetensorsFile::from_bytes(std::move(bytes), std::string(fuzz::source));
    const auto keys = file.keys();
    std::uint64_t header_len = 0;
    std::memcpy(&header_len, data, 8);  // from_bytes checked size >= 8
    const std::uint64_t data_start = 8 + header_len;
    for (const auto& key : keys) {
      check(file.contains(key), "keys() lists a key that contains() denies");
      const auto& e = file.entry(key);
      check(e.name == key, "entry() has another name");
      check(e.begin <= e.end && data_start + e.end <= size, "an entry's byte range is outside the input");
      const at::Tensor t = file.tensor(key);
      check(t.scalar_type() == at::kFloat && t.is_contiguous(), "tensor() is not a contiguous float32 tensor");
      check(t.sizes().vec() == e.shape, "tensor() has another shape than its entry");
      const auto nbytes = static_cast<std::uint64_t>(t.numel()) * 4;
      check(nbytes == e.end - e.begin, "tensor() holds another number of bytes than its range");
      if (nbytes > 0)
        check(std::memcmp(t.data_ptr<float>(), data + data_start + e.begin, nbytes) == 0,
              "tensor() holds other bytes than its range");
      const at::Tensor again = file.tensor(key, e.shape);
      check(again.numel() == t.numel(), "tensor(key, shape) differs from tensor(key)");
    }
    std::size_t metadata_chars = 0;
    for (const auto& [k, v] : file.metadata()) metadata_chars += k.size() + v.size();
    check(metadata_chars <= size, "the metadata hold more characters than the input");
  });
  check(result != fuzz::outcome::invalid_argument, "the reader threw invalid_argument for file contents");
  return 0;
}

// libFuzzer harness of the image decoders (models/image_decode.hpp): decode_jpeg and decode_png on
// the same bytes. Both libraries report errors through a callback that longjmps back into our code,
// the path this exercises: every input must give a whole RGB image or a one-line data_error naming
// the input, never a crash, a leak (libjpeg/libpng structs freed on the error path) or an abort.
// Images are limited to 2^20 pixels: a few bytes can announce a legitimate 100-megapixel image,
// whose decoding is slow but correct (the readers' own limit is PIL's, 178,956,970 pixels).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_common.hpp"
#include "neuroncert/models/image_decode.hpp"

namespace {

void check_image(const neuroncert::models::RgbImage& img) {
  using neuroncert::fuzz::check;
  check(img.height > 0 && img.width > 0, "accepted an empty image");
  check(img.pixels.size() == static_cast<std::size_t>(img.height * img.width * 3), "pixels are not height x width x 3");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace neuroncert;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  for (const bool jpeg : {true, false}) {
    const auto result = fuzz::run([&] {
      constexpr std::int64_t max_pixels = std::int64_t{1} << 20;
      check_image(jpeg ? models::decode_jpeg(bytes, fuzz::source, max_pixels)
                       : models::decode_png(bytes, fuzz::source, max_pixels));
    });
    fuzz::check(result != fuzz::outcome::invalid_argument, "the decoder threw invalid_argument for file contents");
  }
  return 0;
}

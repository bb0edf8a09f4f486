#pragma once
// Decoding of the user's own image files (JPEG and PNG) to 8-bit RGB, the pixels PIL's
// Image.open(f).convert("RGB") gives, which is what torchvision's ImageFolder loader feeds a model.
//
// Libraries: libjpeg-turbo (Debian libjpeg62-turbo-dev) and libpng (libpng-dev). PIL itself decodes
// JPEG with libjpeg-turbo, with its default settings (islow integer IDCT, fancy upsampling) and lets
// it convert YCbCr to RGB, so the same library with the same defaults gives the same pixels bit for
// bit (checked against the fixture ../shared/data/images/ref_jpeg_decoded.npy), which a separate
// decoder such as stb_image (a different IDCT and upsampling) would not.
//
// Conversions, as PIL's convert("RGB"):
//   JPEG: YCbCr -> RGB by libjpeg; grey replicated to R = G = B; CMYK (Adobe's inverted form, as
//         Photoshop and PIL write it) -> R = (255 - C)(255 - K) / 255 rounded as PIL does.
//   PNG : palette -> RGB (the tRNS transparency dropped), grey of 1/2/4 bits scaled to 8 bits and
//         replicated, alpha dropped (not composited), 16-bit samples keep their high byte (PIL
//         does so for 16-bit colour; for 16-bit GREY PIL saturates values above 255 instead, a PIL
//         quirk not copied). No gamma correction (PIL applies none).
// EXIF orientation is NOT applied: the pixels are stored order, as PIL.Image.open and torchvision's
// ImageFolder give them (apply ImageOps.exif_transpose yourself, before, if your study needs it).
//
// Errors: a file that cannot be read, has no JPEG/PNG signature, is corrupt or truncated (a JPEG
// ending before its last scan: PIL's "image file is truncated") is a one-line data_error naming
// the file; neither library may end the process (their error handlers longjmp back here).
// Design: docs/design.md#models-real-activations (models).
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace neuroncert::models {

/// An 8-bit RGB image, pixels row by row, R G B interleaved (height x width x 3, as NumPy's
/// np.asarray(pil_image)).
struct RgbImage {
  std::int64_t height = 0, width = 0;
  std::vector<std::uint8_t> pixels;
};

enum class ImageFormat { jpeg, png };

/// .jpg/.jpeg -> jpeg, .png -> png (case-insensitive); anything else: false.
bool image_format_of(const std::filesystem::path& file, ImageFormat& format);

/// PIL's decompression-bomb limit (2 x Image.MAX_IMAGE_PIXELS): an image announcing more pixels is
/// refused before anything is allocated, instead of asking for gigabytes.
inline constexpr std::int64_t default_max_pixels = 2 * 89478485;

/// Decodes bytes of the given format; `source` names the file in messages. Images with more than
/// `max_pixels` pixels are a data_error (the fuzz harness passes a small limit).
RgbImage decode_jpeg(std::string_view bytes, std::string_view source, std::int64_t max_pixels = default_max_pixels);
RgbImage decode_png(std::string_view bytes, std::string_view source, std::int64_t max_pixels = default_max_pixels);

/// Reads and decodes a .jpg/.jpeg/.png file (the format by extension). data_error naming the file.
RgbImage read_image(const std::filesystem::path& file);

}  // namespace neuroncert::models

// JPEG and PNG decoding to 8-bit RGB (image_decode.hpp says which library and why, and how each
// colour type is converted). Both libraries report errors through a callback that must not return:
// it records the message and longjmps back to the setjmp in the decoding function, which then throws.
// Between setjmp and any longjmp the functions below create no C++ object with a destructor (the
// output vector lives in the caller and is only resized), so the jump skips no destructor.
#include "neuroncert/models/image_decode.hpp"

#include <algorithm>
#include <cctype>
#include <csetjmp>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

// jpeglib.h needs size_t and FILE declared before it.
#include <jpeglib.h>
#include <jerror.h>
#include <png.h>

#include <fmt/format.h>

#include "neuroncert/core/error.hpp"

namespace neuroncert::models {

namespace {

// ---- JPEG -----------------------------------------------------------------------------------

struct jpeg_error_state {
  jpeg_error_mgr mgr;  // first member: libjpeg hands back a pointer to it
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

[[noreturn]] void jpeg_fail(j_common_ptr cinfo) {
  auto* state = reinterpret_cast<jpeg_error_state*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, state->message);
  std::longjmp(state->jump, 1);
}

// Warnings (corrupt but decodable data, such as extraneous bytes before a marker) are ignored, as
// PIL ignores them; except a premature end of data, where libjpeg would fill the rest with grey and
// PIL raises "image file is truncated": that is an error here too.
void jpeg_message(j_common_ptr cinfo, int level) {
  if (level == -1 && cinfo->err->msg_code == JWRN_JPEG_EOF) jpeg_fail(cinfo);
}

/// PIL's MULDIV255: a * b / 255 rounded, in integers.
inline int muldiv255(int a, int b) {
  const int t = a * b + 128;
  return ((t >> 8) + t) >> 8;
}

/// Decodes into `out`; false with `message` set on any libjpeg error.
bool jpeg_decode(const unsigned char* data, unsigned long size, RgbImage& out, jpeg_error_state& err,
                 std::int64_t max_pixels) {
  jpeg_decompress_struct cinfo;
  cinfo.err = jpeg_std_error(&err.mgr);
  err.mgr.error_exit = jpeg_fail;
  err.mgr.emit_message = jpeg_message;
  if (setjmp(err.jump)) {
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, data, size);
  jpeg_read_header(&cinfo, TRUE);
  // Before jpeg_start_decompress, which allocates (a progressive file's coefficients for the whole image).
  if (static_cast<std::int64_t>(cinfo.image_width) * cinfo.image_height > max_pixels) {
    std::snprintf(err.message, sizeof err.message, "%u x %u pixels, more than the limit of %lld (PIL's)",
                  cinfo.image_width, cinfo.image_height, static_cast<long long>(max_pixels));
    jpeg_destroy_decompress(&cinfo);
    return false;
  }
  // Output colour space: RGB from YCbCr/RGB (libjpeg's conversion, as PIL), grey and CMYK as stored.
  if (cinfo.jpeg_color_space == JCS_GRAYSCALE)
    cinfo.out_color_space = JCS_GRAYSCALE;
  else if (cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK)
    cinfo.out_color_space = JCS_CMYK;
  else
    cinfo.out_color_space = JCS_RGB;
  jpeg_start_decompress(&cinfo);
  const int comps = cinfo.output_components;
  out.height = cinfo.output_height;
  out.width = cinfo.output_width;
  out.pixels.resize(static_cast<std::size_t>(out.height * out.width * 3));
  JSAMPARRAY row = (*cinfo.mem->alloc_sarray)(reinterpret_cast<j_common_ptr>(&cinfo), JPOOL_IMAGE,
                                               cinfo.output_width * static_cast<JDIMENSION>(comps), 1);
  while (cinfo.output_scanline < cinfo.output_height) {
    std::uint8_t* dst = out.pixels.data() + static_cast<std::size_t>(cinfo.output_scanline) * out.width * 3;
    jpeg_read_scanlines(&cinfo, row, 1);
    const JSAMPLE* src = row[0];
    for (std::int64_t x = 0; x < out.width; ++x) {
      if (comps == 3) {
        std::memcpy(dst + 3 * x, src + 3 * x, 3);
      } else if (comps == 1) {
        dst[3 * x] = dst[3 * x + 1] = dst[3 * x + 2] = src[x];
      } else {  // CMYK, stored inverted (Adobe): PIL's "CMYK;I" unpacking, then its cmyk2rgb
        const int nk = src[4 * x + 3];  // 255 - K, with K = 255 - stored
        for (int c = 0; c < 3; ++c) {
          const int v = 255 - src[4 * x + c];
          dst[3 * x + c] = static_cast<std::uint8_t>(std::clamp(nk - muldiv255(v, nk), 0, 255));
        }
      }
    }
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return true;
}

// ---- PNG ------------------------------------------------------------------------------------

struct png_state {
  const unsigned char* data = nullptr;
  std::size_t size = 0, pos = 0;
  std::int64_t max_pixels = default_max_pixels;
  char message[256] = {};
};

[[noreturn]] void png_fail(png_structp png, png_const_charp msg) {
  auto* state = static_cast<png_state*>(png_get_error_ptr(png));
  std::snprintf(state->message, sizeof state->message, "%s", msg);
  png_longjmp(png, 1);
}

void png_warn(png_structp, png_const_charp) {}  // benign (an ancillary chunk's CRC, a bad iCCP): as PIL

void png_read_bytes(png_structp png, png_bytep out, png_size_t n) {
  auto* state = static_cast<png_state*>(png_get_io_ptr(png));
  if (n > state->size - state->pos) png_error(png, "file is truncated");
  std::memcpy(out, state->data + state->pos, n);
  state->pos += n;
}

bool png_decode(png_state& state, RgbImage& out) {
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &state, png_fail, png_warn);
  if (!png) {
    std::snprintf(state.message, sizeof state.message, "cannot create a libpng reader");
    return false;
  }
  png_infop info = png_create_info_struct(png);
  png_bytep* volatile rows = nullptr;  // volatile: set after setjmp, freed after a longjmp
  if (setjmp(png_jmpbuf(png))) {
    std::free(rows);
    png_destroy_read_struct(&png, &info, nullptr);
    return false;
  }
  if (!info) png_error(png, "cannot create a libpng info struct");
  png_set_read_fn(png, &state, png_read_bytes);
  png_read_info(png, info);
  if (static_cast<std::int64_t>(png_get_image_width(png, info)) * png_get_image_height(png, info) > state.max_pixels) {
    std::snprintf(state.message, sizeof state.message, "%u x %u pixels, more than the limit of %lld (PIL's)",
                  png_get_image_width(png, info), png_get_image_height(png, info),
                  static_cast<long long>(state.max_pixels));
    png_longjmp(png, 1);
  }
  const int colour = png_get_color_type(png, info);
  const int depth = png_get_bit_depth(png, info);
  if (colour == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);  // expands a tRNS chunk to alpha too
  if (colour == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
  if (depth == 16) png_set_strip_16(png);  // the high byte
  if ((colour & PNG_COLOR_MASK_ALPHA) || png_get_valid(png, info, PNG_INFO_tRNS)) png_set_strip_alpha(png);
  if (colour == PNG_COLOR_TYPE_GRAY || colour == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
  png_set_interlace_handling(png);
  png_read_update_info(png, info);
  if (png_get_channels(png, info) != 3 || png_get_bit_depth(png, info) != 8)
    png_error(png, "unsupported colour type after conversion to RGB");
  out.height = png_get_image_height(png, info);
  out.width = png_get_image_width(png, info);
  out.pixels.resize(static_cast<std::size_t>(out.height * out.width * 3));
  rows = static_cast<png_bytep*>(std::malloc(sizeof(png_bytep) * static_cast<std::size_t>(out.height)));
  if (!rows) png_error(png, "out of memory");
  for (std::int64_t y = 0; y < out.height; ++y) rows[y] = out.pixels.data() + y * out.width * 3;
  png_read_image(png, rows);
  png_read_end(png, nullptr);
  std::free(rows);
  png_destroy_read_struct(&png, &info, nullptr);
  return true;
}

}  // namespace

bool image_format_of(const std::filesystem::path& file, ImageFormat& format) {
  std::string ext = file.extension().string();
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (ext == ".jpg" || ext == ".jpeg") {
    format = ImageFormat::jpeg;
    return true;
  }
  if (ext == ".png") {
    format = ImageFormat::png;
    return true;
  }
  return false;
}

RgbImage decode_jpeg(std::string_view bytes, std::string_view source, std::int64_t max_pixels) {
  RgbImage out;
  jpeg_error_state err{};
  if (!jpeg_decode(reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<unsigned long>(bytes.size()), out,
                   err, max_pixels))
    throw data_error(fmt::format("image '{}': cannot decode JPEG: {}", source, err.message));
  return out;
}

RgbImage decode_png(std::string_view bytes, std::string_view source, std::int64_t max_pixels) {
  RgbImage out;
  png_state state;
  state.max_pixels = max_pixels;
  state.data = reinterpret_cast<const unsigned char*>(bytes.data());
  state.size = bytes.size();
  if (bytes.size() < 8 || png_sig_cmp(state.data, 0, 8) != 0)
    throw data_error(fmt::format("image '{}': cannot decode PNG: not a PNG file (no PNG signature)", source));
  if (!png_decode(state, out)) throw data_error(fmt::format("image '{}': cannot decode PNG: {}", source, state.message));
  return out;
}

RgbImage read_image(const std::filesystem::path& file) {
  ImageFormat format{};
  if (!image_format_of(file, format))
    throw data_error(fmt::format("image '{}': not a .jpg, .jpeg or .png file", file.string()));
  std::ifstream in(file, std::ios::binary);
  std::string bytes;
  if (in) bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (!in && !in.eof()) throw data_error(fmt::format("image '{}': cannot read file", file.string()));
  if (std::filesystem::is_directory(file)) throw data_error(fmt::format("image '{}': is a directory", file.string()));
  if (bytes.empty()) throw data_error(fmt::format("image '{}': cannot read file or file is empty", file.string()));
  return format == ImageFormat::jpeg ? decode_jpeg(bytes, file.string()) : decode_png(bytes, file.string());
}

}  // namespace neuroncert::models

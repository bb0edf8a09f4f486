// torchvision's evaluation preprocessing on tensors (image_transform.hpp).
#include "neuroncert/models/image_transform.hpp"

#include <cmath>
#include <vector>

#include <ATen/Functions.h>
#include <fmt/format.h>

#include "neuroncert/core/error.hpp"

namespace neuroncert::models {

std::array<std::int64_t, 2> resized_size(std::int64_t height, std::int64_t width, std::int64_t size) {
  const bool portrait = width <= height;
  const std::int64_t shorter = portrait ? width : height, longer = portrait ? height : width;
  // Python's int(size * long / short): a double division, truncated.
  const auto new_long = static_cast<std::int64_t>(static_cast<double>(size) * static_cast<double>(longer) /
                                                  static_cast<double>(shorter));
  return portrait ? std::array<std::int64_t, 2>{new_long, size} : std::array<std::int64_t, 2>{size, new_long};
}

std::int64_t centre_crop_offset(std::int64_t extent, std::int64_t crop) {
  // nearbyint in the default rounding mode rounds half to even, as Python's round().
  return static_cast<std::int64_t>(std::nearbyint(static_cast<double>(extent - crop) / 2.0));
}

at::Tensor transform_image(const RgbImage& image, const ImageTransform& t) {
  if (image.height < 1 || image.width < 1 || t.resize < 1 || t.crop < 1)
    throw invalid_argument("transform_image: empty image, resize or crop");
  auto pixels = at::from_blob(const_cast<std::uint8_t*>(image.pixels.data()), {image.height, image.width, 3},
                              at::TensorOptions().dtype(at::kByte));
  // ToTensor: channels first, then / 255 in float32 (the operation order of torchvision).
  auto x = pixels.permute({2, 0, 1}).contiguous().to(at::kFloat).div_(255.0).unsqueeze(0);
  const auto size = resized_size(image.height, image.width, t.resize);
  if (size[0] != image.height || size[1] != image.width)
    x = at::_upsample_bilinear2d_aa(x, {size[0], size[1]}, /*align_corners=*/false, c10::nullopt, c10::nullopt);
  std::int64_t h = x.size(2), w = x.size(3);
  const std::int64_t c = t.crop;
  if (c > h || c > w) {  // zero padding: left/top (c - w) // 2, right/bottom (c - w + 1) // 2
    const std::int64_t ph = c > h ? c : h, pw = c > w ? c : w;
    const std::int64_t top = c > h ? (c - h) / 2 : 0, left = c > w ? (c - w) / 2 : 0;
    auto padded = at::zeros({1, 3, ph, pw}, x.options());
    padded.slice(2, top, top + h).slice(3, left, left + w).copy_(x);
    x = padded;
    h = ph;
    w = pw;
  }
  const std::int64_t top = centre_crop_offset(h, c), left = centre_crop_offset(w, c);
  x = x.slice(2, top, top + c).slice(3, left, left + c).contiguous();
  const auto opts = at::TensorOptions().dtype(at::kFloat);
  const auto mean = at::tensor(std::vector<float>(t.norm.mean.begin(), t.norm.mean.end()), opts).view({1, 3, 1, 1});
  const auto sd = at::tensor(std::vector<float>(t.norm.std.begin(), t.norm.std.end()), opts).view({1, 3, 1, 1});
  return x.sub_(mean).div_(sd).squeeze(0);
}

}  // namespace neuroncert::models

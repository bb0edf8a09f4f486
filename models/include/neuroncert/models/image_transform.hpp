#pragma once
// Preprocessing of a decoded image as torchvision 0.14 does it on float tensors, the usual
// evaluation pipeline of a user model:
//   ToTensor      x = pixels / 255, float32 [3, H, W]
//   Resize(S)     the shorter side to S, the longer to int(S * long / short) (torchvision's rule,
//                 truncating), bilinear with antialias: ATen's _upsample_bilinear2d_aa, the kernel
//                 torchvision's resize calls; an image already of that size is left untouched
//   CenterCrop(C) offsets round((H - C) / 2) with Python's round (half to even); an image smaller
//                 than C is first padded with zeros (left/top floor, right/bottom ceil), as torchvision
//   Normalize     (x - mean[c]) / std[c]
// Checked against torchvision's output on the fixture ../shared/data/images/ref_large_224.npy.
// Design: docs/design.md#models-real-activations (models).
#include <array>
#include <cstdint>

#include <ATen/core/Tensor.h>

#include "neuroncert/models/cifar.hpp"
#include "neuroncert/models/image_decode.hpp"

namespace neuroncert::models {

struct ImageTransform {
  std::int64_t resize = 256;  ///< the shorter side after resizing
  std::int64_t crop = 224;    ///< the side of the centre crop
  Normalization norm = imagenet_normalization;
};

/// Height and width after Resize(size) of an h x w image (torchvision's _compute_resized_output_size).
std::array<std::int64_t, 2> resized_size(std::int64_t height, std::int64_t width, std::int64_t size);

/// The top (or left) offset of a centre crop of `crop` out of `extent` >= crop: Python's
/// round((extent - crop) / 2), half to even.
std::int64_t centre_crop_offset(std::int64_t extent, std::int64_t crop);

/// The image preprocessed: float32 [3, crop, crop], contiguous.
at::Tensor transform_image(const RgbImage& image, const ImageTransform& transform);

}  // namespace neuroncert::models

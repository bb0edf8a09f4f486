// The user's own images: decoding against PIL's pixels (the fixture's ref_jpeg_decoded.npy),
// preprocessing against torchvision's tensors (ref_large_224.npy), corrupt files, folder listing.
#include "models/catch_torch.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include <ATen/Functions.h>

#include "neuroncert/core/error.hpp"
#include "neuroncert/core/npy.hpp"
#include "neuroncert/models/image_decode.hpp"
#include "neuroncert/models/image_files.hpp"
#include "neuroncert/models/image_transform.hpp"
#include "temp_dir.hpp"

using Catch::Matchers::Contains;
namespace fs = std::filesystem;
using namespace neuroncert;

namespace {
const fs::path images_dir = fs::path(NEURONCERT_DATA_DIR) / "images";

void write_bytes(const fs::path& p, const std::string& bytes) { std::ofstream(p, std::ios::binary) << bytes; }

/// The data_error a call raises: one line, naming `file`.
template <class F>
std::string error_of(F&& f, const fs::path& file) {
  try {
    f();
  } catch (const data_error& e) {
    const std::string m = e.what();
    CHECK(m.find('\n') == std::string::npos);
    CHECK_THAT(m, Contains(file.string()));
    return m;
  }
  FAIL("no data_error for " << file.string());
  return {};
}
}  // namespace

TEST_CASE("images: JPEG decoding equals PIL's (libjpeg-turbo, default settings)", "[models][images]") {
  const auto list = models::list_image_folder(images_dir / "imagefolder");
  const auto ref = io::read_npy(images_dir / "ref_jpeg_decoded.npy");
  REQUIRE(ref.shape == std::vector<std::size_t>{16, 32, 32, 3});
  std::size_t k = 0, differing = 0;
  for (const auto& file : list.files) {
    if (file.extension() != ".jpg") continue;
    REQUIRE(k < 16);
    const auto img = models::read_image(file);
    REQUIRE(img.height == 32);
    REQUIRE(img.width == 32);
    for (std::size_t i = 0; i < img.pixels.size(); ++i)
      differing += img.pixels[i] != static_cast<std::uint8_t>(ref.values[k * 32 * 32 * 3 + i]);
    ++k;
  }
  CHECK(k == 16);
  CHECK(differing == 0);  // bit-identical: every byte of all 16 JPEGs
}

TEST_CASE("images: PNG decoding gives the CIFAR-100 record's pixels", "[models][images]") {
  // imagefolder/apple/113.png is CIFAR-100 test record 113, stored losslessly.
  const auto img = models::read_image(images_dir / "imagefolder" / "apple" / "113.png");
  std::ifstream in(fs::path(NEURONCERT_DATA_DIR) / "cifar100_test.bin", std::ios::binary);
  std::string rec(3074, '\0');
  in.seekg(113 * 3074);
  in.read(rec.data(), 3074);
  REQUIRE(img.height == 32);
  std::size_t differing = 0;
  for (int c = 0; c < 3; ++c)
    for (int p = 0; p < 1024; ++p)
      differing += img.pixels[static_cast<std::size_t>(p * 3 + c)] != static_cast<std::uint8_t>(rec[2 + c * 1024 + p]);
  CHECK(differing == 0);
}

TEST_CASE("images: torchvision's output size and centre-crop offsets", "[models][images]") {
  // Resize(256) of 97 x 75 (w x h): short side 75 -> 256, long int(256 * 97 / 75) = int(331.09) = 331.
  CHECK(models::resized_size(75, 97, 256) == std::array<std::int64_t, 2>{256, 331});
  CHECK(models::resized_size(97, 75, 256) == std::array<std::int64_t, 2>{331, 256});
  CHECK(models::resized_size(32, 32, 32) == std::array<std::int64_t, 2>{32, 32});
  // Python round() halves to even: round(1.5) = 2, round(2.5) = 2, round(53.5) = 54, round(0.5) = 0.
  CHECK(models::centre_crop_offset(5, 2) == 2);
  CHECK(models::centre_crop_offset(7, 2) == 2);
  CHECK(models::centre_crop_offset(331, 224) == 54);
  CHECK(models::centre_crop_offset(3, 2) == 0);
  CHECK(models::centre_crop_offset(6, 2) == 2);
}

TEST_CASE("images: Resize(256) + CenterCrop(224) + ImageNet normalisation match torchvision", "[models][images]") {
  const auto ref = io::read_npy(images_dir / "ref_large_224.npy");
  REQUIRE(ref.shape == std::vector<std::size_t>{8, 3, 224, 224});
  const auto list = models::list_image_folder(images_dir / "large");
  REQUIRE(list.files.size() == 8);
  double worst = 0;
  for (std::size_t k = 0; k < 8; ++k) {
    const auto x = models::transform_image(models::read_image(list.files[k]), {256, 224, models::imagenet_normalization});
    REQUIRE(x.sizes() == at::IntArrayRef{3, 224, 224});
    const float* p = x.data_ptr<float>();
    for (std::size_t i = 0; i < 3 * 224 * 224; ++i)
      worst = std::max(worst, std::abs(static_cast<double>(p[i]) - ref.values[k * 3 * 224 * 224 + i]));
  }
  // Measured: 0 (bit-identical: ATen's _upsample_bilinear2d_aa is the kernel torchvision calls).
  CHECK(worst <= 1e-5);
  INFO("max |difference| = " << worst);
  CHECK(worst == 0.0);
}

TEST_CASE("images: a crop larger than the image pads with zeros as torchvision", "[models][images]") {
  models::RgbImage img{2, 3, std::vector<std::uint8_t>(18, 255)};  // 2 x 3, white
  const auto x = models::transform_image(img, {2, 5, models::unit_normalization});
  // Resize(2) keeps 2 x 3; pad to 5 x 5: top (5-2)//2 = 1, bottom 2; left (5-3)//2 = 1, right 1.
  REQUIRE(x.sizes() == at::IntArrayRef{3, 5, 5});
  const auto a = x.accessor<float, 3>();
  for (int y = 0; y < 5; ++y)
    for (int c = 0; c < 5; ++c) CHECK(a[1][y][c] == ((y >= 1 && y <= 2 && c >= 1 && c <= 3) ? 1.f : 0.f));
}

TEST_CASE("images: corrupt, truncated and unreadable files are one-line errors naming the file", "[models][images]") {
  test::per_test_dir dir;
  const auto jpg = test::slurp(images_dir / "imagefolder" / "apple" / "9.jpg");
  const auto png = test::slurp(images_dir / "imagefolder" / "apple" / "9.png");
  const auto truncated_jpg = dir / "truncated.jpg";
  write_bytes(truncated_jpg, jpg.substr(0, jpg.size() / 2));
  CHECK_THAT(error_of([&] { models::read_image(truncated_jpg); }, truncated_jpg), Contains("Premature end"));
  const auto garbage = dir / "garbage.JPG";
  write_bytes(garbage, "this is not an image at all");
  CHECK_THAT(error_of([&] { models::read_image(garbage); }, garbage), Contains("Not a JPEG file"));
  const auto png_as_jpg = dir / "png.jpeg";
  write_bytes(png_as_jpg, png);
  error_of([&] { models::read_image(png_as_jpg); }, png_as_jpg);
  const auto truncated_png = dir / "truncated.png";
  write_bytes(truncated_png, png.substr(0, png.size() / 2));
  error_of([&] { models::read_image(truncated_png); }, truncated_png);
  std::string bad_crc = png;
  bad_crc[bad_crc.size() / 2] = static_cast<char>(bad_crc[bad_crc.size() / 2] ^ 0x55);  // inside IDAT
  const auto corrupt_png = dir / "corrupt.png";
  write_bytes(corrupt_png, bad_crc);
  error_of([&] { models::read_image(corrupt_png); }, corrupt_png);
  const auto empty = dir / "empty.png";
  write_bytes(empty, "");
  error_of([&] { models::read_image(empty); }, empty);
  error_of([&] { models::read_image(dir / "missing.png"); }, dir / "missing.png");
  const auto text = dir / "notes.txt";
  write_bytes(text, "x");
  CHECK_THAT(error_of([&] { models::read_image(text); }, text), Contains("not a .jpg, .jpeg or .png"));
}

TEST_CASE("images: ImageFolder order and classes, flat folders, labels CSV", "[models][images]") {
  const auto list = models::list_image_folder(images_dir / "imagefolder");
  REQUIRE(list.class_names == std::vector<std::string>{"apple", "bicycle", "cattle", "rocket"});
  REQUIRE(list.files.size() == 56);
  CHECK(list.names.front() == "apple/113.png");
  CHECK(std::is_sorted(list.names.begin(), list.names.end()));
  // The CSV's rows are the same files (sorted): fine one-hot named by class, coarse as "coarse:<name>".
  const auto c = models::concepts_from_labels(images_dir / "labels.csv", list.files);
  CHECK(c.matrix.scalar_type() == at::kByte);
  REQUIRE(c.names.size() == 4 + 4);
  CHECK(c.names[0] == "apple");
  CHECK(c.names[4].rfind("coarse:", 0) == 0);
  const auto folder = models::class_concepts(list);
  CHECK(at::equal(c.matrix.slice(1, 0, 4), folder.matrix));
  test::per_test_dir dir;
  fs::create_directories(dir / "flat");
  std::ofstream(dir / "empty.txt") << "";
  CHECK_THAT(error_of([&] { models::list_image_folder(dir / "flat"); }, dir / "flat"), Contains("no .jpg"));
}

TEST_CASE("images: labels CSV with probabilities, multi-hot and class columns", "[models][images]") {
  test::per_test_dir dir;
  fs::create_directories(dir / "imgs");
  const auto png = test::slurp(images_dir / "imagefolder" / "apple" / "9.png");
  for (const char* name : {"a.png", "b.png", "c.png"}) write_bytes(dir / "imgs" / name, png);
  const auto list = models::list_image_folder(dir / "imgs");
  REQUIRE(list.classes.empty());  // flat
  // Rows in another order than the files, one path absolute: matched by path.
  std::ofstream(dir / "p.csv") << "path,furry,p_sky,kind,size\n"
                               << "imgs/c.png,1,0.25,dog,big\n"
                               << (dir / "imgs" / "a.png").string() << ",0,1,cat,small\n"
                               << "imgs/b.png,1,0.5,cat,big\n";
  const auto c = models::concepts_from_labels(dir / "p.csv", list.files);
  REQUIRE(c.matrix.scalar_type() == at::kFloat);  // 0.25 and 0.5 are probabilities
  CHECK(c.names == std::vector<std::string>{"furry", "p_sky", "cat", "dog", "size:big", "size:small"});
  const std::vector<std::vector<float>> want{{0, 1, 1, 0, 0, 1}, {1, 0.5f, 1, 0, 1, 0}, {1, 0.25f, 0, 1, 1, 0}};
  for (std::int64_t i = 0; i < 3; ++i)
    for (std::int64_t j = 0; j < 6; ++j)
      CHECK(c.matrix[i][j].item<float>() == want[static_cast<std::size_t>(i)][static_cast<std::size_t>(j)]);
  auto bad = [&](const std::string& text, const std::string& expected) {
    std::ofstream(dir / "bad.csv") << text;
    CHECK_THAT(error_of([&] { models::concepts_from_labels(dir / "bad.csv", list.files); }, dir / "bad.csv"),
               Contains(expected));
  };
  bad("path,x\nimgs/a.png,1\nimgs/b.png,0\n", "no row for 1 image");
  bad("path,x\nimgs/a.png,1\nimgs/b.png,0\nimgs/c.png,1\nimgs/d.png,1\n", "1 row names no image");
  bad("path,x\nimgs/a.png,1\nimgs/b.png,0\nimgs/c.png,1\nimgs/a.png,1\n", "more than one row");
  bad("path,x\nimgs/a.png,1\nimgs/b.png,tall\nimgs/c.png,1\n", "column 'x' mixes numbers");
  bad("path,x\nimgs/a.png,1\nimgs/b.png,1.5\nimgs/c.png,1\n", "has 1.5 in the row of 'imgs/b.png'");
  bad("path,x\nimgs/a.png,1\nimgs/b.png,\nimgs/c.png,1\n", "is empty");
  bad("path,x\nimgs/a.png,nan\nimgs/b.png,0\nimgs/c.png,1\n", "column 'x'");
  bad("path,cat,kind\nimgs/a.png,1,cat\nimgs/b.png,0,dog\nimgs/c.png,1,cat\n", "two concepts are named 'cat'");
  bad("path\nimgs/a.png\n", "at least one concept column");
}

TEST_CASE("images: --files lists keep their order; missing files and other extensions are errors", "[models][images]") {
  test::per_test_dir dir;
  const auto png = test::slurp(images_dir / "imagefolder" / "apple" / "9.png");
  for (const char* name : {"a.png", "b.PNG"}) write_bytes(dir / name, png);
  std::ofstream(dir / "list.txt") << "b.PNG\n\n" << (dir / "a.png").string() << "\r\n";
  const auto list = models::read_image_list(dir / "list.txt");
  CHECK(list.names == std::vector<std::string>{"b.PNG", (dir / "a.png").string()});
  std::ofstream(dir / "missing.txt") << "a.png\nnope.png\n";
  CHECK_THAT(error_of([&] { models::read_image_list(dir / "missing.txt"); }, dir / "missing.txt"),
             Contains("nope.png"));
  std::ofstream(dir / "ext.txt") << "a.png\nnotes.txt\n";
  CHECK_THAT(error_of([&] { models::read_image_list(dir / "ext.txt"); }, dir / "ext.txt"), Contains("notes.txt"));
  // An ImageFolder with an image at its top level, or an empty class folder.
  fs::create_directories(dir / "folder" / "cls");
  write_bytes(dir / "folder" / "cls" / "x.png", png);
  write_bytes(dir / "folder" / "top.png", png);
  CHECK_THAT(error_of([&] { models::list_image_folder(dir / "folder"); }, dir / "folder"), Contains("top.png"));
  fs::remove(dir / "folder" / "top.png");
  fs::create_directories(dir / "folder" / "empty_class");
  CHECK_THAT(error_of([&] { models::list_image_folder(dir / "folder"); }, dir / "folder"), Contains("empty_class"));
}

namespace {
/// CRC-32 of PNG chunks (ISO 3309), bit by bit.
std::uint32_t crc32(const std::string& bytes) {
  std::uint32_t c = 0xffffffffu;
  for (unsigned char b : bytes) {
    c ^= b;
    for (int k = 0; k < 8; ++k) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1u)));
  }
  return c ^ 0xffffffffu;
}
std::string be32(std::uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8), static_cast<char>(v)};
}
}  // namespace

TEST_CASE("images: a PNG announcing more pixels than PIL's bomb limit is refused before allocating",
          "[models][images]") {
  test::per_test_dir dir;
  // Signature + IHDR 20000 x 20000 RGB 8-bit (400 M pixels > 178,956,970) + an empty IDAT, correct CRCs.
  const std::string ihdr = "IHDR" + be32(20000) + be32(20000) + std::string("\x08\x02\x00\x00\x00", 5);
  const std::string png = std::string("\x89PNG\r\n\x1a\n", 8) + be32(13) + ihdr + be32(crc32(ihdr)) + be32(0) + "IDAT" +
                          be32(crc32("IDAT"));
  write_bytes(dir / "bomb.png", png);
  CHECK_THAT(error_of([&] { models::read_image(dir / "bomb.png"); }, dir / "bomb.png"), Contains("more than the limit of 178956970"));
}

// safetensors reader: the shipped files load; corrupted copies fail with one-line messages
// naming the file and the key.
#include "models/catch_torch.hpp"

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "neuroncert/core/error.hpp"
#include "neuroncert/models/resnet20.hpp"
#include "neuroncert/models/safetensors.hpp"
#include "neuroncert/models/vit.hpp"

namespace nm = neuroncert::models;
using Catch::Matchers::Contains;

namespace {
const std::filesystem::path data_dir = NEURONCERT_DATA_DIR;

std::filesystem::path temp_dir() {
  auto dir = std::filesystem::temp_directory_path() / ("neuroncert_models_st_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::filesystem::path write(const std::string& name, const std::string& bytes) {
  auto p = temp_dir() / name;
  std::ofstream(p, std::ios::binary) << bytes;
  return p;
}

/// A safetensors file from a JSON header (padded with spaces to `pad_to` alignment) and data.
/// `misalign` extra spaces after the padding move the data start off the 8-byte grid.
std::string make_file(std::string header, const std::string& data, std::size_t misalign = 0) {
  while ((8 + header.size()) % 8 != 0) header += ' ';
  header += std::string(misalign, ' ');
  std::uint64_t n = header.size();
  std::string out(8, '\0');
  std::memcpy(out.data(), &n, 8);
  return out + header + data;
}

std::string floats(std::size_t count) { return std::string(count * 4, '\0'); }

std::string one_line_error(const std::filesystem::path& p) {
  try {
    nm::SafetensorsFile f(p);
  } catch (const neuroncert::data_error& e) {
    return e.what();
  }
  return "";
}

void replace_once(std::string& s, const std::string& from, const std::string& to) {
  const auto pos = s.find(from);
  REQUIRE(pos != std::string::npos);
  s.replace(pos, from.size(), to);
}
}  // namespace

TEST_CASE("safetensors: the shipped weight files load and validate", "[models][safetensors]") {
  const nm::SafetensorsFile r(data_dir / "resnet20_cifar10.safetensors");
  CHECK(r.keys().size() == 97);
  CHECK(r.keys().front() == "conv1.weight");
  CHECK(r.keys().back() == "linear.bias");
  CHECK((r.entry("layer3.0.conv1.weight").shape == std::vector<std::int64_t>{64, 32, 3, 3}));
  CHECK(!r.metadata().empty());
  const nm::SafetensorsFile v(data_dir / "vit_cifar10.safetensors");
  CHECK(v.keys().size() == 80);
  CHECK((v.tensor("pos_embed", {1, 65, 128}).sizes().vec() == std::vector<std::int64_t>{1, 65, 128}));
  // The loaded model uses every tensor of the files.
  CHECK_NOTHROW(nm::load_resnet20(data_dir / "resnet20_cifar10.safetensors"));
  CHECK_NOTHROW(nm::load_vit(data_dir / "vit_cifar10.safetensors"));
}

TEST_CASE("safetensors: tensor values round-trip", "[models][safetensors]") {
  std::string data(8, '\0');
  const float vals[2] = {1.5f, -2.25f};
  std::memcpy(data.data(), vals, 8);
  const auto p = write("ok.safetensors",
                       make_file(R"({"__metadata__":{"a":"b"},"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", data));
  const nm::SafetensorsFile f(p);
  const auto t = f.tensor("x");
  CHECK(t[0].item<float>() == 1.5f);
  CHECK(t[1].item<float>() == -2.25f);
  CHECK(f.metadata().at("a") == "b");
}

TEST_CASE("safetensors: corrupt files are one-line errors naming file and key", "[models][safetensors]") {
  const auto original = slurp(data_dir / "resnet20_cifar10.safetensors");

  SECTION("truncated") {
    const auto p = write("truncated.safetensors", original.substr(0, original.size() / 2));
    const auto msg = one_line_error(p);
    CHECK_THAT(msg, Contains(p.string()) && Contains("truncated"));
    CHECK(msg.find('\n') == std::string::npos);
  }
  SECTION("too short for the header length") {
    const auto p = write("short.safetensors", original.substr(0, 5));
    CHECK_THAT(one_line_error(p), Contains(p.string()) && Contains("too short"));
  }
  SECTION("bad header length") {
    auto bytes = original;
    const std::uint64_t n = 1ull << 40;
    std::memcpy(bytes.data(), &n, 8);
    const auto p = write("badlen.safetensors", bytes);
    CHECK_THAT(one_line_error(p), Contains(p.string()) && Contains("header length"));
  }
  SECTION("bad JSON") {
    auto bytes = original;
    bytes[8] = 'x';
    const auto p = write("badjson.safetensors", bytes);
    CHECK_THAT(one_line_error(p), Contains(p.string()) && Contains("not valid JSON"));
  }
  SECTION("wrong dtype") {
    auto bytes = original;
    replace_once(bytes, R"("dtype":"F32")", R"("dtype":"F16")");
    const auto p = write("dtype.safetensors", bytes);
    CHECK_THAT(one_line_error(p), Contains(p.string()) && Contains("conv1.weight") && Contains("F16"));
  }
  SECTION("missing key") {
    auto bytes = original;
    replace_once(bytes, R"("linear.bias")", R"("linear.bia_")");
    const auto p = write("missing.safetensors", bytes);
    REQUIRE(one_line_error(p).empty());  // still a valid file ...
    try {
      nm::load_resnet20(p);  // ... but not a ResNet-20
      FAIL("expected data_error");
    } catch (const neuroncert::data_error& e) {
      CHECK_THAT(std::string(e.what()), Contains(p.string()) && Contains("'linear.bias' is missing"));
    }
  }
  SECTION("shape disagrees with the byte range") {
    const auto p = write("size.safetensors",
                         make_file(R"({"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", floats(2)));
    CHECK_THAT(one_line_error(p), Contains(p.string()) && Contains("'x'") && Contains("shape [3]"));
  }
  SECTION("wrong shape for the model") {
    const auto p = write("shape.safetensors",
                         make_file(R"({"x":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}})", floats(6)));
    const nm::SafetensorsFile f(p);
    CHECK_THROWS_WITH(f.tensor("x", {3, 2}), Contains(p.string()) && Contains("'x'") && Contains("[2, 3]") &&
                                                 Contains("expected [3, 2]"));
    CHECK_THROWS_WITH(f.tensor("y"), Contains(p.string()) && Contains("'y' is missing"));
  }
  SECTION("misaligned data start") {
    const auto p = write("misaligned.safetensors",
                         make_file(R"({"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", floats(1), 4));
    const auto bytes = slurp(p);
    std::uint64_t n = 0;
    std::memcpy(&n, bytes.data(), 8);
    REQUIRE((8 + n) % 8 != 0);
    CHECK_THAT(one_line_error(p), Contains(p.string()) && Contains("not 8-byte aligned"));
  }
  SECTION("offsets past the data") {
    const auto p = write("past.safetensors",
                         make_file(R"({"x":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", floats(2)));
    CHECK_THAT(one_line_error(p), Contains(p.string()) && Contains("'x'"));
  }
  SECTION("overlapping tensors") {
    const auto p = write("overlap.safetensors",
                         make_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                                   R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                                   floats(3)));
    CHECK_THAT(one_line_error(p), Contains(p.string()) && Contains("overlap"));
  }
  SECTION("missing file") {
    CHECK_THAT(one_line_error(temp_dir() / "nope.safetensors"), Contains("nope.safetensors") && Contains("cannot open"));
  }
}

// Bytes held in memory (SafetensorsFile::from_bytes, what tests/fuzz/fuzz_safetensors drives) and
// the defects the harness and its writing turned up.

TEST_CASE("safetensors: from_bytes validates a buffer exactly as the constructor validates the file",
          "[models][safetensors]") {
  const auto original = slurp(data_dir / "resnet20_cifar10.safetensors");
  const nm::SafetensorsFile file(data_dir / "resnet20_cifar10.safetensors");
  const auto memory = nm::SafetensorsFile::from_bytes(std::vector<char>(original.begin(), original.end()), "buffer");
  CHECK(memory.path() == "buffer");
  CHECK(memory.keys() == file.keys());
  CHECK(memory.metadata() == file.metadata());
  CHECK(memory.tensor("linear.bias").equal(file.tensor("linear.bias")));
  CHECK_THROWS_WITH(nm::SafetensorsFile::from_bytes(std::vector<char>(original.begin(), original.begin() + 5), "buffer"),
                    Contains("'buffer'") && Contains("too short"));
}

TEST_CASE("safetensors: a key with control characters still gives a one-line message", "[models][safetensors]") {
  // Regression: the key was put into the message as it was, so a JSON "\n" in it split the line.
  const auto bytes = make_file(R"({"a\nb\u0001":{"dtype":"F16\r","shape":[2],"data_offsets":[0,4]}})", floats(1));
  const auto p = write("newline_key.safetensors", bytes);
  const auto msg = one_line_error(p);
  CHECK(msg.find('\n') == std::string::npos);
  CHECK(msg.find('\r') == std::string::npos);
  CHECK_THAT(msg, Contains(p.string()) && Contains(R"('a\x0ab\x01')") && Contains(R"(F16\x0d)"));
}

TEST_CASE("safetensors: an overlap behind an empty tensor is found", "[models][safetensors]") {
  // Regression: each tensor was compared with the previous one in offset order only, so "c"
  // inside "a" went unnoticed when the empty "b" (offsets [4, 4], inside "a") came between them.
  const auto p = write("nested_overlap.safetensors",
                       make_file(R"({"a":{"dtype":"F32","shape":[8],"data_offsets":[0,32]},)"
                                 R"("b":{"dtype":"F32","shape":[0],"data_offsets":[4,4]},)"
                                 R"("c":{"dtype":"F32","shape":[1],"data_offsets":[12,16]}})",
                                 floats(8)));
  CHECK_THAT(one_line_error(p), Contains(p.string()) && Contains("overlap"));
  // Empty tensors overlap nothing; back-to-back tensors do not overlap.
  const auto ok = write("adjacent.safetensors",
                        make_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                                  R"("e":{"dtype":"F32","shape":[0],"data_offsets":[4,4]},)"
                                  R"("b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})",
                                  floats(4)));
  CHECK(one_line_error(ok).empty());
}

TEST_CASE("safetensors: shapes whose strides overflow are refused even with a zero dimension",
          "[models][safetensors]") {
  // [2^40, 0, 2^40, 2^40] holds no element, but its strides overflow int64 (LibTorch wraps them).
  const auto p = write("stride_overflow.safetensors",
                       make_file(R"({"x":{"dtype":"F32","shape":[1099511627776,0,1099511627776,1099511627776],)"
                                 R"("data_offsets":[0,0]}})",
                                 ""));
  CHECK_THAT(one_line_error(p), Contains(p.string()) && Contains("'x'") && Contains("too large"));
  const auto zero = write("zero_dim.safetensors",
                          make_file(R"({"x":{"dtype":"F32","shape":[1048576,0,4],"data_offsets":[0,0]}})", ""));
  const nm::SafetensorsFile f(zero);
  CHECK((f.tensor("x").sizes().vec() == std::vector<std::int64_t>{1048576, 0, 4}));
}

TEST_CASE("safetensors: a directory or a special file is a one-line error, not std::bad_alloc",
          "[models][safetensors]") {
  // Regression (issue 10, item 6): the size came from seeking to the end of what was opened; a
  // directory gave a size near 2^63 and std::bad_alloc.
  CHECK_THAT(one_line_error(temp_dir()), Contains(temp_dir().string()) && Contains("is a directory"));
  CHECK_THAT(one_line_error("/dev/null"), Contains("/dev/null") && Contains("not a regular file"));
}

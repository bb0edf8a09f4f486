// JSON reports: atomic pretty printing, parse errors, the infinity convention, no NaN.
#include <catch2/catch.hpp>

#include "temp_dir.hpp"

#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

#include "neuroncert/core/error.hpp"
#include "neuroncert/core/json_io.hpp"

namespace fs = std::filesystem;
using namespace neuroncert;
using namespace neuroncert::io;

namespace {

using json_temp_dir = neuroncert::test::per_test_dir;

using neuroncert::test::slurp;

using neuroncert::test::error_of;

constexpr double inf = std::numeric_limits<double>::infinity();

}  // namespace

TEST_CASE("json: write_json pretty-prints with indent 2 and a trailing newline", "[json]") {
  json_temp_dir t;
  const nlohmann::json j = {{"seed", 42}, {"name", "iou"}, {"eps", {0.5, 0.25}}};
  write_json(t / "r.json", j);
  CHECK(slurp(t / "r.json") ==
        "{\n"
        "  \"eps\": [\n"
        "    0.5,\n"
        "    0.25\n"
        "  ],\n"
        "  \"name\": \"iou\",\n"
        "  \"seed\": 42\n"
        "}\n");
  // Overwriting leaves no temporary behind.
  write_json(t / "r.json", nlohmann::json::array());
  CHECK(slurp(t / "r.json") == "[]\n");
  CHECK(std::distance(fs::directory_iterator(t.dir), fs::directory_iterator()) == 1);
}

TEST_CASE("json: round trip keeps doubles exact and infinities via json_number", "[json]") {
  json_temp_dir t;
  nlohmann::json j;
  j["third"] = 1.0 / 3.0;
  j["tiny"] = 4.9e-324;
  j["big"] = 1.7976931348623157e308;
  j["n"] = 1234567890123;
  j["upper"] = json_number(inf);
  j["lower"] = json_number(-inf);
  j["finite"] = json_number(0.1);
  j["nested"]["list"] = {1, "two", nullptr, true};
  write_json(t / "a.json", j);
  const nlohmann::json r = read_json(t / "a.json");
  CHECK(r == j);
  CHECK(r["third"].get<double>() == 1.0 / 3.0);
  CHECK(r["upper"] == "inf");
  CHECK(json_to_double(r["upper"], "upper") == inf);
  CHECK(json_to_double(r["lower"], "lower") == -inf);
  CHECK(json_to_double(r["finite"], "finite") == 0.1);
  CHECK(json_to_double(r["n"], "n") == 1234567890123.0);
  const std::string msg = error_of<data_error>([&] { (void)json_to_double(r["nested"], "a.json: /nested"); });
  CHECK_THAT(msg, Catch::Matchers::StartsWith("a.json: /nested: expected a number"));
}

TEST_CASE("json: NaN is never written", "[json][error]") {
  json_temp_dir t;
  CHECK_THROWS_AS(json_number(std::nan("")), neuroncert::invalid_argument);
  nlohmann::json j;
  j["ok"] = 1.0;
  j["runs"] = nlohmann::json::array({nlohmann::json::object(), nlohmann::json{{"a/b", std::nan("")}}});
  const std::string msg = error_of<neuroncert::invalid_argument>([&] { write_json(t / "x.json", j); });
  CHECK(msg.rfind((t / "x.json").string() + ": refusing to write NaN at '/runs/1/a~1b'", 0) == 0);
  j["runs"] = inf;  // a raw infinity would silently become null
  CHECK_THROWS_AS(write_json(t / "x.json", j), neuroncert::invalid_argument);
  CHECK(!fs::exists(t / "x.json"));
}

TEST_CASE("json: parse errors name the file and position on one line", "[json][error]") {
  json_temp_dir t;
  {
    std::ofstream out(t / "bad.json");
    out << "{\n  \"a\": 1,\n  \"b\": tru\n}\n";
  }
  const std::string msg = error_of<data_error>([&] { (void)read_json(t / "bad.json"); });
  INFO(msg);
  CHECK(msg.rfind((t / "bad.json").string() + ": invalid JSON: parse error at line ", 0) == 0);
  CHECK(msg.find('\n') == std::string::npos);
  CHECK(msg.find("[json.exception") == std::string::npos);

  { std::ofstream out(t / "empty.json"); }
  CHECK_THROWS_AS(read_json(t / "empty.json"), data_error);

  const std::string missing = error_of<data_error>([&] { (void)read_json(t / "nope.json"); });
  CHECK(missing == (t / "nope.json").string() + ": cannot open: No such file or directory");

  const fs::path bad_dir = t / "no_dir" / "x.json";
  const std::string w = error_of<data_error>([&] { write_json(bad_dir, nlohmann::json::object()); });
  CHECK(w.rfind(bad_dir.string() + ": cannot write: No such file or directory", 0) == 0);
}

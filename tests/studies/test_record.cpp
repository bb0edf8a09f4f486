// The record writer: one field description, one CSV cell and one JSON member per field.
#include "models/catch_torch.hpp"  // first: LibTorch's CHECK macro (this suite links the model studies)

#include <optional>
#include <string>

#include "neuroncert/core/csv.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/json_io.hpp"
#include "neuroncert/studies/record.hpp"
#include "temp_dir.hpp"

using namespace neuroncert;
using studies::field_value;

namespace {
struct thing {
  int id;
  double x;
  std::optional<double> maybe;
  std::string name;
  std::vector<std::int64_t> set;
};

const studies::record_layout<thing>& layout() {
  using r = const thing&;
  static const studies::record_layout<thing> l = {
      {"id", "id", [](r t) { return field_value(t.id); }},
      {"x", "values/x", [](r t) { return field_value(t.x); }},
      {"maybe", "maybe", [](r t) { return field_value::or_null(t.maybe); }},
      {"maybe_omitted", "values/maybe", [](r t) { return field_value(t.maybe); }},
      {"name", "", [](r t) { return field_value(t.name); }},
      {"", "label", [](r t) { return field_value("json only " + t.name); }},
      {"set", "set", [](r t) { return field_value(nlohmann::json(t.set)); }},
      {"flag", "flag", [](r t) { return t.id > 1 ? field_value(true) : field_value::omitted("none"); }}};
  return l;
}
}  // namespace

TEST_CASE("field_value: CSV cell and JSON value of each kind", "[studies][record]") {
  CHECK(field_value(std::int64_t{-3}).csv().text() == "-3");
  CHECK(*field_value(std::int64_t{-3}).json() == -3);
  CHECK(field_value(std::size_t{7}).csv().text() == "7");
  CHECK(field_value(0.1).csv().text() == "0.1");
  CHECK(field_value(0.1).json()->get<double>() == 0.1);
  CHECK(field_value(INFINITY).csv().text() == "inf");
  CHECK(*field_value(INFINITY).json() == "inf");  // io::json_number
  CHECK_THROWS_AS(field_value(NAN), invalid_argument);
  CHECK(field_value(true).csv().text() == "true");
  CHECK(field_value("a,b").csv().text() == "a,b");  // quoting happens when the row is written
  CHECK(field_value::null().csv().text().empty());
  CHECK(field_value::null().json()->is_null());
  CHECK_FALSE(field_value::omitted("none").json().has_value());
  CHECK(field_value::omitted("none").csv().text() == "none");
  CHECK_FALSE(field_value(std::optional<double>{}).json().has_value());
  CHECK(field_value(std::optional<double>{2.5}).csv().text() == "2.5");
  const field_value array(nlohmann::json({3, 5, 8}));
  CHECK(array.csv().text() == "3;5;8");
  CHECK(*array.json() == nlohmann::json({3, 5, 8}));
  CHECK(field_value(nlohmann::json({"cat", "dog"})).csv().text() == "cat;dog");
  CHECK(field_value(nlohmann::json::array()).csv().text().empty());
}

TEST_CASE("set_json_member: nested paths build objects, omitted values add nothing", "[studies][record]") {
  nlohmann::json j = nlohmann::json::object();
  studies::set_json_member(j, "a/b/c", field_value(1));
  studies::set_json_member(j, "a/d", field_value("x"));
  studies::set_json_member(j, "e", field_value::omitted("ignored"));
  CHECK(j == nlohmann::json::parse(R"({"a": {"b": {"c": 1}, "d": "x"}})"));
}

TEST_CASE("record_writer: one layout, the CSV file and the JSON objects agree", "[studies][record]") {
  test::per_test_dir dir;
  io::output_transaction outputs;
  CHECK(studies::csv_header(layout()) ==
        std::vector<std::string>{"id", "x", "maybe", "maybe_omitted", "name", "set", "flag"});
  studies::record_writer<thing> w(layout(), dir / "t.csv", &outputs);
  const auto j1 = w.write({1, 0.25, std::nullopt, "first, with comma", {}});
  const auto j2 = w.write({2, -1.5, 3.0, "second", {4, 2}});
  w.close();
  outputs.commit();
  CHECK(test::slurp(dir / "t.csv") ==
        "id,x,maybe,maybe_omitted,name,set,flag\n"
        "1,0.25,,,\"first, with comma\",,none\n"
        "2,-1.5,3,3,second,4;2,true\n");
  CHECK(j1 == nlohmann::json::parse(
                  R"({"id": 1, "values": {"x": 0.25}, "maybe": null, "label": "json only first, with comma",
                      "set": []})"));
  CHECK(j2 == nlohmann::json::parse(
                  R"({"id": 2, "values": {"x": -1.5, "maybe": 3.0}, "maybe": 3.0, "label": "json only second",
                      "set": [4, 2], "flag": true})"));
  CHECK(studies::to_json(layout(), thing{2, -1.5, 3.0, "second", {4, 2}}) == j2);
}

TEST_CASE("record_writer: without a CSV path only JSON, and nothing written", "[studies][record]") {
  studies::record_writer<thing> w(layout(), {});
  CHECK(w.write({5, 1.0, std::nullopt, "n", {1}})["id"] == 5);
  w.close();
}

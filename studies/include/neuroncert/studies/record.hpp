#pragma once
// One description per output record, written to CSV and JSON from that description.
//
// A record layout lists the fields of a record once: each field's CSV column, its place in the
// JSON object and the function that reads its value from the thing described. A record_writer
// writes a layout's CSV header, then, for each thing, its CSV row and its JSON object, so a field
// is never spelled twice and the two files cannot drift apart.
//
//   record_layout<hypothesis> layout = {
//       {"neuron", "neuron", [](const hypothesis& h) { return field_value(h.neuron); }},
//       {"cp_lower", "clopper_pearson/lower", [](const hypothesis& h) { return field_value(h.cp.lower); }},
//       {"", "note", [](const hypothesis&) { return field_value("JSON only"); }}};
//   record_writer<hypothesis> out(layout, "hyp.csv", &outputs);
//   nlohmann::json j = out.write(h);   // one CSV row; j = {"neuron": ..., "clopper_pearson": {"lower": ...}, ...}
//   out.close();
//
// Values: integers, doubles (CSV: shortest round trip, inf as "inf"; JSON: io::json_number),
// strings, bools, JSON arrays (CSV: the elements joined by ';'), field_value::null() (JSON null,
// empty CSV cell) and field_value::omitted(text) (no JSON member, CSV cell `text`, "" by default).
// Design: docs/design.md#data-flow (data flow).
#include <concepts>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "neuroncert/core/csv.hpp"
#include "neuroncert/core/output_files.hpp"

namespace neuroncert::studies {

/// The value of one field, as its CSV cell and its JSON value (none: the member is omitted).
class field_value {
 public:
  field_value() = default;  ///< omitted: no JSON member, empty CSV cell
  template <class T>
    requires(std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, char>)
  field_value(T v) : csv_(v), json_(v) {}
  field_value(double v);
  field_value(bool b) : csv_(b), json_(b) {}
  field_value(std::string s) : csv_(s), json_(std::move(s)) {}
  field_value(std::string_view s) : field_value(std::string(s)) {}
  field_value(const char* s) : field_value(std::string(s)) {}
  /// A JSON array (CSV: its elements joined by ';', strings unquoted) or any other JSON value
  /// (CSV: its compact dump).
  explicit field_value(nlohmann::json j);
  /// nullopt -> omitted, else the value.
  template <class T>
  field_value(const std::optional<T>& v) : field_value(v ? field_value(*v) : field_value()) {}

  /// JSON null, empty CSV cell.
  static field_value null();
  /// No JSON member; CSV cell `csv_text`.
  static field_value omitted(std::string csv_text = "");
  /// nullopt -> null(), else the value.
  template <class T>
  static field_value or_null(const std::optional<T>& v) {
    return v ? field_value(*v) : null();
  }

  const io::csv_cell& csv() const { return csv_; }
  const std::optional<nlohmann::json>& json() const { return json_; }

 private:
  io::csv_cell csv_;
  std::optional<nlohmann::json> json_;
};

/// One field: its CSV column (empty: not in the CSV), its JSON member (empty: not in the JSON;
/// "a/b": member b of the object a), and how to read its value.
template <class T>
struct record_field {
  std::string csv;
  std::string json;
  std::function<field_value(const T&)> value;
};

template <class T>
using record_layout = std::vector<record_field<T>>;

/// Sets `value`'s JSON (if any) at `path` ("a/b" = j["a"]["b"]) in `object`.
void set_json_member(nlohmann::json& object, std::string_view path, const field_value& value);

/// The CSV header of a layout: the non-empty CSV column names, in order.
template <class T>
std::vector<std::string> csv_header(const record_layout<T>& layout) {
  std::vector<std::string> header;
  for (const auto& f : layout)
    if (!f.csv.empty()) header.push_back(f.csv);
  return header;
}

/// The JSON object of `x` under `layout` (members by their paths).
template <class T>
nlohmann::json to_json(const record_layout<T>& layout, const T& x) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& f : layout)
    if (!f.json.empty()) set_json_member(j, f.json, f.value(x));
  return j;
}

/// Writes records of one layout: the CSV file (header at construction, one row per write, whole
/// or absent like every output) and, returned by write(), each record's JSON object.
template <class T>
class record_writer {
 public:
  /// `csv_path` empty: JSON objects only, no file.
  record_writer(record_layout<T> layout, const std::filesystem::path& csv_path,
                io::output_transaction* transaction = nullptr)
      : layout_(std::move(layout)) {
    if (!csv_path.empty()) csv_.emplace(csv_path, csv_header(layout_), transaction);
  }

  /// Writes (and flushes) the CSV row of `x` and returns its JSON object.
  nlohmann::json write(const T& x) {
    nlohmann::json j = nlohmann::json::object();
    std::vector<io::csv_cell> row;
    for (const auto& f : layout_) {
      if (f.csv.empty() && f.json.empty()) continue;
      const field_value v = f.value(x);
      if (!f.csv.empty()) row.push_back(v.csv());
      if (!f.json.empty()) set_json_member(j, f.json, v);
    }
    if (csv_) csv_->write_row(row);
    return j;
  }

  /// Completes the CSV file (renamed, or staged in the transaction).
  void close() {
    if (csv_) csv_->close();
  }

  const record_layout<T>& layout() const { return layout_; }

 private:
  record_layout<T> layout_;
  std::optional<io::csv_writer> csv_;
};

}  // namespace neuroncert::studies

#include "neuroncert/studies/record.hpp"

#include "neuroncert/core/json_io.hpp"

namespace neuroncert::studies {

field_value::field_value(double v) : csv_(v), json_(io::json_number(v)) {}

field_value::field_value(nlohmann::json j) {
  if (j.is_array()) {
    std::string text;
    for (std::size_t k = 0; k < j.size(); ++k) {
      if (k) text += ';';
      text += j[k].is_string() ? j[k].get<std::string>() : j[k].dump();
    }
    csv_ = io::csv_cell(std::move(text));
  } else {
    csv_ = io::csv_cell(j.is_string() ? j.get<std::string>() : j.dump());
  }
  json_ = std::move(j);
}

field_value field_value::null() {
  field_value v;
  v.json_ = nlohmann::json(nullptr);
  return v;
}

field_value field_value::omitted(std::string csv_text) {
  field_value v;
  v.csv_ = io::csv_cell(std::move(csv_text));
  return v;
}

void set_json_member(nlohmann::json& object, std::string_view path, const field_value& value) {
  if (!value.json()) return;
  nlohmann::json* at = &object;
  for (std::size_t slash = path.find('/'); slash != std::string_view::npos; slash = path.find('/')) {
    at = &(*at)[std::string(path.substr(0, slash))];
    path.remove_prefix(slash + 1);
  }
  (*at)[std::string(path)] = *value.json();
}

}  // namespace neuroncert::studies

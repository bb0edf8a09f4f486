// The files of a user's probing set and their concepts (image_files.hpp).
#include "neuroncert/models/image_files.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <system_error>

#include <ATen/Functions.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "neuroncert/core/csv.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/models/image_decode.hpp"

namespace neuroncert::models {

namespace fs = std::filesystem;

namespace {

bool is_image(const fs::path& p) {
  ImageFormat f{};
  return image_format_of(p, f);
}

/// The first few of `items`, for a message: "a, b, c, ... (7 in all)".
std::string first_few(const std::vector<std::string>& items) {
  constexpr std::size_t shown = 3;
  std::vector<std::string> head(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(std::min(shown, items.size())));
  std::string s = fmt::format("{}", fmt::join(head, ", "));
  if (items.size() > shown) s += fmt::format(", ... ({} in all)", items.size());
  return s;
}

/// Image files under `dir` (recursively or not), as paths relative to `root`, sorted.
std::vector<std::string> image_files_under(const fs::path& dir, const fs::path& root, bool recursive,
                                           const std::string& option) {
  std::vector<std::string> out;
  try {
    if (recursive) {
      for (const auto& e : fs::recursive_directory_iterator(dir, fs::directory_options::follow_directory_symlink))
        if (e.is_regular_file() && is_image(e.path())) out.push_back(e.path().lexically_relative(root).generic_string());
    } else {
      for (const auto& e : fs::directory_iterator(dir))
        if (e.is_regular_file() && is_image(e.path())) out.push_back(e.path().lexically_relative(root).generic_string());
    }
  } catch (const fs::filesystem_error& e) {
    throw data_error(fmt::format("{} '{}': cannot list folder: {}", option, dir.string(), e.code().message()));
  }
  std::sort(out.begin(), out.end());
  return out;
}

/// The path a file is matched by: canonical where it exists.
std::string match_key(const fs::path& p) {
  std::error_code ec;
  const auto c = fs::weakly_canonical(p, ec);
  return (ec ? fs::absolute(p).lexically_normal() : c).string();
}

bool parse_number(const std::string& s, double& v) {
  const char* b = s.data();
  const char* e = s.data() + s.size();
  while (b < e && *b == ' ') ++b;
  while (e > b && e[-1] == ' ') --e;
  if (b < e && *b == '+') ++b;
  const auto r = std::from_chars(b, e, v);
  return r.ec == std::errc() && r.ptr == e && b < e;
}

}  // namespace

ImageList list_image_folder(const fs::path& dir, const std::string& option) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    throw data_error(fmt::format("{} '{}': not a folder", option, dir.string()));
  std::vector<std::string> classes;
  try {
    for (const auto& e : fs::directory_iterator(dir))
      if (e.is_directory()) classes.push_back(e.path().filename().string());
  } catch (const fs::filesystem_error& e) {
    throw data_error(fmt::format("{} '{}': cannot list folder: {}", option, dir.string(), e.code().message()));
  }
  std::sort(classes.begin(), classes.end());
  ImageList list;
  std::vector<std::string> names;
  if (classes.empty()) {
    names = image_files_under(dir, dir, false, option);
  } else {
    const auto top = image_files_under(dir, dir, false, option);
    if (!top.empty())
      throw data_error(fmt::format("{} '{}': has class subfolders and also images at the top level ({}); put every "
                                   "image in a class folder, or use a flat folder",
                                   option, dir.string(), first_few(top)));
    std::vector<std::pair<std::string, std::int64_t>> tagged;
    for (std::size_t c = 0; c < classes.size(); ++c) {
      const auto files = image_files_under(dir / classes[c], dir, true, option);
      if (files.empty())
        throw data_error(fmt::format("{} '{}': class folder '{}' has no .jpg, .jpeg or .png files", option, dir.string(),
                                     classes[c]));
      for (const auto& f : files) tagged.emplace_back(f, static_cast<std::int64_t>(c));
    }
    std::sort(tagged.begin(), tagged.end());
    for (const auto& [f, c] : tagged) {
      names.push_back(f);
      list.classes.push_back(c);
    }
    list.class_names = classes;
  }
  if (names.empty())
    throw data_error(fmt::format("{} '{}': no .jpg, .jpeg or .png files in the folder", option, dir.string()));
  for (const auto& n : names) list.files.push_back(dir / fs::path(n));
  list.names = std::move(names);
  return list;
}

ImageList read_image_list(const fs::path& list_file, const std::string& option) {
  std::ifstream in(list_file);
  std::error_code ec;
  if (!in || fs::is_directory(list_file, ec))
    throw data_error(fmt::format("{} '{}': cannot read file", option, list_file.string()));
  std::vector<std::string> names;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.find_first_not_of(" \t") != std::string::npos) names.push_back(line);
  }
  return image_list(names, list_file.parent_path(), fmt::format("{} '{}'", option, list_file.string()));
}

ImageList image_list(const std::vector<std::string>& names, const fs::path& base, const std::string& where) {
  ImageList list;
  std::vector<std::string> missing;
  std::error_code ec;
  for (const auto& name : names) {
    const fs::path p(name);
    if (!is_image(p))
      throw data_error(fmt::format("{}: '{}' is not a .jpg, .jpeg or .png file", where, name));
    const fs::path file = p.is_absolute() ? p : base / p;
    if (!fs::is_regular_file(file, ec)) missing.push_back(name);
    list.files.push_back(file);
    list.names.push_back(name);
  }
  if (!missing.empty())
    throw data_error(fmt::format("{}: {} listed file{} not found{}: {}", where, missing.size(),
                                 missing.size() == 1 ? "" : "s",
                                 base.empty() ? "" : fmt::format(" (relative paths are taken from '{}')", base.string()),
                                 first_few(missing)));
  if (list.files.empty()) throw data_error(fmt::format("{}: lists no files", where));
  return list;
}

ConceptMatrix class_concepts(const ImageList& list) {
  ConceptMatrix c;
  const auto n = static_cast<std::int64_t>(list.classes.size());
  const auto k = static_cast<std::int64_t>(list.class_names.size());
  c.matrix = at::zeros({n, k}, at::TensorOptions().dtype(at::kByte));
  auto* m = c.matrix.data_ptr<std::uint8_t>();
  for (std::int64_t i = 0; i < n; ++i) m[i * k + list.classes[static_cast<std::size_t>(i)]] = 1;
  c.names = list.class_names;
  return c;
}

ConceptMatrix concepts_from_labels(const fs::path& csv, const std::vector<fs::path>& files, const std::string& option) {
  const auto where = fmt::format("{} '{}'", option, csv.string());
  const io::csv_table table = io::read_csv(csv);
  if (table.header.size() < 2)
    throw data_error(fmt::format("{}: needs a path column and at least one concept column", where));
  // Rows matched to files by canonical path.
  std::map<std::string, std::size_t> file_index;
  for (std::size_t i = 0; i < files.size(); ++i) file_index.emplace(match_key(files[i]), i);
  std::vector<std::int64_t> row_of(files.size(), -1);
  std::vector<std::string> stray, duplicate;
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    const fs::path p(table.rows[r][0]);
    const auto it = file_index.find(match_key(p.is_absolute() ? p : csv.parent_path() / p));
    if (it == file_index.end()) {
      stray.push_back(table.rows[r][0]);
    } else if (row_of[it->second] >= 0) {
      duplicate.push_back(table.rows[r][0]);
    } else {
      row_of[it->second] = static_cast<std::int64_t>(r);
    }
  }
  if (!duplicate.empty())
    throw data_error(fmt::format("{}: {} file{} with more than one row: {}", where, duplicate.size(),
                                 duplicate.size() == 1 ? "" : "s", first_few(duplicate)));
  if (!stray.empty())
    throw data_error(fmt::format("{}: {} row{} name{} no image of this run (paths are relative to the CSV's folder): {}",
                                 where, stray.size(), stray.size() == 1 ? "" : "s", stray.size() == 1 ? "s" : "",
                                 first_few(stray)));
  std::vector<std::string> unlabelled;
  for (std::size_t i = 0; i < files.size(); ++i)
    if (row_of[i] < 0) unlabelled.push_back(files[i].string());
  if (!unlabelled.empty())
    throw data_error(fmt::format("{}: no row for {} image{}: {}", where, unlabelled.size(),
                                 unlabelled.size() == 1 ? "" : "s", first_few(unlabelled)));
  // Each concept column: numeric or class names.
  const std::size_t n = files.size();
  std::vector<std::vector<float>> columns;  // one per concept, n values
  ConceptMatrix c;
  bool binary = true;
  bool first_class_column = true;
  for (std::size_t j = 1; j < table.header.size(); ++j) {
    const auto& head = table.header[j];
    std::vector<double> values(n);
    std::int64_t number_row = -1, name_row = -1;
    for (std::size_t i = 0; i < n; ++i) {
      const auto r = static_cast<std::size_t>(row_of[i]);
      const auto& cell = table.rows[r][j];
      if (cell.empty())
        throw data_error(fmt::format("{}: column '{}' is empty in the row of '{}'", where, head, table.rows[r][0]));
      if (parse_number(cell, values[i])) {
        if (number_row < 0) number_row = static_cast<std::int64_t>(r);
      } else if (name_row < 0) {
        name_row = static_cast<std::int64_t>(r);
      }
    }
    if (number_row >= 0 && name_row >= 0)
      throw data_error(fmt::format(
          "{}: column '{}' mixes numbers ('{}' in the row of '{}') and names ('{}' in the row of '{}'); a column is "
          "either 0/1 or probabilities, or class names",
          where, head, table.rows[static_cast<std::size_t>(number_row)][j],
          table.rows[static_cast<std::size_t>(number_row)][0], table.rows[static_cast<std::size_t>(name_row)][j],
          table.rows[static_cast<std::size_t>(name_row)][0]));
    if (number_row >= 0) {
      std::vector<float> col(n);
      for (std::size_t i = 0; i < n; ++i) {
        const double v = values[i];
        if (!std::isfinite(v) || v < 0 || v > 1)
          throw data_error(fmt::format("{}: column '{}' has {} in the row of '{}'; numeric concept columns are 0/1 or "
                                       "probabilities in [0, 1] (write class indices as names)",
                                       where, head, table.rows[static_cast<std::size_t>(row_of[i])][j],
                                       table.rows[static_cast<std::size_t>(row_of[i])][0]));
        if (v != 0 && v != 1) binary = false;
        col[i] = static_cast<float>(v);
      }
      columns.push_back(std::move(col));
      c.names.push_back(head);
      continue;
    }
    std::set<std::string> distinct;
    for (std::size_t i = 0; i < n; ++i) distinct.insert(table.rows[static_cast<std::size_t>(row_of[i])][j]);
    for (const auto& value : distinct) {
      std::vector<float> col(n);
      for (std::size_t i = 0; i < n; ++i) col[i] = table.rows[static_cast<std::size_t>(row_of[i])][j] == value ? 1.f : 0.f;
      columns.push_back(std::move(col));
      c.names.push_back(first_class_column ? value : head + ":" + value);
    }
    first_class_column = false;
  }
  std::set<std::string> seen;
  for (const auto& name : c.names)
    if (!seen.insert(name).second)
      throw data_error(fmt::format("{}: two concepts are named '{}' (rename a column or a class)", where, name));
  const auto k = static_cast<std::int64_t>(columns.size());
  c.matrix = at::empty({static_cast<std::int64_t>(n), k}, at::TensorOptions().dtype(binary ? at::kByte : at::kFloat));
  for (std::size_t i = 0; i < n; ++i)
    for (std::int64_t j = 0; j < k; ++j) {
      const float v = columns[static_cast<std::size_t>(j)][i];
      if (binary)
        c.matrix.data_ptr<std::uint8_t>()[static_cast<std::int64_t>(i) * k + j] = static_cast<std::uint8_t>(v);
      else
        c.matrix.data_ptr<float>()[static_cast<std::int64_t>(i) * k + j] = v;
    }
  return c;
}

}  // namespace neuroncert::models

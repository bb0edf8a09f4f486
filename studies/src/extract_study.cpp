// `neuroncert extract` as a study (extract_study.hpp).
#include "neuroncert/studies/extract_study.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "neuroncert/core/error.hpp"
#include "neuroncert/core/json_io.hpp"
#include "neuroncert/core/npy.hpp"
#include "neuroncert/models/cifar.hpp"
#include "neuroncert/models/extract.hpp"
#include "neuroncert/models/model.hpp"
#include "neuroncert/studies/provenance.hpp"

namespace neuroncert::studies {

namespace fs = std::filesystem;

namespace {

bool is_builtin(const std::string& model) { return model == "resnet20" || model == "vit"; }

models::Normalization parse_norm(const std::string& name) {
  if (name == "imagenet") return models::imagenet_normalization;
  if (name == "cifar") return models::cifar_normalization;
  if (name == "none") return models::unit_normalization;
  throw invalid_argument(fmt::format("unknown --norm '{}' (known: imagenet, cifar, none)", name));
}

/// The pooling and the model, the data set checked first.
std::unique_ptr<models::Model> checked_model(const extract_request& r, models::Pool& pool) {
  if (r.subset != "full" && r.subset != "exact")
    throw invalid_argument(fmt::format("unknown --subset '{}' (known: full, exact)", r.subset));
  pool = models::parse_pool(r.pool);
  if (r.data != "cifar10" && r.data != "cifar100")
    throw invalid_argument(fmt::format("unknown data set '{}' (known: cifar10, cifar100)", r.data));
  return models::load_model(r.model, r.data_dir, parse_norm(r.norm));
}

/// The activations, concepts and their names, labels and the JSON record, staged in `outputs`.
void stage_files(const extract_request& r, const extract_result& res, const at::Tensor& acts,
                 const models::CifarSet& set, const models::ConceptMatrix& concepts, io::output_transaction& outputs) {
  const auto n = res.images, f = res.features, c = res.concepts;
  const auto& files = res.files;
  io::write_npy(files.activations, acts.data_ptr<float>(), {n, f}, &outputs);
  io::write_npy(files.concepts_npy, concepts.matrix.data_ptr<std::uint8_t>(), {n, c}, &outputs);
  std::string names;
  for (const auto& name : concepts.names) names += name + '\n';
  io::write_text_file(files.concepts_txt, names, &outputs);
  std::vector<std::int64_t> labels;
  for (std::size_t i = 0; i < n; ++i) {
    labels.push_back(set.labels[i]);
    if (!set.coarse.empty()) labels.push_back(set.coarse[i]);
  }
  if (set.coarse.empty())
    io::write_npy(files.labels_npy, labels.data(), {n}, &outputs);
  else
    io::write_npy(files.labels_npy, labels.data(), {n, 2}, &outputs);
  nlohmann::json meta = run_metadata(
      {{"command", "extract"}, {"model", r.model}, {"data", r.data}, {"subset", r.subset}, {"data_dir", r.data_dir.string()},
       {"layer", r.layer}, {"pool", res.pool}, {"n", n}, {"features", f}, {"batch_size", r.batch_size},
       {"activations", files.activations.string()}, {"concepts", files.concepts_npy},
       {"concept_names_file", files.concepts_txt}, {"labels", files.labels_npy}, {"concept_names", concepts.names}});
  if (!is_builtin(r.model)) meta["normalization"] = r.norm;
  io::write_json(files.meta_json, meta, &outputs);
}

}  // namespace

extract_files extract_files_for(const fs::path& out) {
  if (out.extension() != ".npy") throw invalid_argument(fmt::format("--out '{}' must end in .npy", out.string()));
  const std::string stem = (out.parent_path() / out.stem()).string();
  return {out, stem + "_concepts.npy", stem + "_concepts.txt", stem + "_labels.npy", stem + ".json"};
}

std::vector<std::string> extract_model_layers(const extract_request& r) {
  models::Pool pool{};
  return checked_model(r, pool)->layers();
}

namespace {

/// The model with its layer checked (the layer is required).
std::unique_ptr<models::Model> model_with_layer(const extract_request& r, models::Pool& pool) {
  auto model = checked_model(r, pool);
  if (r.layer.empty())
    throw invalid_argument(
        fmt::format("--layer is required (known for {}: {})", model->name(), fmt::join(model->layers(), ", ")));
  model->check_layer(r.layer);
  return model;
}

}  // namespace

extracted_layer extract_in_memory(const extract_request& r) {
  models::Pool pool{};
  auto model = model_with_layer(r, pool);
  extracted_layer out;
  out.images = models::load_cifar(r.data_dir, r.data,
                                  r.subset == "exact" ? models::CifarSubset::exact : models::CifarSubset::full, r.limit);
  models::set_intra_op_threads(r.threads);
  out.activations = models::extract_activations(*model, out.images.images, r.layer, pool, r.batch_size, r.progress_bar);
  out.concepts = models::concept_matrix(out.images);
  out.model_name = model->name();
  out.pool = models::pool_name(pool);
  return out;
}

at::Tensor extract_from_images(const extract_request& r, const at::Tensor& images) {
  models::Pool pool{};
  auto model = model_with_layer(r, pool);
  models::set_intra_op_threads(r.threads);
  return models::extract_activations(*model, images, r.layer, pool, r.batch_size, r.progress_bar);
}

extract_result extract_layer(const extract_request& r, io::output_transaction& outputs) {
  extract_result res;
  res.files = extract_files_for(r.out);
  const extracted_layer x = extract_in_memory(r);
  res.model_name = x.model_name;
  res.pool = x.pool;
  res.images = static_cast<std::size_t>(x.activations.size(0));
  res.features = static_cast<std::size_t>(x.activations.size(1));
  res.concepts = static_cast<std::size_t>(x.concepts.matrix.size(1));
  stage_files(r, res, x.activations, x.images, x.concepts, outputs);
  return res;
}

}  // namespace neuroncert::studies

// `neuroncert extract` as a study (extract_study.hpp).
#include "neuroncert/studies/extract_study.hpp"

#include <algorithm>

#include <ATen/Functions.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "neuroncert/core/error.hpp"
#include "neuroncert/core/json_io.hpp"
#include "neuroncert/core/npy.hpp"
#include "neuroncert/core/range_checks.hpp"
#include "neuroncert/models/cifar.hpp"
#include "neuroncert/models/extract.hpp"
#include "neuroncert/models/image_decode.hpp"
#include "neuroncert/models/image_files.hpp"
#include "neuroncert/models/image_transform.hpp"
#include "neuroncert/models/model.hpp"
#include "neuroncert/studies/provenance.hpp"

namespace neuroncert::studies {

namespace fs = std::filesystem;

std::int64_t default_batch_size(std::int64_t side) {
  const std::int64_t pixels = std::max<std::int64_t>(1, side) * std::max<std::int64_t>(1, side);
  return std::clamp<std::int64_t>(256 * 32 * 32 / pixels, 8, 256);
}

namespace {

bool is_builtin(const std::string& model) { return model == "resnet20" || model == "vit"; }

models::Normalization parse_norm(const std::string& name) {
  if (name == "imagenet") return models::imagenet_normalization;
  if (name == "cifar") return models::cifar_normalization;
  if (name == "none") return models::unit_normalization;
  throw invalid_argument(fmt::format("unknown --norm '{}' (known: imagenet, cifar, none)", name));
}

/// The options of an image run checked (or, for a CIFAR run, that none was given), with the
/// defaults filled in: 256/224 for TorchScript models, 32/32 for the built-in CIFAR models.
void check_image_options(extract_request& r) {
  if (!is_image_run(r)) {
    const char* why = "without --images or --files (CIFAR images are used as they are)";
    reject_unused_option("--resize", r.resize != 0, why);
    reject_unused_option("--crop", r.crop != 0, why);
    reject_unused_option("--labels", !r.labels.empty(), why);
    reject_unused_option("--skip-bad", r.skip_bad, why);
    if (r.batch_size == 0) r.batch_size = default_batch_size(32);
    return;
  }
  if ((!r.images.empty()) + (!r.files.empty()) + (!r.file_names.empty()) > 1)
    throw invalid_argument("--images and --files are alternatives: give one");
  reject_unused_option("--subset", r.subset != "full", "with --images or --files (it selects a CIFAR-10 file)");
  const std::int64_t fallback = is_builtin(r.model) ? 32 : 0;
  if (r.resize == 0) r.resize = fallback ? fallback : 256;
  if (r.crop == 0) r.crop = fallback ? fallback : 224;
  check_count("--resize", r.resize, 1, max_image_side, "pixels of the shorter side");
  check_count("--crop", r.crop, 1, max_image_side, "pixels of the centre crop's side");
  if (r.batch_size == 0) r.batch_size = default_batch_size(r.crop);
}

/// The pooling and the model, the data set checked first. A TorchScript model is probed with inputs
/// of side `input_size` (0: the crop of an image run, else CIFAR's 32).
std::unique_ptr<models::Model> checked_model(extract_request& r, models::Pool& pool, std::int64_t input_size = 0) {
  if (r.subset != "full" && r.subset != "exact")
    throw invalid_argument(fmt::format("unknown --subset '{}' (known: full, exact)", r.subset));
  pool = models::parse_pool(r.pool);
  check_image_options(r);
  if (!is_image_run(r) && r.data != "cifar10" && r.data != "cifar100")
    throw invalid_argument(fmt::format("unknown data set '{}' (known: cifar10, cifar100)", r.data));
  if (input_size == 0) input_size = is_image_run(r) ? r.crop : 32;
  return models::load_model(r.model, r.data_dir, parse_norm(r.norm), input_size);
}

/// The activations, concepts and their names, labels, the file list and the JSON record, staged in
/// `outputs` (the JSON last); an earlier run's labels or file list that this run does not make are
/// removed at commit.
void stage_files(const extract_request& r, const extract_result& res, const extracted_layer& x,
                 io::output_transaction& outputs) {
  const auto n = res.images, f = res.features, c = res.concepts;
  const auto& files = res.files;
  const auto& concepts = x.concepts;
  io::write_npy(files.activations, x.activations.data_ptr<float>(), {n, f}, &outputs);
  if (concepts.matrix.scalar_type() == at::kFloat)
    io::write_npy(files.concepts_npy, concepts.matrix.data_ptr<float>(), {n, c}, &outputs);
  else
    io::write_npy(files.concepts_npy, concepts.matrix.data_ptr<std::uint8_t>(), {n, c}, &outputs);
  std::string names;
  for (const auto& name : concepts.names) names += name + '\n';
  io::write_text_file(files.concepts_txt, names, &outputs);
  const bool images = is_image_run(r);
  std::vector<std::int64_t> labels;
  if (images) {
    labels = x.classes;
  } else {
    for (std::size_t i = 0; i < n; ++i) {
      labels.push_back(x.images.labels[i]);
      if (!x.images.coarse.empty()) labels.push_back(x.images.coarse[i]);
    }
  }
  if (!res.has_labels)
    outputs.remove_on_commit(files.labels_npy);
  else if (images || x.images.coarse.empty())
    io::write_npy(files.labels_npy, labels.data(), {n}, &outputs);
  else
    io::write_npy(files.labels_npy, labels.data(), {n, 2}, &outputs);
  if (images) {
    std::string list;
    for (const auto& file : x.files) list += file + '\n';
    io::write_text_file(files.files_txt, list, &outputs);
  } else {
    outputs.remove_on_commit(files.files_txt);
  }
  nlohmann::json meta = run_metadata(
      {{"command", "extract"}, {"model", r.model}, {"data_dir", r.data_dir.string()},
       {"layer", r.layer}, {"pool", res.pool}, {"n", n}, {"features", f}, {"batch_size", r.batch_size},
       {"activations", files.activations.string()}, {"concepts", files.concepts_npy},
       {"concept_names_file", files.concepts_txt}, {"concept_names", concepts.names}});
  if (res.has_labels) meta["labels"] = files.labels_npy;
  if (!images) {
    meta["data"] = r.data;
    meta["subset"] = r.subset;
    if (!is_builtin(r.model)) meta["normalization"] = r.norm;
  } else {
    if (!r.images.empty()) meta["images"] = r.images.string();
    if (!r.files.empty()) meta["file_list"] = r.files.string();
    if (!r.file_names.empty()) meta["file_list"] = "(given in memory)";
    meta["concept_source"] = !r.labels.empty() ? "labels" : x.class_names.empty() ? "none" : "folder classes";
    if (!r.labels.empty()) meta["labels_csv"] = r.labels.string();
    if (!x.class_names.empty()) meta["classes"] = x.class_names;
    meta["resize"] = x.resize;
    meta["crop"] = x.crop;
    meta["normalization"] = x.normalization;
    meta["preprocessing"] = "torchvision 0.14 on tensors: x/255, Resize(resize, bilinear, antialias), CenterCrop(crop), "
                            "Normalize; EXIF orientation not applied";
    meta["limit"] = r.limit;
    meta["files_txt"] = files.files_txt;
    meta["files"] = x.files;
    meta["skip_bad"] = r.skip_bad;
    meta["skipped_count"] = x.skipped.size();
    nlohmann::json skipped = nlohmann::json::array();
    for (const auto& [file, why] : x.skipped) skipped.push_back({{"file", file}, {"error", why}});
    meta["skipped"] = skipped;
  }
  io::write_json(files.meta_json, meta, &outputs);
}

std::string norm_label(const extract_request& r, const models::Model& model) {
  if (!is_builtin(r.model)) return r.norm;
  const auto n = model.normalization();
  if (n.mean == models::imagenet_normalization.mean && n.std == models::imagenet_normalization.std)
    return r.model + "'s own (imagenet)";
  if (n.mean == models::cifar_normalization.mean && n.std == models::cifar_normalization.std)
    return r.model + "'s own (cifar)";
  return r.model + "'s own";
}

}  // namespace

extract_files extract_files_for(const fs::path& out) {
  if (out.extension() != ".npy") throw invalid_argument(fmt::format("--out '{}' must end in .npy", out.string()));
  const std::string stem = (out.parent_path() / out.stem()).string();
  return {out, stem + "_concepts.npy", stem + "_concepts.txt", stem + "_labels.npy", stem + ".json", stem + "_files.txt"};
}

bool is_image_run(const extract_request& r) {
  return !r.images.empty() || !r.files.empty() || !r.file_names.empty();
}

std::vector<std::string> extract_model_layers(const extract_request& request) {
  models::Pool pool{};
  extract_request r = request;
  return checked_model(r, pool)->layers();
}

namespace {

/// The model with its layer checked (the layer is required).
std::unique_ptr<models::Model> model_with_layer(extract_request& r, models::Pool& pool, std::int64_t input_size = 0) {
  auto model = checked_model(r, pool, input_size);
  if (r.layer.empty())
    throw invalid_argument(
        fmt::format("--layer is required (known for {}: {})", model->name(), fmt::join(model->layers(), ", ")));
  model->check_layer(r.layer);
  return model;
}

/// An image run: the files listed and their concepts, then decoded, preprocessed and pushed
/// through the model batch by batch (extract_streamed); skipped files' rows dropped.
extracted_layer extract_images(extract_request& r, models::Model& model, models::Pool pool) {
  models::ImageList list = !r.images.empty()  ? models::list_image_folder(r.images)
                           : !r.files.empty() ? models::read_image_list(r.files)
                                              : models::image_list(r.file_names, {}, "files");
  models::ConceptMatrix concepts = !r.labels.empty()   ? models::concepts_from_labels(r.labels, list.files)
                                   : list.classes.empty() ? models::ConceptMatrix{at::zeros({static_cast<std::int64_t>(
                                                                                      list.files.size()), 0},
                                                                                  at::TensorOptions().dtype(at::kByte)),
                                                                                  {}}
                                                        : models::class_concepts(list);
  auto n = static_cast<std::int64_t>(list.files.size());
  if (r.limit > 0 && r.limit < n) n = r.limit;  // the labels were matched against every file first
  const models::ImageTransform transform{r.resize, r.crop, model.normalization()};
  const std::int64_t batch = r.batch_size;
  std::vector<std::vector<std::pair<std::string, std::string>>> skipped(static_cast<std::size_t>((n + batch - 1) / batch));
  const models::BatchSource decode = [&](std::int64_t start, std::int64_t stop) {
    models::InputBatch in;
    std::vector<at::Tensor> inputs;
    for (std::int64_t i = start; i < stop; ++i) {
      const auto k = static_cast<std::size_t>(i);
      try {
        inputs.push_back(models::transform_image(models::read_image(list.files[k]), transform));
      } catch (const data_error& e) {
        if (!r.skip_bad) throw;
        skipped[static_cast<std::size_t>(start / batch)].emplace_back(list.names[k], e.what());
        continue;
      }
      in.rows.push_back(i);
    }
    if (!inputs.empty()) in.inputs = at::stack(inputs);
    return in;
  };
  models::set_intra_op_threads(r.threads);
  auto streamed = models::extract_streamed(model, n, decode, r.layer, pool, r.batch_size, r.progress_bar);
  extracted_layer out;
  for (auto& s : skipped) out.skipped.insert(out.skipped.end(), s.begin(), s.end());
  if (streamed.rows.empty())
    throw data_error(fmt::format("none of the {} images could be read (first: {})", n,
                                 out.skipped.empty() ? "" : out.skipped.front().second));
  const auto rows = at::tensor(streamed.rows, at::TensorOptions().dtype(at::kLong));
  out.activations = streamed.activations;
  out.concepts.matrix = concepts.matrix.index_select(0, rows).contiguous();
  out.concepts.names = concepts.names;
  for (const auto i : streamed.rows) {
    out.files.push_back(list.names[static_cast<std::size_t>(i)]);
    if (!list.classes.empty()) out.classes.push_back(list.classes[static_cast<std::size_t>(i)]);
  }
  out.class_names = list.class_names;
  out.resize = r.resize;
  out.crop = r.crop;
  out.normalization = norm_label(r, model);
  return out;
}

}  // namespace

extracted_layer extract_in_memory(const extract_request& request) {
  extract_request r = request;
  models::Pool pool{};
  auto model = model_with_layer(r, pool);
  extracted_layer out;
  if (is_image_run(r)) {
    out = extract_images(r, *model, pool);
  } else {
    out.images = models::load_cifar(r.data_dir, r.data,
                                    r.subset == "exact" ? models::CifarSubset::exact : models::CifarSubset::full, r.limit);
    models::set_intra_op_threads(r.threads);
    out.activations = models::extract_activations(*model, out.images.images, r.layer, pool, r.batch_size, r.progress_bar);
    out.concepts = models::concept_matrix(out.images);
  }
  out.model_name = model->name();
  out.pool = models::pool_name(pool);
  return out;
}

at::Tensor extract_from_images(const extract_request& request, const at::Tensor& images) {
  extract_request r = request;
  models::Pool pool{};
  auto model = model_with_layer(r, pool, images.dim() == 4 ? images.size(2) : 0);  // probed at the images' size
  if (r.batch_size == 0) r.batch_size = default_batch_size(images.dim() == 4 ? images.size(2) : 32);
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
  res.skipped = x.skipped.size();
  res.has_labels = !is_image_run(r) || !x.classes.empty();
  stage_files(r, res, x, outputs);
  return res;
}

}  // namespace neuroncert::studies

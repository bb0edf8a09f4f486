// neuroncert extract: activations of a named layer of a model on a CIFAR test set, plus the
// concept matrices (one-hot class labels) that go with them.
//   neuroncert extract --model resnet20|vit|PATH.pt --data cifar10|cifar100 [--subset exact]
//                      --layer NAME [--pool auto|avg|max|cls|mean] --out acts.npy
// Writes <out> (float32 n x F), <stem>_concepts.npy (uint8 n x |C|), <stem>_concepts.txt (|C|
// names), <stem>_labels.npy (int64: n for CIFAR-10; n x 2 = fine, coarse for CIFAR-100) and
// <stem>.json (run metadata), where <stem> is <out> without ".npy".
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "commands.hpp"
#include "model_commands.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/json_io.hpp"
#include "neuroncert/core/npy.hpp"
#include "neuroncert/models/cifar.hpp"
#include "neuroncert/models/extract.hpp"
#include "neuroncert/models/model.hpp"
#include "option_checks.hpp"
#include "run_context.hpp"

namespace neuroncert::cli {
namespace {

struct extract_args {
  std::string model, data = "cifar10", subset = "full", layer, pool = "auto", out = "acts.npy", norm = "imagenet";
  std::string data_dir = NEURONCERT_DATA_DIR;
  long long limit = 0, batch_size = 256;
  int threads = 0;
  bool progress = false, no_progress = false, list_layers = false;
  const CLI::App* cmd = nullptr;  ///< to tell which options were given
};

models::Normalization parse_norm(const std::string& name) {
  if (name == "imagenet") return models::imagenet_normalization;
  if (name == "cifar") return models::cifar_normalization;
  if (name == "none") return models::unit_normalization;
  throw invalid_argument(fmt::format("unknown --norm '{}' (known: imagenet, cifar, none)", name));
}

/// Every option checked before the model is loaded.
void check_extract_args(const extract_args& a) {
  check_threads("--threads", a.threads);
  check_count("--batch-size", a.batch_size, 1, max_batch_size, "images per forward pass");
  if (a.limit < 0) throw invalid_argument(fmt::format("--limit must be non-negative, got {}", a.limit));
  if (!a.list_layers) check_output_prefix("--out", a.out);
  const bool torchscript = a.model != "resnet20" && a.model != "vit";
  if (!torchscript) reject_if_given(*a.cmd, "--norm", "by the built-in models (they normalise as they were trained)");
  if (a.subset != "full" && a.subset != "exact")
    throw invalid_argument(fmt::format("unknown --subset '{}' (known: full, exact)", a.subset));
}

/// The five files of a run: activations, concepts and their names, labels, and the JSON record.
struct extract_files {
  std::filesystem::path out;
  std::string concepts_npy, concepts_txt, labels_npy, meta_json;
};

/// Writes them (together, the JSON last) from the extracted activations and the data set.
void write_extract_files(const extract_args& a, const extract_files& files, const std::string& model_name,
                         const at::Tensor& acts, const models::CifarSet& set, models::Pool pool) {
  const auto n = static_cast<std::size_t>(acts.size(0)), f = static_cast<std::size_t>(acts.size(1));
  const auto concepts = models::concept_matrix(set);
  const auto c = static_cast<std::size_t>(concepts.matrix.size(1));
  io::output_transaction outputs;
  io::write_npy(files.out, acts.data_ptr<float>(), {n, f}, &outputs);
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
      {{"command", "extract"}, {"model", a.model}, {"data", a.data}, {"subset", a.subset}, {"data_dir", a.data_dir},
       {"layer", a.layer}, {"pool", models::pool_name(pool)}, {"n", n}, {"features", f}, {"batch_size", a.batch_size},
       {"activations", files.out.string()}, {"concepts", files.concepts_npy}, {"concept_names_file", files.concepts_txt},
       {"labels", files.labels_npy}, {"concept_names", concepts.names}});
  if (a.model != "resnet20" && a.model != "vit") meta["normalization"] = a.norm;
  io::write_json(files.meta_json, meta, &outputs);
  commit_outputs(outputs);
  fmt::print("extract: {} layer {} (pool {}) on {} ({}): {} images x {} features -> {}\n", model_name, a.layer,
             models::pool_name(pool), a.data, a.subset, n, f, files.out.string());
  fmt::print("concepts: {} x {} -> {} (names {}), labels {}, metadata {}\n", n, c, files.concepts_npy,
             files.concepts_txt, files.labels_npy, files.meta_json);
}

void run_extract(const extract_args& a) {
  check_extract_args(a);
  const auto pool = models::parse_pool(a.pool);
  const std::filesystem::path data_dir(a.data_dir);
  if (a.data != "cifar10" && a.data != "cifar100")
    throw invalid_argument(fmt::format("unknown data set '{}' (known: cifar10, cifar100)", a.data));

  auto model = models::load_model(a.model, data_dir, parse_norm(a.norm));
  if (a.list_layers) {
    fmt::print("{}\n", fmt::join(model->layers(), "\n"));
    return;
  }
  if (a.layer.empty()) throw invalid_argument(fmt::format("--layer is required (known for {}: {})", model->name(),
                                                          fmt::join(model->layers(), ", ")));
  model->check_layer(a.layer);

  const std::filesystem::path out(a.out);
  if (out.extension() != ".npy") throw invalid_argument(fmt::format("--out '{}' must end in .npy", a.out));
  const std::string stem = (out.parent_path() / out.stem()).string();
  const extract_files files{out, stem + "_concepts.npy", stem + "_concepts.txt", stem + "_labels.npy", stem + ".json"};

  const auto set = models::load_cifar(data_dir, a.data, a.subset == "exact" ? models::CifarSubset::exact
                                                                           : models::CifarSubset::full,
                                      a.limit);
  models::set_intra_op_threads(a.threads);
  const auto acts = models::extract_activations(*model, set.images, a.layer, pool, a.batch_size,
                                                want_progress(a.progress, a.no_progress));
  write_extract_files(a, files, model->name(), acts, set, pool);
}

}  // namespace

void register_extract(CLI::App& app) {
  auto args = std::make_shared<extract_args>();
  auto* cmd = app.add_subcommand("extract", std::string(model_command_description("extract")));
  cmd->add_option("--model", args->model, "resnet20, vit, or a TorchScript file PATH.pt")->required();
  cmd->add_option("--data", args->data, "cifar10 or cifar100")->capture_default_str();
  cmd->add_option("--subset", args->subset,
                  "full, or exact (cifar10 only: the first 1,017 bit-exact test images)")->capture_default_str();
  cmd->add_option("--limit", args->limit, "keep only the first N images (0 = all)")->capture_default_str();
  cmd->add_option("--layer", args->layer,
                  "resnet20: stem, layer1, layer2, layer3, penultimate, logits; vit: encoder0..encoder5, cls, logits; "
                  "TorchScript: the keys of a Dict output, or 'output' for a Tensor output (see --list-layers)");
  cmd->add_option("--pool", args->pool,
                  "feature maps: avg|max (auto = avg); ViT tokens: cls|mean|max over patch tokens (auto = cls); "
                  "2-D outputs are used as is")->capture_default_str();
  cmd->add_option("--out", args->out, "activations file (.npy); siblings <stem>_concepts.npy/.txt, "
                  "<stem>_labels.npy, <stem>.json")->capture_default_str();
  cmd->add_option("--batch-size", args->batch_size, "images per forward pass")->capture_default_str();
  cmd->add_option("--threads", args->threads, "LibTorch intra-op threads (0 = all cores)")->capture_default_str();
  cmd->add_option("--norm", args->norm, "TorchScript models only: input normalisation imagenet|cifar|none")
      ->capture_default_str();
  cmd->add_option("--data-dir", args->data_dir, "folder with the CIFAR files and weights")->capture_default_str();
  cmd->add_flag("--progress", args->progress, "progress bar on stderr (default: when stderr is a terminal)");
  cmd->add_flag("--no-progress", args->no_progress, "no progress bar");
  cmd->add_flag("--list-layers", args->list_layers, "print the model's layer names and exit");
  args->cmd = cmd;
  cmd->callback([args] { run_extract(*args); });
}

}  // namespace neuroncert::cli

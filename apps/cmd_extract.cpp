// neuroncert extract: activations of a named layer of a model on a CIFAR test set, plus the
// concept matrices (one-hot class labels) that go with them (studies/extract_study.hpp).
//   neuroncert extract --model resnet20|vit|PATH.pt --data cifar10|cifar100 [--subset exact]
//                      --layer NAME [--pool auto|avg|max|cls|mean] --out acts.npy
// Writes <out> (float32 n x F), <stem>_concepts.npy (uint8 n x |C|), <stem>_concepts.txt (|C|
// names), <stem>_labels.npy (int64: n for CIFAR-10; n x 2 = fine, coarse for CIFAR-100) and
// <stem>.json (run metadata), where <stem> is <out> without ".npy".
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "commands.hpp"
#include "model_commands.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/studies/extract_study.hpp"
#include "option_checks.hpp"
#include "option_table.hpp"
#include "run_context.hpp"

namespace neuroncert::cli {
namespace {

struct extract_args {
  studies::extract_request request;
  std::string data_dir = NEURONCERT_DATA_DIR, out = "acts.npy";
  bool progress = false, no_progress = false, list_layers = false;
  const CLI::App* cmd = nullptr;  ///< to tell which options were given
};

void run_extract(extract_args a) {
  auto& r = a.request;
  check_threads("--threads", r.threads);
  check_count("--batch-size", r.batch_size, 1, max_batch_size, "images per forward pass");
  if (r.limit < 0) throw invalid_argument(fmt::format("--limit must be non-negative, got {}", r.limit));
  if (!a.list_layers) check_output_prefix("--out", a.out);
  if (r.model == "resnet20" || r.model == "vit")
    reject_if_given(*a.cmd, "--norm", "by the built-in models (they normalise as they were trained)");
  r.data_dir = a.data_dir;
  r.out = a.out;
  r.progress_bar = want_progress(a.progress, a.no_progress);
  if (a.list_layers) {
    fmt::print("{}\n", fmt::join(studies::extract_model_layers(r), "\n"));
    return;
  }
  io::output_transaction outputs;
  const auto res = studies::extract_layer(r, outputs);
  commit_outputs(outputs);
  const auto& f = res.files;
  fmt::print("extract: {} layer {} (pool {}) on {} ({}): {} images x {} features -> {}\n", res.model_name, r.layer,
             res.pool, r.data, r.subset, res.images, res.features, f.activations.string());
  fmt::print("concepts: {} x {} -> {} (names {}), labels {}, metadata {}\n", res.images, res.concepts, f.concepts_npy,
             f.concepts_txt, f.labels_npy, f.meta_json);
}

}  // namespace

void register_extract(CLI::App& app) {
  auto args = std::make_shared<extract_args>();
  auto& r = args->request;
  auto* cmd = app.add_subcommand("extract", std::string(model_command_description("extract")));
  add_options(*cmd, {
      {"--model", &r.model, "resnet20, vit, or a TorchScript file PATH.pt", required},
      {"--data", &r.data, "cifar10 or cifar100", show_default},
      {"--subset", &r.subset, "full, or exact (cifar10 only: the first 1,017 bit-exact test images)", show_default},
      {"--limit", &r.limit, "keep only the first N images (0 = all)", show_default},
      {"--layer", &r.layer,
       "resnet20: stem, layer1, layer2, layer3, penultimate, logits; vit: encoder0..encoder5, cls, logits; "
       "TorchScript: the keys of a Dict output, or 'output' for a Tensor output (see --list-layers)"},
      {"--pool", &r.pool, "feature maps: avg|max (auto = avg); ViT tokens: cls|mean|max over patch tokens (auto = cls); "
                          "2-D outputs are used as is", show_default},
      {"--out", &args->out, "activations file (.npy); siblings <stem>_concepts.npy/.txt, <stem>_labels.npy, <stem>.json",
       show_default},
      {"--batch-size", &r.batch_size, "images per forward pass", show_default},
      {"--threads", &r.threads, "LibTorch intra-op threads (0 = all cores)", show_default},
      {"--norm", &r.norm, "TorchScript models only: input normalisation imagenet|cifar|none", show_default},
      {"--data-dir", &args->data_dir, "folder with the CIFAR files and weights", show_default},
      {"--progress", &args->progress, "progress bar on stderr (default: when stderr is a terminal)"},
      {"--no-progress", &args->no_progress, "no progress bar"},
      {"--list-layers", &args->list_layers, "print the model's layer names and exit"},
  });
  args->cmd = cmd;
  cmd->callback([args] { run_extract(*args); });
}

}  // namespace neuroncert::cli

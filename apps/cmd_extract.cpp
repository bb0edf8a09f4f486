// neuroncert extract: activations of a named layer of a model on a CIFAR test set or on the user's
// own images, plus the concept matrices that go with them (studies/extract_study.hpp).
//   neuroncert extract --model resnet20|vit|PATH.pt --data cifar10|cifar100 [--subset exact]
//                      --layer NAME [--pool auto|avg|max|cls|mean] --out acts.npy
//   neuroncert extract --model PATH.pt --images DIR | --files LIST [--labels FILE.csv]
//                      [--resize 256 --crop 224 --norm imagenet] [--skip-bad] --layer NAME --out acts.npy
// Writes <out> (float32 n x F), <stem>_concepts.npy (n x |C|), <stem>_concepts.txt (|C| names),
// <stem>_labels.npy (int64: n for CIFAR-10 and ImageFolder classes; n x 2 = fine, coarse for
// CIFAR-100), <stem>_files.txt (image runs: row i's file) and <stem>.json (run metadata), where
// <stem> is <out> without ".npy".
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "commands.hpp"
#include "data_dir_option.hpp"
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
  std::string data_dir = studies::data_directory().path.string(), out = "acts.npy";
  bool progress = false, no_progress = false, list_layers = false;
  const CLI::App* cmd = nullptr;  ///< to tell which options were given
};

void run_extract(extract_args a) {
  auto& r = a.request;
  check_threads("--threads", r.threads);
  if (a.cmd->count("--batch-size")) check_count("--batch-size", r.batch_size, 1, max_batch_size, "images per forward pass");
  if (r.limit < 0) throw invalid_argument(fmt::format("--limit must be non-negative, got {}", r.limit));
  if (!a.list_layers) check_output_prefix("--out", a.out);
  if (r.model == "resnet20" || r.model == "vit")
    reject_if_given(*a.cmd, "--norm", "by the built-in models (they normalise as they were trained)");
  if (!r.images.empty() || !r.files.empty()) reject_if_given(*a.cmd, "--data", "with --images or --files (your images replace CIFAR)");
  // The study reads 0 as "the model's default"; typed on the command line it is out of range.
  if (a.cmd->count("--resize") && r.resize == 0) check_count("--resize", 0, 1, studies::max_image_side, "pixels of the shorter side");
  if (a.cmd->count("--crop") && r.crop == 0) check_count("--crop", 0, 1, studies::max_image_side, "pixels of the centre crop's side");
  r.data_dir = a.data_dir;
  // The data directory holds the CIFAR sets and the built-in models' weights; a TorchScript model
  // listing its layers or run on the user's own images needs neither.
  const bool cifar = r.images.empty() && r.files.empty() && !a.list_layers;
  if (cifar || r.model == "resnet20" || r.model == "vit") require_data_dir(*a.cmd, a.data_dir);
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
  const bool images = !r.images.empty() || !r.files.empty();
  const std::string source = images ? (r.images.empty() ? r.files : r.images).string() : r.data + " (" + r.subset + ")";
  fmt::print("extract: {} layer {} (pool {}) on {}: {} images x {} features -> {}\n", res.model_name, r.layer, res.pool,
             source, res.images, res.features, f.activations.string());
  if (images && r.skip_bad) fmt::print("skipped: {} unreadable images (listed in {})\n", res.skipped, f.meta_json);
  fmt::print("concepts: {} x {} -> {} (names {}){}{}, metadata {}\n", res.images, res.concepts, f.concepts_npy,
             f.concepts_txt, res.has_labels ? ", labels " + f.labels_npy : "", images ? ", files " + f.files_txt : "",
             f.meta_json);
}

}  // namespace

void register_extract(CLI::App& app) {
  auto args = std::make_shared<extract_args>();
  auto& r = args->request;
  auto* cmd = app.add_subcommand("extract", std::string(model_command_description("extract")));
  add_options(*cmd, {
      {"--model", &r.model, "resnet20, vit, or a TorchScript file PATH.pt", required},
      {"--data", &r.data, "cifar10 or cifar100", show_default},
      {"--images", &r.images, "a folder of .jpg/.jpeg/.png images instead of CIFAR: class subfolders (ImageFolder; "
                              "the classes become one-hot concepts) or flat; files in sorted path order"},
      {"--files", &r.files, "a text file listing image paths, one per line (relative to its folder, or absolute), "
                            "in that order, instead of --images"},
      {"--labels", &r.labels, "image runs: CSV with one row per image, first column its path (relative to the CSV's "
                              "folder, or absolute), other columns 0/1 or probabilities (one concept each) or class "
                              "names (one-hot); replaces the folder classes as concepts"},
      {"--resize", &r.resize, "image runs: resize the shorter side to S (bilinear, antialias, as torchvision); "
                              "default 256, 32 for the built-in models"},
      {"--crop", &r.crop, "image runs: centre crop C x C after resizing; default 224, 32 for the built-in models"},
      {"--skip-bad", &r.skip_bad, "image runs: skip unreadable or corrupt images (counted and listed in the JSON) "
                                  "instead of stopping with an error naming the file"},
      {"--subset", &r.subset, "full, or exact (cifar10 only: the first 1,017 bit-exact test images)", show_default},
      {"--limit", &r.limit, "keep only the first N images, in file order (0 = all)", show_default},
      {"--layer", &r.layer,
       "resnet20: stem, layer1, layer2, layer3, penultimate, logits; vit: encoder0..encoder5, cls, logits; "
       "TorchScript: the keys of a Dict output, or 'output' for a Tensor output (see --list-layers)"},
      {"--pool", &r.pool, "feature maps: avg|max (auto = avg); ViT tokens: cls|mean|max over patch tokens (auto = cls); "
                          "2-D outputs are used as is", show_default},
      {"--out", &args->out, "activations file (.npy); siblings <stem>_concepts.npy/.txt, <stem>_labels.npy, "
                            "<stem>_files.txt (image runs), <stem>.json", show_default},
      {"--batch-size", &r.batch_size, "images per forward pass (default: 256 for 32 x 32 inputs, fewer for larger "
                                      "ones, 8 at 224 x 224); each --threads worker holds one batch's activations"},
      {"--threads", &r.threads, "LibTorch intra-op threads (0 = all cores)", show_default},
      {"--norm", &r.norm, "TorchScript models only: input normalisation imagenet|cifar|none (after x / 255)",
       show_default},
      {"--data-dir", &args->data_dir, data_dir_help("folder with the CIFAR files and weights"), show_default},
      {"--progress", &args->progress, "progress bar on stderr (default: when stderr is a terminal)"},
      {"--no-progress", &args->no_progress, "no progress bar"},
      {"--list-layers", &args->list_layers, "print the model's layer names and exit"},
  });
  args->cmd = cmd;
  cmd->callback([args] { run_extract(*args); });
}

}  // namespace neuroncert::cli

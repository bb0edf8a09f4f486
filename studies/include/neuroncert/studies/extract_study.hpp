#pragma once
// `neuroncert extract` as a study: the activations of a named layer of a model on a CIFAR test set
// or on the user's own images, with the concept matrices that go with them, written as files:
// <out> (float32 n x F), <stem>_concepts.npy (n x |C|: uint8 0/1, or float32 when a labels CSV has
// probabilities), <stem>_concepts.txt (|C| names), <stem>_labels.npy (int64: n for CIFAR-10 and for
// an ImageFolder's class index; n x 2 = fine, coarse for CIFAR-100; absent for a flat folder or a
// file list), <stem>_files.txt (image runs: row i's file, one per line) and <stem>.json (run
// metadata, with the files and any skipped ones), where <stem> is <out> without ".npy".
//
// Image runs (request.images or request.files; models/image_files.hpp for the order and the labels
// CSV, image_decode.hpp and image_transform.hpp for the pixels): files are decoded and preprocessed
// batch by batch on the extraction's worker threads (models/extract.hpp), never all at once.
// Concepts: the labels CSV if given, else the ImageFolder's classes, else none (n x 0).
// Design: docs/design.md#models-real-activations (models).
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "neuroncert/core/output_files.hpp"
#include "neuroncert/models/cifar.hpp"

namespace neuroncert::studies {

/// Largest --resize / --crop: a side beyond this is no image a model is evaluated on, and one
/// batch of such inputs would take gigabytes.
inline constexpr std::int64_t max_image_side = 4096;

/// What to extract. The option names in the messages are the CLI's.
struct extract_request {
  std::string model;                  ///< resnet20, vit, or a TorchScript file PATH.pt
  std::string data = "cifar10";       ///< cifar10 or cifar100
  std::string subset = "full";        ///< full, or exact (the bit-exact CIFAR-10 subset)
  std::string layer, pool = "auto";
  std::string norm = "imagenet";      ///< TorchScript models only: imagenet, cifar or none
  std::filesystem::path images;       ///< a folder of images (ImageFolder or flat), instead of `data`
  std::filesystem::path files;        ///< a list of image files, one per line, instead of `data`
  std::vector<std::string> file_names;  ///< the same list in memory (paths relative to the current folder)
  std::filesystem::path labels;       ///< image runs: a labels CSV (the concepts)
  std::int64_t resize = 0;            ///< image runs: shorter side (0 = 256 for TorchScript, 32 built-in)
  std::int64_t crop = 0;              ///< image runs: centre crop (0 = 224 for TorchScript, 32 built-in)
  bool skip_bad = false;              ///< image runs: skip unreadable images (listed) instead of failing
  std::filesystem::path data_dir;     ///< CIFAR files and weights
  std::filesystem::path out = "acts.npy";
  std::int64_t limit = 0;             ///< the first `limit` images (0 = all)
  std::int64_t batch_size = 0;       ///< images per forward pass; 0 = default_batch_size(input side)
  int threads = 0;                    ///< LibTorch intra-op threads (0 = all cores)
  bool progress_bar = false;          ///< the extractor's own progress bar on stderr (models/extract.hpp)
};

/// The default images per forward pass for inputs of side `side`: 256 at CIFAR's 32 x 32, fewer
/// for larger inputs so that one batch's activations stay about the same size (8 at 224 x 224,
/// where a ResNet-18 holds about 10 MB per image in flight and every worker holds one batch).
std::int64_t default_batch_size(std::int64_t side);

/// The files of a run (files_txt: image runs only; labels_npy: not for a flat folder or a file list).
struct extract_files {
  std::filesystem::path activations;
  std::string concepts_npy, concepts_txt, labels_npy, meta_json, files_txt;
};

/// What a run made.
struct extract_result {
  std::string model_name, pool;  ///< the model's own name; the pooling applied
  std::size_t images = 0, features = 0, concepts = 0;
  std::size_t skipped = 0;          ///< image runs with skip_bad: files that could not be read
  bool has_labels = true;           ///< whether <stem>_labels.npy was written
  extract_files files;
};

/// The files a run with output `out` (which must end in .npy) writes; invalid_argument otherwise.
extract_files extract_files_for(const std::filesystem::path& out);

/// The layer names of the requested model (the data set and pooling are checked first, as a run would).
std::vector<std::string> extract_model_layers(const extract_request& request);

/// What an extraction computes, before anything is written (the Python package returns it as arrays).
struct extracted_layer {
  at::Tensor activations;          ///< float32 [n, F]
  models::CifarSet images;         ///< CIFAR runs: the images and their labels (CIFAR-100: fine and coarse)
  models::ConceptMatrix concepts;  ///< one-hot classes (CIFAR-100: fine and coarse), or from the labels CSV
  std::string model_name, pool;    ///< the model's own name; the pooling applied
  // Image runs only:
  std::vector<std::string> files;             ///< row i's file (relative to the folder, or as listed)
  std::vector<std::int64_t> classes;          ///< ImageFolder class index per row (empty otherwise)
  std::vector<std::string> class_names;       ///< ImageFolder classes
  std::vector<std::pair<std::string, std::string>> skipped;  ///< (file, why) of each skipped file
  std::int64_t resize = 0, crop = 0;          ///< the preprocessing applied
  std::string normalization;                  ///< imagenet, cifar, none, or the built-in model's own
};

/// Whether the request reads the user's images (images, files or file_names set) rather than CIFAR.
bool is_image_run(const extract_request& request);

/// The extraction of extract_layer() without its files (request.out is not used).
extracted_layer extract_in_memory(const extract_request& request);

/// The activations of `request.layer` on the user's own images (uint8 [n, 3, H, W], the model's
/// input size), preprocessed as the model expects; request.data, subset, limit and out are not used.
at::Tensor extract_from_images(const extract_request& request, const at::Tensor& images);

/// Runs the extraction and stages the five files in `outputs` (the JSON last), which the caller
/// commits. invalid_argument for an unknown data set, subset, pooling, normalisation or layer (the
/// layer is required), or an output not ending in .npy; data_error for unreadable inputs.
extract_result extract_layer(const extract_request& request, io::output_transaction& outputs);

}  // namespace neuroncert::studies

#pragma once
// `neuroncert extract` as a study: the activations of a named layer of a model on a CIFAR test set,
// with the concept matrices (one-hot class labels) that go with them, written as five files:
// <out> (float32 n x F), <stem>_concepts.npy (uint8 n x |C|), <stem>_concepts.txt (|C| names),
// <stem>_labels.npy (int64: n for CIFAR-10; n x 2 = fine, coarse for CIFAR-100) and <stem>.json
// (run metadata), where <stem> is <out> without ".npy".
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "neuroncert/core/output_files.hpp"
#include "neuroncert/models/cifar.hpp"

namespace neuroncert::studies {

/// What to extract. The option names in the messages are the CLI's.
struct extract_request {
  std::string model;                  ///< resnet20, vit, or a TorchScript file PATH.pt
  std::string data = "cifar10";       ///< cifar10 or cifar100
  std::string subset = "full";        ///< full, or exact (the bit-exact CIFAR-10 subset)
  std::string layer, pool = "auto";
  std::string norm = "imagenet";      ///< TorchScript models only: imagenet, cifar or none
  std::filesystem::path data_dir;     ///< CIFAR files and weights
  std::filesystem::path out = "acts.npy";
  std::int64_t limit = 0;             ///< the first `limit` images (0 = all)
  std::int64_t batch_size = 256;
  int threads = 0;                    ///< LibTorch intra-op threads (0 = all cores)
  bool progress_bar = false;          ///< the extractor's own progress bar on stderr (models/extract.hpp)
};

/// The five files of a run.
struct extract_files {
  std::filesystem::path activations;
  std::string concepts_npy, concepts_txt, labels_npy, meta_json;
};

/// What a run made.
struct extract_result {
  std::string model_name, pool;  ///< the model's own name; the pooling applied
  std::size_t images = 0, features = 0, concepts = 0;
  extract_files files;
};

/// The files a run with output `out` (which must end in .npy) writes; invalid_argument otherwise.
extract_files extract_files_for(const std::filesystem::path& out);

/// The layer names of the requested model (the data set and pooling are checked first, as a run would).
std::vector<std::string> extract_model_layers(const extract_request& request);

/// What an extraction computes, before anything is written (the Python package returns it as arrays).
struct extracted_layer {
  at::Tensor activations;          ///< float32 [n, F]
  models::CifarSet images;         ///< the images and their labels (CIFAR-100: fine and coarse)
  models::ConceptMatrix concepts;  ///< one-hot classes (CIFAR-100: fine and coarse), with names
  std::string model_name, pool;    ///< the model's own name; the pooling applied
};

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

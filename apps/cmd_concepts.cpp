// neuroncert concepts: concept probabilities from a vision-language model's embeddings
// (core/vlm_concepts.hpp, THEORY.md sec. 2.3), written as the concepts `identify` reads:
//   neuroncert concepts --image-embeddings E.npy --text-embeddings T.npy --concept-names names.txt
//       [--softmax --temperature 10 | --sigmoid --scale A --shift B] --out PREFIX
// writes PREFIX.npy (n x |C| float64), PREFIX.txt (the names) and PREFIX.json (the settings).
#include <memory>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "neuroncert/core/error.hpp"
#include "neuroncert/core/json_io.hpp"
#include "neuroncert/core/names_file.hpp"
#include "neuroncert/core/npy.hpp"
#include "neuroncert/core/thread_limit.hpp"
#include "neuroncert/core/vlm_concepts.hpp"
#include "option_checks.hpp"
#include "option_table.hpp"
#include "run_context.hpp"

namespace neuroncert::cli {
namespace {

struct concepts_args {
  std::string images, texts, names, out = "concepts";
  bool softmax = false, sigmoid = false;
  double temperature = 10.0, scale = 0.0, shift = 0.0;
  int threads = 0;
  const CLI::App* cmd = nullptr;
};

/// The link and its parameters, refusing the options the other link does not read.
vlm_concept_options options_of(const concepts_args& a) {
  vlm_concept_options o;
  if (a.sigmoid) {
    reject_if_given(*a.cmd, "--temperature", "with --sigmoid (it is the softmax's a; the sigmoid takes --scale)");
    if (a.cmd->get_option("--scale")->count() == 0 || a.cmd->get_option("--shift")->count() == 0)
      throw invalid_argument("--sigmoid needs --scale A and --shift B (per model; Neuron_Eval's SigLIP: 58 and -0.13)");
    o.link = vlm_link::sigmoid;
    o.scale = a.scale;
    o.shift = a.shift;
  } else {
    reject_if_given(*a.cmd, "--scale", "with --softmax (give --sigmoid)");
    reject_if_given(*a.cmd, "--shift", "with --softmax (give --sigmoid)");
    o.temperature = a.temperature;
  }
  if (o.link == vlm_link::softmax && !(a.temperature > 0.0))
    throw invalid_argument(fmt::format("--temperature must be positive and finite, got {}", a.temperature));
  if (o.link == vlm_link::sigmoid && !(a.scale > 0.0))
    throw invalid_argument(fmt::format("--scale must be positive and finite, got {}", a.scale));
  check_vlm_concept_options(o);
  return o;
}

void run_concepts(const concepts_args& a) {
  check_output_prefix("--out", a.out);
  check_threads("--threads", a.threads);
  const vlm_concept_options o = options_of(a);
  const thread_limit limit(a.threads);
  const Eigen::MatrixXd e = io::read_npy_matrix(a.images, "image embeddings");
  const Eigen::MatrixXd t = io::read_npy_matrix(a.texts, "text embeddings");
  const auto names = io::read_names_file(a.names, static_cast<std::size_t>(t.rows()));
  const Eigen::MatrixXd p = concepts_from_embeddings(e, t, o, {a.images, a.texts});

  const std::string npy = a.out + ".npy", txt = a.out + ".txt", json_path = a.out + ".json";
  io::output_transaction outputs;
  io::write_npy(npy, p, &outputs);
  std::string text;
  for (const auto& name : names) text += name + '\n';
  io::write_text_file(txt, text, &outputs);
  const bool softmax = o.link == vlm_link::softmax;
  nlohmann::json settings =
      softmax ? nlohmann::json{{"link", "softmax"}, {"temperature", o.temperature},
                               {"formula", "P(c | x_i) = exp(a S_ic) / sum_c' exp(a S_ic'), a = temperature "
                                           "(CLIP-Dissect), with the row maximum subtracted first"}}
              : nlohmann::json{{"link", "sigmoid"}, {"scale", o.scale}, {"shift", o.shift},
                               {"formula", "P(c | x_i) = 1 / (1 + exp(-a (S_ic + b))), a = scale, b = shift "
                                           "(Neuron_Eval)"}};
  settings["similarity"] = "S = E T^T with every row of E and T L2-normalised first (cosines)";
  settings["precision"] = "float64";
  io::write_json(json_path,
                 {{"metadata", run_metadata()},
                  {"inputs", {{"image_embeddings", a.images}, {"text_embeddings", a.texts}, {"concept_names", a.names},
                              {"images", e.rows()}, {"concepts", t.rows()}, {"width", e.cols()}}},
                  {"settings", settings},
                  {"outputs", {{"concepts", npy}, {"concept_names", txt}}}},
                 &outputs);
  commit_outputs(outputs);
  fmt::print("concepts: {} images x {} concepts ({}, {}), embedding width {}\n", e.rows(), t.rows(),
             softmax ? "softmax" : "sigmoid",
             softmax ? fmt::format("temperature {}", o.temperature) : fmt::format("scale {}, shift {}", o.scale, o.shift),
             e.cols());
  fmt::print("  wrote {}, {} and {}; use: identify --concepts {} --concept-names {}\n", npy, txt, json_path, npy, txt);
}

}  // namespace

void register_concepts(CLI::App& app) {
  auto a = std::make_shared<concepts_args>();
  auto* cmd = app.add_subcommand(
      "concepts", "Concept probabilities from image and text embeddings (CLIP-Dissect softmax or Neuron_Eval sigmoid)");
  add_options(*cmd, {
      {"--image-embeddings", &a->images, "Image embeddings .npy, n x d (rows are L2-normalised here)",
       required | existing_file},
      {"--text-embeddings", &a->texts, "Text embeddings of the concept names .npy, |C| x d (rows L2-normalised here)",
       required | existing_file},
      {"--concept-names", &a->names, "Text file with the |C| concept names, one per line, in the rows' order",
       required | existing_file},
      {"--softmax", &a->softmax, "P(c|x) = softmax over concepts of a * cosine (CLIP-Dissect; the default)"},
      {"--temperature", &a->temperature, "Softmax a: 10 for soft_wpmi, 2 for cd_wpmi (CLIP-Dissect)", show_default},
      {"--sigmoid", &a->sigmoid, "P(c|x) = sigmoid(a * (cosine + b)) per concept (Neuron_Eval, SigLIP)"},
      {"--scale", &a->scale, "Sigmoid a (per model; Neuron_Eval's SigLIP: 58)"},
      {"--shift", &a->shift, "Sigmoid b (per model; Neuron_Eval's SigLIP: -0.13)"},
      {"--out", &a->out, "Output prefix: writes PREFIX.npy (float64), PREFIX.txt and PREFIX.json", show_default},
      {"--threads", &a->threads, "Worker threads (0 = all cores); results do not depend on it", show_default},
  });
  cmd->get_option("--sigmoid")->excludes(cmd->get_option("--softmax"));
  a->cmd = cmd;
  cmd->callback([a] { run_concepts(*a); });
}

}  // namespace neuroncert::cli

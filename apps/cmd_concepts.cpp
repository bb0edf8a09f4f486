// neuroncert concepts: concept probabilities from a vision-language model's embeddings
// (core/vlm_concepts.hpp, docs/theory.md sec. 2.3), written as the concepts `identify` reads:
//   neuroncert concepts --image-embeddings E.npy --text-embeddings T.npy --concept-names names.txt
//       [--softmax --temperature 10 | --sigmoid --scale A --shift B] --out PREFIX
// writes PREFIX.npy (n x |C| float64), PREFIX.txt (the names) and PREFIX.json (the settings).
#include <memory>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "neuroncert/core/thread_limit.hpp"
#include "neuroncert/core/vlm_concepts.hpp"
#include "neuroncert/studies/concepts_files.hpp"
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

/// The link and its parameters (core/vlm_concepts.hpp: the check the Python package shares).
vlm_concept_options options_of(const concepts_args& a) {
  const auto given = [&](const char* option) { return a.cmd->get_option(option)->count() > 0; };
  const auto value = [&](const char* option, double v) { return given(option) ? std::optional(v) : std::nullopt; };
  return vlm_concept_settings(a.sigmoid ? "sigmoid" : "softmax", value("--temperature", a.temperature),
                              value("--scale", a.scale), value("--shift", a.shift));
}

void run_concepts(const concepts_args& a) {
  check_output_prefix("--out", a.out);
  check_threads("--threads", a.threads);
  const vlm_concept_options o = options_of(a);
  const thread_limit limit(a.threads);
  io::output_transaction outputs;
  const auto r = studies::concepts_study({a.images, a.texts, a.names}, o, a.out, outputs);
  commit_outputs(outputs);
  const bool softmax = o.link == vlm_link::softmax;
  fmt::print("concepts: {} images x {} concepts ({}, {}), embedding width {}\n", r.probabilities.rows(),
             r.probabilities.cols(), softmax ? "softmax" : "sigmoid",
             softmax ? fmt::format("temperature {}", o.temperature) : fmt::format("scale {}, shift {}", o.scale, o.shift),
             r.width);
  fmt::print("  wrote {}, {} and {}; use: identify --concepts {} --concept-names {}\n", r.npy, r.txt, r.json, r.npy,
             r.txt);
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

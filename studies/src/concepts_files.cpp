#include "neuroncert/studies/concepts_files.hpp"

#include "neuroncert/core/json_io.hpp"
#include "neuroncert/core/names_file.hpp"
#include "neuroncert/core/npy.hpp"
#include "neuroncert/studies/provenance.hpp"

namespace neuroncert::studies {
namespace {

nlohmann::json link_json(const vlm_concept_options& o) {
  if (o.link == vlm_link::softmax)
    return {{"link", "softmax"}, {"temperature", o.temperature},
            {"formula", "P(c | x_i) = exp(a S_ic) / sum_c' exp(a S_ic'), a = temperature (CLIP-Dissect), with the row "
                        "maximum subtracted first"}};
  return {{"link", "sigmoid"}, {"scale", o.scale}, {"shift", o.shift},
          {"formula", "P(c | x_i) = 1 / (1 + exp(-a (S_ic + b))), a = scale, b = shift (Neuron_Eval)"}};
}

}  // namespace

concepts_result concepts_study(const concepts_inputs& in, const vlm_concept_options& options,
                               const std::string& prefix, io::output_transaction& outputs) {
  check_vlm_concept_options(options);
  const Eigen::MatrixXd e = io::read_npy_matrix(in.image_embeddings, "image embeddings");
  const Eigen::MatrixXd t = io::read_npy_matrix(in.text_embeddings, "text embeddings");
  concepts_result r;
  r.names = io::read_names_file(in.concept_names, static_cast<std::size_t>(t.rows()));
  r.probabilities = concepts_from_embeddings(e, t, options, {in.image_embeddings, in.text_embeddings});
  r.width = e.cols();
  r.npy = prefix + ".npy";
  r.txt = prefix + ".txt";
  r.json = prefix + ".json";
  io::write_npy(r.npy, r.probabilities, &outputs);
  std::string text;
  for (const auto& name : r.names) text += name + '\n';
  io::write_text_file(r.txt, text, &outputs);
  nlohmann::json settings = link_json(options);
  settings["similarity"] = "S = E T^T with every row of E and T L2-normalised first (cosines)";
  settings["precision"] = "float64";
  io::write_json(r.json,
                 {{"metadata", run_metadata()},
                  {"inputs", {{"image_embeddings", in.image_embeddings}, {"text_embeddings", in.text_embeddings},
                              {"concept_names", in.concept_names}, {"images", e.rows()}, {"concepts", t.rows()},
                              {"width", e.cols()}}},
                  {"settings", settings},
                  {"outputs", {{"concepts", r.npy}, {"concept_names", r.txt}}}},
                 &outputs);
  return r;
}

}  // namespace neuroncert::studies

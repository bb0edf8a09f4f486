#pragma once
// The commands that run a model (and so need LibTorch) live in a second executable,
// `neuroncert-models`, beside `neuroncert`. The front `neuroncert` hands them over with exec, so
// every other command starts without loading LibTorch's ~290 shared libraries (about 0.7 s and
// 160 MiB before doing anything). Names and one-line descriptions are kept here, once, for both:
// the front lists them in its --help, the model executable registers them.
#include <string_view>

namespace neuroncert::cli {

struct command_summary {
  std::string_view name, description;
};

inline constexpr command_summary model_commands[] = {
    {"extract", "Extract activations of a model layer on CIFAR test images or your own images (+ concept matrices)"},
    {"figures", "Run every experiment at the paper's settings and draw every figure"},
    {"sieve", "SIEVE: select, hypothesise and verify neuron explanations on held-out images"},
};

/// The description of model command `name` (empty if it is not one).
constexpr std::string_view model_command_description(std::string_view name) {
  for (const auto& c : model_commands)
    if (c.name == name) return c.description;
  return {};
}

}  // namespace neuroncert::cli

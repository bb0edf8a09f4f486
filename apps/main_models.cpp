// `neuroncert-models`: the commands that run a model and so load LibTorch (model_commands.hpp).
// Users call them through `neuroncert`, which execs this executable with the same arguments.
#include "cli_main.hpp"
#include "commands.hpp"

int main(int argc, char** argv) {
  return neuroncert::cli::cli_main(argc, argv, [](CLI::App& app) {
    using namespace neuroncert::cli;
    register_extract(app);
    register_figures(app);
    register_sieve(app);
    // @register-model-calls (add new model subcommands above this line, and to model_commands.hpp)
  });
}

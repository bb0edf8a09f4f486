// `neuroncert-models`: the commands that run a model and so load LibTorch (model_commands.hpp).
// Users call them through `neuroncert`, which execs this executable with the same arguments.
#include <malloc.h>

#include "cli_main.hpp"
#include "commands.hpp"

int main(int argc, char** argv) {
  // glibc serves blocks above its mmap threshold (at most 32 MiB) from fresh pages and unmaps them
  // on free, so every forward batch faulted its activation tensors in again (a third of the ViT
  // extraction's time was the kernel's). Kept in the heap instead, they are reused batch after batch;
  // one heap for all threads, because the per-thread heaps of the extraction's batch workers give
  // their pages back regardless (ViT on CIFAR-100, 2 workers: 22.5 s -> 16.5 s).
  ::mallopt(M_MMAP_THRESHOLD, 1 << 30);
  ::mallopt(M_TRIM_THRESHOLD, 1 << 30);
  ::mallopt(M_ARENA_MAX, 1);
  return neuroncert::cli::cli_main(argc, argv, [](CLI::App& app) {
    using namespace neuroncert::cli;
    register_extract(app);
    register_figures(app);
    register_sieve(app);
    // @register-model-calls (add new model subcommands above this line, and to model_commands.hpp)
  });
}

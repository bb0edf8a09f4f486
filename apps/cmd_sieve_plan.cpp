// neuroncert sieve-plan: verification images needed to tell an activation rate from the
// random-image rate (docs/theory.md sec. 7; bounds/activation_rate.hpp). Uses no model.
//   neuroncert sieve-plan --ar A --power P [--alpha a] [--p0 0.01]
#include <memory>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "neuroncert/bounds/activation_rate.hpp"
#include "option_table.hpp"

namespace neuroncert::cli {
namespace {

struct plan_args {
  double ar = 0, power = 0.8, alpha = 0.05, p0 = 0.01;
};

void run_sieve_plan(const plan_args& a) {
  const auto p = bounds::plan_verification_images(a.ar, a.power, a.alpha, a.p0);
  fmt::print("sieve-plan: AR {} vs random rate {} (one-sided exact binomial test, level {}, power {})\n", a.ar, a.p0,
             a.alpha, a.power);
  fmt::print("  verification images needed: {} (reject when >= {} fire; size {:.4g}, power {:.4f})\n", p.images,
             p.critical, p.size, p.power);
  fmt::print("  power stays >= {} for every n from {} (checked up to {}; exact power is a saw-tooth in n)\n", a.power,
             p.stable_from, p.n_max_checked);
  fmt::print("  normal approximation: {:.1f}\n", p.normal_approx);
}

}  // namespace

void register_sieve_plan(CLI::App& app) {
  auto a = std::make_shared<plan_args>();
  auto* plan = app.add_subcommand("sieve-plan", "Verification images needed to tell an activation rate from 0.01");
  add_options(*plan, {
      {"--ar", &a->ar, "activation rate to detect, in (p0, 1]", required},
      {"--power", &a->power, "power 1 - beta, in (0, 1)", show_default},
      {"--alpha", &a->alpha, "level of the one-sided exact test, in (0, 1)", show_default},
      {"--p0", &a->p0, "random-image rate (the top-1% threshold gives 0.01)", show_default},
  });
  plan->callback([a] { run_sieve_plan(*a); });
}

}  // namespace neuroncert::cli

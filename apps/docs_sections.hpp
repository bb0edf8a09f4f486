#pragma once
// Where each subcommand's formulas are documented, in one table: cli_main.cpp ends every subcommand's
// --help with these pointers (CLI11 footers), so a user who reads a number in a report can find its
// formula, assumptions and source. tests/apps/test_cli_docs.cpp runs `neuroncert CMD --help` for every
// subcommand and checks that each pointer names a file in docs/ and a heading that exists in it.
// Design: docs/design.md#apps-the-command-line (the command line).
#include <string>
#include <string_view>

namespace neuroncert::cli {

/// One pointer: a docs file with the anchor of a heading (GitHub's rule: the heading in lower case,
/// punctuation dropped, spaces as '-'), and what a reader finds there.
struct docs_pointer {
  std::string_view target;  ///< "docs/theory.md#43-certified-sets"
  std::string_view label;   ///< "sec. 4.3, certified sets"
};

struct docs_entry {
  std::string_view command;
  docs_pointer first, second;  ///< second.target empty: only one
};

inline constexpr docs_entry docs_sections[] = {
    {"advise",
     {"docs/theory.md#10-choosing-a-metric-and-a-probing-set-size-advise", "sec. 10, choosing a metric and n"},
     {"docs/theory.md#9-metric-sanity-tests", "sec. 9, metric sanity tests"}},
    {"simulate", {"docs/theory.md#6-experiments", "sec. 6, the experiments"}, {}},
    {"identify",
     {"docs/theory.md#4-faithfulness-convergence-rates-and-the-generalisation-gap",
      "sec. 4, rates, gap, certified sets (4.3)"},
     {"docs/theory.md#5-stability-bootstrap-ensemble-and-be-sets", "sec. 5, bootstrap ensemble and BE sets"}},
    {"plan",
     {"docs/theory.md#41-planning-the-probing-set-size", "sec. 4.1, planning the probing-set size"},
     {"docs/theory.md#42-exact-binomial-intervals-and-planning", "sec. 4.2, exact-binomial planning"}},
    {"bound",
     {"docs/theory.md#4-faithfulness-convergence-rates-and-the-generalisation-gap", "sec. 4, rates and the gap"},
     {"docs/theory.md#42-exact-binomial-intervals-and-planning", "sec. 4.2, Clopper-Pearson"}},
    {"be-coverage",
     {"docs/theory.md#53-coverage-of-the-be-set-theorem-41-corrected", "sec. 5.3, Theorem 4.1 corrected"},
     {"docs/theory.md#54-a-tighter-p-from-pairwise-differences", "sec. 5.4, pairwise p (--disagreement, pilot)"}},
    {"extract",
     {"docs/design.md#models-real-activations", "models and extraction"},
     {"docs/data.md", "the data directory and its files"}},
    {"figures",
     {"docs/theory.md#6-experiments", "sec. 6, the experiments behind the figures"},
     {"docs/theory.md#7-sieve-select-hypothesise-verify", "sec. 7, SIEVE"}},
    {"sieve", {"docs/theory.md#7-sieve-select-hypothesise-verify", "sec. 7, SIEVE"}, {}},
    {"sieve-plan",
     {"docs/theory.md#7-sieve-select-hypothesise-verify", "sec. 7, the activation rate's exact test and plan"},
     {}},
    {"concepts",
     {"docs/theory.md#23-concepts-from-embeddings-and-clip-dissects-scores", "sec. 2.3, concepts from embeddings"},
     {}},
    // @docs-sections (add a row for every new subcommand; the test fails without one)
};

/// The --help footer of `command`: its pointers, one per line, or "" when the table has no row.
inline std::string docs_footer(std::string_view command) {
  for (const auto& e : docs_sections) {
    if (e.command != command) continue;
    std::string footer = "Formulas, assumptions and sources:";
    for (const docs_pointer* p : {&e.first, &e.second}) {
      if (p->target.empty()) continue;
      footer.append("\n  ").append(p->target).append(" (").append(p->label).append(")");
    }
    return footer;
  }
  return {};
}

}  // namespace neuroncert::cli

#include "neuroncert/core/undefined.hpp"

namespace neuroncert {

std::string_view to_string(undefined_reason r) {
  switch (r) {
    case undefined_reason::none: return "defined";
    case undefined_reason::empty_sample: return "empty_sample";
    case undefined_reason::no_concept_positives: return "no_concept_positives";
    case undefined_reason::no_concept_negatives: return "no_concept_negatives";
    case undefined_reason::neuron_never_fires: return "neuron_never_fires";
    case undefined_reason::neuron_always_fires: return "neuron_always_fires";
    case undefined_reason::both_empty: return "both_empty";
    case undefined_reason::zero_variance_activation: return "zero_variance_activation";
    case undefined_reason::zero_variance_concept: return "zero_variance_concept";
    case undefined_reason::zero_variance_negatives: return "zero_variance_negatives";
  }
  return "unknown";
}

}  // namespace neuroncert

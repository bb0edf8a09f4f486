#include "neuroncert/core/metric.hpp"

#include <fmt/format.h>

#include "neuroncert/core/error.hpp"

namespace neuroncert {

std::string_view to_string(metric m) {
  switch (m) {
    case metric::accuracy: return "accuracy";
    case metric::recall: return "recall";
    case metric::precision: return "precision";
    case metric::iou: return "iou";
    case metric::f1: return "f1";
    case metric::auroc: return "auroc";
    case metric::auprc: return "auprc";
    case metric::correlation: return "correlation";
    case metric::mad: return "mad";
    case metric::wpmi: return "wpmi";
    case metric::soft_wpmi: return "soft_wpmi";
    case metric::cd_wpmi: return "cd_wpmi";
  }
  return "unknown";
}

std::string metric_names() {
  std::string s;
  for (metric m : all_metrics) {
    if (!s.empty()) s += ", ";
    s += to_string(m);
  }
  return s;
}

metric parse_metric(std::string_view name) {
  for (metric m : all_metrics)
    if (to_string(m) == name) return m;
  throw invalid_argument(fmt::format("unknown metric '{}' (known: {})", name, metric_names()));
}

}  // namespace neuroncert

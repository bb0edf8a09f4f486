#pragma once
// How a study reports progress: it is handed a callback and calls it with the part running and
// the work done so far; it never draws anything itself. The CLI turns the calls into its one
// progress bar (core/progress_bar.hpp); tests and other faces pass nothing or count the calls.
// What a study has to say besides counting (a stage starting, a cache rebuilt and why) goes through
// a note callback, one line per call, which the CLI prints on stderr.
// Design: docs/design.md#progress (progress).
#include <cstdint>
#include <functional>
#include <string_view>

namespace neuroncert::studies {

/// `stage` names the part running (e.g. "bootstrap", "extract resnet20 penultimate"), `done` of
/// `total` units. An empty callback reports nothing.
using progress_callback = std::function<void(std::string_view stage, std::int64_t done, std::int64_t total)>;

/// One line of what a study is doing (no trailing newline), e.g. "rebuilding CACHE: why". An empty
/// callback keeps the study silent.
using note_callback = std::function<void(std::string_view line)>;

}  // namespace neuroncert::studies

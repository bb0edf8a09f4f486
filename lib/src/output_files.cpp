#include "neuroncert/core/output_files.hpp"

#include <cerrno>
#include <string>
#include <system_error>

#include <fmt/format.h>

#include "neuroncert/core/error.hpp"

namespace neuroncert::io {

namespace fs = std::filesystem;

namespace {

std::string sys_reason(int err) { return std::system_category().message(err); }

[[noreturn]] void fail(const fs::path& target, std::string_view what) {
  throw data_error(fmt::format("{}: cannot write: {}", target.string(), what));
}

}  // namespace

fs::path partial_path(const fs::path& target) {
  fs::path p = target;
  p += ".partial";
  return p;
}

// ---- output_transaction ---------------------------------------------------------------------

output_transaction::~output_transaction() {
  if (committed_) return;
  std::error_code ec;
  for (const auto& [temp, target] : staged_) fs::remove(temp, ec);
}

void output_transaction::stage(fs::path temp, fs::path target) {
  if (committed_) fail(target, "the run's outputs are already committed");
  staged_.emplace_back(std::move(temp), std::move(target));
}

void output_transaction::remove_on_commit(fs::path target) { obsolete_.push_back(std::move(target)); }

void output_transaction::commit() {
  if (committed_) return;
  for (const auto& [temp, target] : staged_) {
    std::error_code ec;
    const bool existed = fs::exists(target, ec);
    fs::rename(temp, target, ec);
    if (ec) fail(target, fmt::format("renaming {} into place failed: {}", temp.filename().string(), ec.message()));
    if (existed) replaced_.push_back(target);
  }
  committed_ = true;
  for (const auto& target : obsolete_) {
    bool produced = false;
    for (const auto& staged : staged_) produced = produced || staged.second == target;
    std::error_code ec;
    if (!produced && fs::remove(target, ec)) removed_.push_back(target);
  }
}

// ---- atomic_writer --------------------------------------------------------------------------

atomic_writer::atomic_writer(fs::path target, output_transaction* transaction)
    : target_(std::move(target)), transaction_(transaction) {
  if (target_.empty()) throw invalid_argument("output path is empty");
  if (!target_.has_filename()) throw invalid_argument(fmt::format("output path '{}' names a directory, not a file", target_.string()));
  temp_ = partial_path(target_);
  file_ = std::fopen(temp_.c_str(), "wb");
  if (!file_) fail(target_, sys_reason(errno));
}

atomic_writer::~atomic_writer() {
  if (file_) std::fclose(file_);
  if (!done_) {
    std::error_code ec;
    fs::remove(temp_, ec);
  }
}

void atomic_writer::write(const void* data, std::size_t bytes) {
  if (!file_) fail(target_, "file already committed");
  if (bytes == 0) return;
  if (std::fwrite(data, 1, bytes, file_) != bytes) fail(target_, sys_reason(errno));
}

void atomic_writer::flush() {
  if (!file_) fail(target_, "file already committed");
  if (std::fflush(file_) != 0) fail(target_, sys_reason(errno));
}

void atomic_writer::commit() {
  if (!file_) fail(target_, "file already committed");
  const bool flush_ok = std::fflush(file_) == 0 && !std::ferror(file_);
  const int err = errno;
  const bool close_ok = std::fclose(file_) == 0;
  const int close_err = errno;
  file_ = nullptr;
  if (!flush_ok) fail(target_, sys_reason(err));
  if (!close_ok) fail(target_, sys_reason(close_err));
  if (transaction_) {
    transaction_->stage(temp_, target_);
  } else {
    std::error_code ec;
    fs::rename(temp_, target_, ec);
    if (ec) fail(target_, fmt::format("renaming the temporary file into place failed: {}", ec.message()));
  }
  done_ = true;
}

void write_text_file(const fs::path& target, std::string_view text, output_transaction* transaction) {
  atomic_writer w(target, transaction);
  w.write(text);
  w.commit();
}

}  // namespace neuroncert::io

#pragma once
// How neuroncert writes files: every output whole or absent.
//
// A file is written under a temporary name beside its target, "<target>.partial", and renamed onto
// the target only once it is complete (rename is atomic within a directory). So a file under its
// own name is always whole; an interrupted run leaves at most "<name>.partial" files, which say by
// their name what they are (a streamed bootstrap keeps its finished neurons there). An exception
// before completion removes the temporary. The temporary is not fsync'ed: this protects against
// interrupted runs and full disks, not against power loss.
//
// A run that writes several files (a CSV and its JSON, the bootstrap files, a figures job) makes
// them all-or-nothing with an output_transaction: each finished file is handed to the transaction
// instead of being renamed at once, and commit() renames them all, in the order they were
// finished (the JSON report, finished last, lands last: it is the record of completion). If the
// transaction is destroyed uncommitted (an exception anywhere in the run), every staged file is
// removed and the targets stay as they were: the previous run's files, whole and consistent.
// Outputs that an earlier run made and this one does not (the bootstrap files of an earlier
// `identify --bootstrap`) are named with remove_on_commit() and removed at commit, so no stale
// sibling is left beside fresh files.
//
// Every failure is a data_error naming the target path and the system's reason.
// Design: docs/design.md#output-files (output files).
#include <cstddef>
#include <cstdio>
#include <filesystem>
#include <string_view>
#include <utility>
#include <vector>

namespace neuroncert::io {

/// The temporary name of `target` while it is being written: "<target>.partial".
std::filesystem::path partial_path(const std::filesystem::path& target);

class output_transaction {
 public:
  output_transaction() = default;
  ~output_transaction();  ///< uncommitted: removes every staged file
  output_transaction(const output_transaction&) = delete;
  output_transaction& operator=(const output_transaction&) = delete;

  /// Takes over a complete temporary file, to be renamed onto `target` at commit().
  void stage(std::filesystem::path temp, std::filesystem::path target);
  /// `target` (if it exists) is an output of an earlier run that this run does not produce.
  void remove_on_commit(std::filesystem::path target);
  /// Renames every staged file onto its target, in staging order, then removes the obsolete ones.
  void commit();

  /// After commit(): the targets that existed before and were replaced, and the ones removed.
  const std::vector<std::filesystem::path>& replaced() const { return replaced_; }
  const std::vector<std::filesystem::path>& removed() const { return removed_; }

 private:
  std::vector<std::pair<std::filesystem::path, std::filesystem::path>> staged_;  // (temp, target)
  std::vector<std::filesystem::path> obsolete_, replaced_, removed_;
  bool committed_ = false;
};

/// One output file written under partial_path(target) and renamed (or staged in a transaction)
/// by commit(). Destroyed before commit() (an exception), it removes the temporary.
class atomic_writer {
 public:
  explicit atomic_writer(std::filesystem::path target, output_transaction* transaction = nullptr);
  ~atomic_writer();
  atomic_writer(const atomic_writer&) = delete;
  atomic_writer& operator=(const atomic_writer&) = delete;

  void write(const void* data, std::size_t bytes);
  void write(std::string_view s) { write(s.data(), s.size()); }
  /// Pushes what was written so far into the .partial file (for streamed rows).
  void flush();
  /// Flushes and closes; renames onto the target, or hands the file to the transaction.
  void commit();

  const std::filesystem::path& target() const { return target_; }

 private:
  std::filesystem::path target_;
  std::filesystem::path temp_;
  output_transaction* transaction_ = nullptr;
  std::FILE* file_ = nullptr;
  bool done_ = false;  ///< committed: the temporary is renamed or owned by the transaction
};

/// Writes `text` to `target` whole or not at all (staged in the transaction if one is given).
void write_text_file(const std::filesystem::path& target, std::string_view text,
                     output_transaction* transaction = nullptr);

}  // namespace neuroncert::io

#pragma once
// Activations stored as row shards: .npy files of rows x F (blocks of samples, every neuron), the
// layout a study at scale writes (n = 10^6 tokens in files of 10^4 rows, say). A shard is
// memory-mapped, never read whole: a process copies out only the rows and columns it asks for, as
// doubles (the same conversion as read_npy_matrix), and drops the pages it has read from its
// resident set, so a pass over a 100 GB shard costs one block of memory, not 100 GB.
//
// Design: docs/sharded_inputs.md (the shard format). Format: each shard is a C-order 2-D .npy of any type read_npy_matrix
// reads (float32 is the natural one); every shard has the same number of columns F; the shards, in
// order, stack to the n x F activation matrix. A 1-D shard is one column, as everywhere else.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "neuroncert/core/npy.hpp"

namespace neuroncert::io {

/// The shards named by `spec`: a comma-separated list, or a directory (its *.npy files, and with
/// `with_directories` its subdirectories too, in name order: name them with zero-padded numbers).
/// With `with_directories`, a CSR directory (one holding indptr.npy) is itself the one shard.
/// invalid_argument naming `option` for an empty list or a directory without shards; missing files
/// are left to the readers, which name them.
std::vector<std::filesystem::path> shard_paths(std::string_view option, const std::string& spec,
                                               bool with_directories = false);

/// A read-only memory map of one shard; validated on construction (data_error naming the file:
/// unreadable, not a .npy, truncated, Fortran order).
class mapped_shard {
 public:
  explicit mapped_shard(const std::filesystem::path& path);
  ~mapped_shard();
  mapped_shard(const mapped_shard&) = delete;
  mapped_shard& operator=(const mapped_shard&) = delete;
  mapped_shard(mapped_shard&& other) noexcept;
  mapped_shard& operator=(mapped_shard&&) = delete;

  [[nodiscard]] const std::filesystem::path& path() const { return path_; }
  [[nodiscard]] std::size_t rows() const { return layout_.rows; }
  [[nodiscard]] std::size_t cols() const { return layout_.cols; }

  /// Columns [col_begin, col_end) of rows [row_begin, row_end) as doubles, column by column: value
  /// (i, j) goes to out[(j - col_begin) * stride + (i - row_begin)]. Pages read are then released.
  void copy_columns(std::size_t row_begin, std::size_t row_end, std::size_t col_begin, std::size_t col_end,
                    double* out, std::size_t stride) const;

  /// Throws data_error naming the file, row and column of the first value that is NaN or infinite
  /// (or a bool byte other than 0/1). One pass over the shard, releasing pages as it goes.
  void check_values(std::string_view what) const;

 private:
  std::filesystem::path path_;
  npy_layout layout_;
  const unsigned char* map_ = nullptr;  ///< the whole file
  std::size_t map_bytes_ = 0;
  void release(std::size_t begin_byte, std::size_t end_byte) const;
};

}  // namespace neuroncert::io

// Row shards (row_shards.hpp): listing, mapping, copying columns out, checking values.
#include "neuroncert/core/row_shards.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <system_error>

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <fmt/format.h>

#include "neuroncert/core/error.hpp"

namespace neuroncert::io {
namespace fs = std::filesystem;

std::vector<fs::path> shard_paths(std::string_view option, const std::string& spec, bool with_directories) {
  std::vector<fs::path> out;
  std::error_code ec;
  // A CSR directory (probing_files.hpp) is one shard, not a directory of them.
  if (with_directories && fs::exists(fs::path(spec) / "indptr.npy", ec)) return {fs::path(spec)};
  if (fs::is_directory(spec, ec)) {
    for (const auto& entry : fs::directory_iterator(spec, ec))
      if (entry.path().extension() == ".npy" || (with_directories && entry.is_directory())) out.push_back(entry.path());
    if (ec) throw data_error(fmt::format("{}: cannot list the directory: {}", spec, ec.message()));
    std::sort(out.begin(), out.end());
    if (out.empty())
      throw invalid_argument(fmt::format("{}: the directory {} holds no .npy files{}", option, spec,
                                         with_directories ? " or CSR directories" : ""));
    return out;
  }
  std::size_t start = 0;
  while (start <= spec.size()) {
    const std::size_t comma = std::min(spec.find(',', start), spec.size());
    const std::string item = spec.substr(start, comma - start);
    if (item.empty())
      throw invalid_argument(fmt::format("{}: empty file name in the list '{}' (a comma-separated list of .npy "
                                         "files, or a directory)", option, spec));
    out.emplace_back(item);
    start = comma + 1;
  }
  return out;
}

namespace {

template <class T>
T load(const unsigned char* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

// Rows per step of a pass: about 16 MiB of stored values, so released pages never pile up.
std::size_t rows_per_step(const npy_layout& l) {
  const std::size_t row_bytes = std::max<std::size_t>(1, l.cols * npy_itemsize(l.dtype));
  return std::max<std::size_t>(1, (std::size_t{16} << 20) / row_bytes);
}

}  // namespace

mapped_shard::mapped_shard(const fs::path& path) : path_(path), layout_(read_npy_layout(path, "activation shard")) {
  if (layout_.fortran && layout_.cols > 1)
    throw data_error(fmt::format("{}: stored in Fortran order; a shard must be C order by rows (save it with "
                                 "np.save(path, np.ascontiguousarray(block)))", path.string()));
  std::error_code ec;
  map_bytes_ = static_cast<std::size_t>(fs::file_size(path, ec));
  if (ec) throw data_error(fmt::format("{}: cannot determine the file size: {}", path.string(), ec.message()));
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw data_error(fmt::format("{}: cannot open: {}", path.string(), std::strerror(errno)));
  void* map = ::mmap(nullptr, map_bytes_, PROT_READ, MAP_SHARED, fd, 0);
  const int map_errno = errno;
  ::close(fd);  // the mapping keeps the file
  if (map == MAP_FAILED)
    throw data_error(fmt::format("{}: cannot map the file: {}", path.string(), std::strerror(map_errno)));
  map_ = static_cast<const unsigned char*>(map);
}

mapped_shard::mapped_shard(mapped_shard&& other) noexcept
    : path_(std::move(other.path_)), layout_(other.layout_), map_(other.map_), map_bytes_(other.map_bytes_) {
  other.map_ = nullptr;
  other.map_bytes_ = 0;
}

mapped_shard::~mapped_shard() {
  if (map_) ::munmap(const_cast<unsigned char*>(map_), map_bytes_);
}

void mapped_shard::release(std::size_t begin_byte, std::size_t end_byte) const {
  // Dropping a read-only file page from this process is always safe: the page cache keeps it, and a
  // later read faults it back in. Whole pages only.
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const std::size_t begin = begin_byte / page * page;
  const std::size_t end = std::min(map_bytes_, (end_byte + page - 1) / page * page);
  if (end > begin) ::madvise(const_cast<unsigned char*>(map_) + begin, end - begin, MADV_DONTNEED);
}

void mapped_shard::copy_columns(std::size_t row_begin, std::size_t row_end, std::size_t col_begin, std::size_t col_end,
                                double* out, std::size_t stride) const {
  if (row_begin > row_end || row_end > rows() || col_begin > col_end || col_end > cols())
    throw invalid_argument(fmt::format("mapped_shard::copy_columns: rows [{}, {}) and columns [{}, {}) outside a "
                                       "{} x {} shard", row_begin, row_end, col_begin, col_end, rows(), cols()));
  visit_npy_type(layout_.dtype, [&](auto tag) {
    using T = decltype(tag);
    const std::size_t row_bytes = cols() * sizeof(T);
    const std::size_t step = rows_per_step(layout_);
    for (std::size_t first = row_begin; first < row_end; first += step) {
      const std::size_t last = std::min(row_end, first + step);
      for (std::size_t i = first; i < last; ++i) {
        const unsigned char* row = map_ + layout_.data_offset + i * row_bytes;
        double* dst = out + (i - row_begin);
        for (std::size_t j = col_begin; j < col_end; ++j)
          dst[(j - col_begin) * stride] = static_cast<double>(load<T>(row + j * sizeof(T)));
      }
      release(layout_.data_offset + first * row_bytes, layout_.data_offset + last * row_bytes);
    }
  });
}

void mapped_shard::check_values(std::string_view what) const {
  visit_npy_type(layout_.dtype, [&](auto tag) {
    using T = decltype(tag);
    const std::size_t row_bytes = cols() * sizeof(T);
    const std::size_t step = rows_per_step(layout_);
    for (std::size_t first = 0; first < rows(); first += step) {
      const std::size_t last = std::min(rows(), first + step);
      const unsigned char* block = map_ + layout_.data_offset + first * row_bytes;
      const std::size_t count = (last - first) * cols();
      for (std::size_t k = 0; k < count; ++k) {
        const T v = load<T>(block + k * sizeof(T));
        bool bad = false;
        if constexpr (std::is_floating_point_v<T>) bad = !std::isfinite(v);
        if constexpr (std::is_same_v<T, std::uint8_t>) bad = layout_.dtype == npy_dtype::b1 && v > 1;
        if (bad)
          throw data_error(fmt::format("{}: {} value {} at row {}, column {} (shard row; activations must be finite)",
                                       path_.string(), what, static_cast<double>(v), first + k / cols(), k % cols()));
      }
      release(layout_.data_offset + first * row_bytes, layout_.data_offset + last * row_bytes);
    }
  });
}

}  // namespace neuroncert::io

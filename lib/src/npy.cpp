#include "neuroncert/core/npy.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <cerrno>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <system_error>
#include <type_traits>

#include <fmt/format.h>
#include <unistd.h>

#include "neuroncert/core/error.hpp"

static_assert(std::endian::native == std::endian::little, "neuroncert's .npy I/O assumes a little-endian host");

namespace neuroncert::io {

namespace fs = std::filesystem;

namespace {

constexpr char magic[] = "\x93NUMPY";
constexpr std::size_t magic_len = 6;
constexpr std::size_t array_align = 64;
constexpr std::size_t growth_axis_max_digits = 21;

template <class... Args>
[[noreturn]] void fail(const fs::path& path, fmt::format_string<Args...> f, Args&&... args) {
  throw data_error(fmt::format("{}: {}", path.string(), fmt::format(f, std::forward<Args>(args)...)));
}

/// As fail(), for the reader, whose input is a file or a buffer named by `source`.
template <class... Args>
[[noreturn]] void fail_at(std::string_view source, fmt::format_string<Args...> f, Args&&... args) {
  throw data_error(fmt::format("{}: {}", source, fmt::format(f, std::forward<Args>(args)...)));
}

std::string sys_reason(int err) { return std::system_category().message(err); }

/// Printable one-line rendering of (part of) a header for error messages.
std::string printable(std::string_view s, std::size_t max_len = 80) {
  std::string out;
  for (std::size_t i = 0; i < s.size() && i < max_len; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f)
      out += static_cast<char>(c);
    else
      out += fmt::format("\\x{:02x}", c);
  }
  if (s.size() > max_len) out += "...";
  return out;
}

std::string shape_repr(const std::vector<std::size_t>& shape) {  // Python tuple repr
  if (shape.empty()) return "()";
  if (shape.size() == 1) return fmt::format("({},)", shape[0]);
  return fmt::format("({})", fmt::join(shape, ", "));
}

std::string shape_text(const std::vector<std::size_t>& shape) {  // "10000x512" for messages
  if (shape.empty()) return "scalar";
  return fmt::format("{}", fmt::join(shape, "x"));
}

std::optional<std::size_t> checked_count(const std::vector<std::size_t>& shape) {
  std::size_t n = 1;
  for (auto d : shape) {
    if (d != 0 && n > std::numeric_limits<std::size_t>::max() / d) return std::nullopt;
    n *= d;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Header dict parser (the Python literal NumPy writes with repr()).

struct header_info {
  npy_dtype dtype{};
  bool fortran = false;
  std::vector<std::size_t> shape;
};

class header_parser {
 public:
  header_parser(std::string_view source, std::string_view text) : source_(source), s_(text) {}

  header_info parse() {
    std::optional<std::string> descr;
    bool descr_is_list = false;
    std::optional<bool> fortran;
    std::optional<std::vector<std::size_t>> shape;

    skip_ws();
    expect('{', "the header dict must start with '{'");
    skip_ws();
    while (peek() != '}') {
      const std::string key = parse_string("a quoted key");
      skip_ws();
      expect(':', "expected ':' after a key");
      skip_ws();
      if (key == "descr") {
        if (descr || descr_is_list) malformed("duplicate key 'descr'");
        if (peek() == '[') {
          skip_list();
          descr_is_list = true;
        } else {
          descr = parse_string("a quoted dtype string for 'descr'");
        }
      } else if (key == "fortran_order") {
        if (fortran) malformed("duplicate key 'fortran_order'");
        fortran = parse_bool();
      } else if (key == "shape") {
        if (shape) malformed("duplicate key 'shape'");
        shape = parse_shape();
      } else {
        malformed(fmt::format("unexpected key '{}' (expected only 'descr', 'fortran_order', 'shape')",
                              printable(key)));
      }
      skip_ws();
      if (peek() == ',') {
        ++pos_;
        skip_ws();
      } else if (peek() != '}') {
        malformed("expected ',' or '}' after a value");
      }
    }
    ++pos_;  // '}'
    for (; pos_ < s_.size(); ++pos_) {
      const char c = s_[pos_];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t')
        malformed("unexpected bytes after the header dict (only space padding and '\\n' allowed)");
    }
    if (!descr && !descr_is_list) fail_at(source_, "malformed .npy header: missing key 'descr'");
    if (!fortran) fail_at(source_, "malformed .npy header: missing key 'fortran_order'");
    if (!shape) fail_at(source_, "malformed .npy header: missing key 'shape'");
    if (descr_is_list)
      fail_at(source_, "unsupported dtype: structured arrays (descr given as a list) are not supported");

    header_info h;
    h.dtype = parse_descr(*descr);
    h.fortran = *fortran;
    h.shape = std::move(*shape);
    return h;
  }

 private:
  [[noreturn]] void malformed(std::string_view what) const {
    fail_at(source_, "malformed .npy header at byte {}: {}: {}", pos_, what, printable(s_));
  }
  char peek() const {
    if (pos_ >= s_.size()) malformed("unexpected end of the header");
    return s_[pos_];
  }
  void skip_ws() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
      ++pos_;
  }
  void expect(char c, std::string_view what) {
    if (peek() != c) malformed(what);
    ++pos_;
  }
  std::string parse_string(std::string_view what) {
    const char q = peek();
    if (q != '\'' && q != '"') malformed(fmt::format("expected {}", what));
    ++pos_;
    std::string out;
    for (;;) {
      const char c = peek();
      ++pos_;
      if (c == q) return out;
      if (c == '\\') {
        out += peek();
        ++pos_;
      } else {
        out += c;
      }
    }
  }
  bool parse_bool() {
    if (s_.substr(pos_, 4) == "True") {
      pos_ += 4;
      return true;
    }
    if (s_.substr(pos_, 5) == "False") {
      pos_ += 5;
      return false;
    }
    malformed("'fortran_order' must be True or False");
  }
  void skip_list() {  // a structured descr: skip the balanced [...] (respecting quotes)
    int depth = 0;
    do {
      const char c = peek();
      if (c == '\'' || c == '"') {
        parse_string("a string");
        continue;
      }
      if (c == '[' || c == '(') ++depth;
      if (c == ']' || c == ')') --depth;
      ++pos_;
    } while (depth > 0);
  }
  std::size_t parse_dim() {
    if (peek() == '-') malformed("negative dimension in 'shape'");
    if (peek() < '0' || peek() > '9') malformed("'shape' must be a tuple of non-negative integers");
    std::size_t v = 0;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') {
      const auto d = static_cast<std::size_t>(s_[pos_] - '0');
      if (v > (std::numeric_limits<std::size_t>::max() - d) / 10) malformed("dimension in 'shape' overflows");
      v = v * 10 + d;
      ++pos_;
    }
    if (pos_ < s_.size() && (s_[pos_] == 'L' || s_[pos_] == 'l')) ++pos_;  // Python 2 long
    return v;
  }
  std::vector<std::size_t> parse_shape() {
    expect('(', "'shape' must be a tuple such as (2, 3) or (5,)");
    std::vector<std::size_t> shape;
    skip_ws();
    if (peek() == ')') {
      ++pos_;
      return shape;
    }
    for (;;) {
      skip_ws();
      shape.push_back(parse_dim());
      skip_ws();
      if (peek() == ')') {
        ++pos_;
        return shape;
      }
      expect(',', "expected ',' or ')' in 'shape'");
      skip_ws();
      if (peek() == ')') {
        ++pos_;
        return shape;
      }
    }
  }
  npy_dtype parse_descr(const std::string& d) const {
    const std::string shown = printable(d);
    if (d.size() == 3) {
      const char order = d[0];
      const std::string_view code = std::string_view(d).substr(1);
      const bool any_order = order == '|' || order == '<' || order == '>' || order == '=';
      if (any_order && code == "u1") return npy_dtype::u1;
      if (any_order && code == "b1") return npy_dtype::b1;
      const bool known = code == "f4" || code == "f8" || code == "i4" || code == "i8";
      if (known && order == '<') {
        if (code == "f4") return npy_dtype::f4;
        if (code == "f8") return npy_dtype::f8;
        if (code == "i4") return npy_dtype::i4;
        return npy_dtype::i8;
      }
      if (known && order == '>') fail_at(source_, "unsupported dtype '{}' (big-endian)", shown);
      if (known && order == '=')
        fail_at(source_, "unsupported dtype '{}' (native byte order is ambiguous in a file; expected '<')", shown);
    }
    if (!d.empty() && d[0] == '>') fail_at(source_, "unsupported dtype '{}' (big-endian)", shown);
    fail_at(source_, "unsupported dtype '{}' (supported: <f4, <f8, |u1, |b1, <i4, <i8)", shown);
  }

  std::string_view source_;
  std::string_view s_;
  std::size_t pos_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Reading.

struct file_closer {
  void operator()(std::FILE* f) const {
    if (f) std::fclose(f);
  }
};
using file_ptr = std::unique_ptr<std::FILE, file_closer>;

/// Where the bytes of a .npy come from: an open file or a buffer in memory, read sequentially.
/// `size` is the total number of bytes; every check against it happens before anything of that
/// size is allocated, so a corrupt header can never ask for more memory than the input holds.
struct npy_input {
  std::string_view source;    // names the input in messages (the path of a file)
  std::uintmax_t size = 0;
  std::FILE* file = nullptr;  // a file, or else
  std::string_view bytes;     // a buffer
  std::size_t pos = 0;

  void read(void* dst, std::size_t n, std::string_view what) {
    std::size_t got = 0;
    if (file) {
      got = std::fread(dst, 1, n, file);
      if (got != n && std::ferror(file)) fail_at(source, "read error in {}: {}", what, sys_reason(errno));
    } else {
      got = std::min(n, bytes.size() - pos);
      if (got > 0) std::memcpy(dst, bytes.data() + pos, got);
      pos += got;
    }
    if (got != n) fail_at(source, "truncated {}: expected {} bytes but only {} could be read", what, n, got);
  }
};

struct opened_npy {
  header_info header;
  std::size_t count = 0;  // elements
};

/// Validates everything up to the start of the data (including that exactly the declared number
/// of data bytes follow) and leaves the input at the first data byte.
opened_npy open_npy(npy_input& in) {
  const std::string_view src = in.source;
  const std::uintmax_t size = in.size;
  if (size == 0) fail_at(src, "empty file (0 bytes), not a .npy file");

  opened_npy o;
  unsigned char pre[12];
  const std::size_t pre_len = static_cast<std::size_t>(std::min<std::uintmax_t>(size, 8));
  in.read(pre, pre_len, "header");
  if (pre_len < magic_len && std::memcmp(pre, magic, pre_len) == 0)
    fail_at(src, "truncated header: file ends after {} bytes, inside the magic string", size);
  if (pre_len < magic_len || std::memcmp(pre, magic, magic_len) != 0)
    fail_at(src, "not a .npy file (the magic string \\x93NUMPY is missing; file starts with '{}')",
            printable(std::string_view(reinterpret_cast<const char*>(pre), pre_len), 8));
  if (pre_len < 8) fail_at(src, "truncated header: file ends after {} bytes, inside the version field", size);
  const unsigned major = pre[6], minor = pre[7];
  if (major < 1 || major > 3 || minor != 0)
    fail_at(src, "unsupported .npy format version {}.{} (supported: 1.0, 2.0, 3.0)", major, minor);
  const std::size_t len_bytes = major == 1 ? 2 : 4;
  const std::size_t prefix = 8 + len_bytes;
  if (size < prefix) fail_at(src, "truncated header: file ends after {} bytes, inside the header length field", size);
  in.read(pre + 8, len_bytes, "header");
  std::size_t header_len = 0;
  for (std::size_t i = 0; i < len_bytes; ++i) header_len |= static_cast<std::size_t>(pre[8 + i]) << (8 * i);
  if (size - prefix < header_len)
    fail_at(src, "truncated header: declares {} header bytes but only {} follow", header_len, size - prefix);
  std::string text(header_len, '\0');
  in.read(text.data(), header_len, "header");

  o.header = header_parser(src, text).parse();
  const auto count = checked_count(o.header.shape);
  const npy_dtype t = o.header.dtype;
  if (!count || *count > std::numeric_limits<std::size_t>::max() / npy_itemsize(t))
    fail_at(src, "shape {} overflows: too many elements", shape_repr(o.header.shape));
  o.count = *count;
  const std::uintmax_t expected = static_cast<std::uintmax_t>(o.count) * npy_itemsize(t);
  const std::uintmax_t follow = size - prefix - header_len;
  if (follow < expected)
    fail_at(src, "truncated data: header declares {} {} ({} bytes) but only {} bytes follow",
            shape_text(o.header.shape), npy_type_name(t), expected, follow);
  if (follow > expected)
    fail_at(src, "trailing data: header declares {} {} ({} bytes) but {} bytes follow", shape_text(o.header.shape),
            npy_type_name(t), expected, follow);
  return o;
}

/// An opened .npy file: the checks a path needs before its bytes are read.
struct npy_file {
  std::string name;
  file_ptr file;
  npy_input in;
};

std::unique_ptr<npy_file> open_file(const fs::path& path) {
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) fail(path, "cannot open: {}", ec ? ec.message() : "No such file or directory");
  if (fs::is_directory(status)) fail(path, "cannot open: is a directory");
  const std::uintmax_t size = fs::file_size(path, ec);
  if (ec) fail(path, "cannot determine the file size: {}", ec.message());

  auto f = std::make_unique<npy_file>();
  f->name = path.string();
  f->file.reset(std::fopen(path.c_str(), "rb"));
  if (!f->file) fail(path, "cannot open: {}", sys_reason(errno));
  f->in.source = f->name;
  f->in.size = size;
  f->in.file = f->file.get();
  return f;
}

npy_input memory_input(std::string_view bytes, std::string_view source) {
  npy_input in;
  in.source = source;
  in.size = bytes.size();
  in.bytes = bytes;
  return in;
}

template <class T>
std::vector<T> read_raw(const opened_npy& o, npy_input& in) {
  std::vector<T> buf(o.count);
  if (o.count > 0) in.read(buf.data(), o.count * sizeof(T), "data");
  if (o.header.dtype == npy_dtype::b1) {
    if constexpr (std::is_same_v<T, std::uint8_t>) {
      const auto it = std::find_if(buf.begin(), buf.end(), [](std::uint8_t v) { return v > 1; });
      if (it != buf.end())
        fail_at(in.source, "invalid bool value {} at element {} (bool data must be 0 or 1)",
                static_cast<unsigned>(*it), it - buf.begin());
    }
  }
  return buf;
}

/// Converts raw values into C order doubles, transposing a Fortran-order source.
template <class T>
std::vector<double> to_c_order(const std::vector<T>& in, const std::vector<std::size_t>& full_shape, bool fortran) {
  // Axes of length 1 move no offset, so they are dropped: the walk below then costs at most
  // (values) x (axes longer than 1, fewer than 64), however many unit axes the header lists.
  std::vector<std::size_t> shape;
  for (const auto d : full_shape)
    if (d != 1) shape.push_back(d);
  std::vector<double> out(in.size());
  if (!fortran || shape.size() < 2) {
    std::transform(in.begin(), in.end(), out.begin(), [](T v) { return static_cast<double>(v); });
    return out;
  }
  const std::size_t nd = shape.size();
  std::vector<std::size_t> stride(nd), idx(nd, 0);  // Fortran strides in elements
  stride[0] = 1;
  for (std::size_t a = 1; a < nd; ++a) stride[a] = stride[a - 1] * shape[a - 1];
  std::size_t off = 0;
  for (std::size_t c = 0; c < out.size(); ++c) {
    out[c] = static_cast<double>(in[off]);
    for (std::size_t a = nd; a-- > 0;) {
      if (++idx[a] < shape[a]) {
        off += stride[a];
        break;
      }
      off -= stride[a] * (shape[a] - 1);
      idx[a] = 0;
    }
  }
  return out;
}


// ---------------------------------------------------------------------------------------------
// Writing.

std::size_t checked_write_count(const fs::path& path, const std::vector<std::size_t>& shape, std::size_t itemsize,
                                const void* data) {
  const auto count = checked_count(shape);
  if (!count || *count > std::numeric_limits<std::size_t>::max() / itemsize)
    throw invalid_argument(fmt::format("{}: cannot write shape {}: too many elements", path.string(), shape_repr(shape)));
  if (*count > 0 && data == nullptr)
    throw invalid_argument(
        fmt::format("{}: cannot write shape {}: data pointer is null", path.string(), shape_repr(shape)));
  return *count;
}

void write_flat(const fs::path& path, npy_dtype t, const void* data, const std::vector<std::size_t>& shape,
                output_transaction* transaction) {
  const std::size_t count = checked_write_count(path, shape, npy_itemsize(t), data);
  atomic_writer w(path, transaction);
  w.write(npy_header(t, shape));
  if (count > 0) w.write(data, count * npy_itemsize(t));
  w.commit();
}

template <class Matrix>
void write_matrix(const fs::path& path, npy_dtype t, const Matrix& m, output_transaction* transaction) {
  using scalar = typename Matrix::Scalar;
  using row_major = Eigen::Matrix<scalar, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  const auto rows = static_cast<std::size_t>(m.rows()), cols = static_cast<std::size_t>(m.cols());
  atomic_writer w(path, transaction);
  w.write(npy_header(t, {rows, cols}));
  if (rows > 0 && cols > 0) {
    // Transpose to C order block by block (about 4 MiB at a time) rather than copying it whole.
    const std::size_t block = std::max<std::size_t>(1, (std::size_t{4} << 20) / (cols * sizeof(scalar)));
    row_major buf;
    for (std::size_t r = 0; r < rows; r += block) {
      const auto k = static_cast<Eigen::Index>(std::min(block, rows - r));
      buf = m.middleRows(static_cast<Eigen::Index>(r), k);
      w.write(buf.data(), static_cast<std::size_t>(buf.size()) * sizeof(scalar));
    }
  }
  w.commit();
}

}  // namespace

// -------------------------------------------------------------------------------------------------

std::string_view npy_descr(npy_dtype t) {
  switch (t) {
    case npy_dtype::f4: return "<f4";
    case npy_dtype::f8: return "<f8";
    case npy_dtype::u1: return "|u1";
    case npy_dtype::b1: return "|b1";
    case npy_dtype::i4: return "<i4";
    case npy_dtype::i8: return "<i8";
  }
  return "?";
}

std::string_view npy_type_name(npy_dtype t) {
  switch (t) {
    case npy_dtype::f4: return "float32";
    case npy_dtype::f8: return "float64";
    case npy_dtype::u1: return "uint8";
    case npy_dtype::b1: return "bool";
    case npy_dtype::i4: return "int32";
    case npy_dtype::i8: return "int64";
  }
  return "?";
}

std::size_t npy_itemsize(npy_dtype t) {
  switch (t) {
    case npy_dtype::f4: return 4;
    case npy_dtype::f8: return 8;
    case npy_dtype::u1:
    case npy_dtype::b1: return 1;
    case npy_dtype::i4: return 4;
    case npy_dtype::i8: return 8;
  }
  return 1;
}

std::string npy_header(npy_dtype t, const std::vector<std::size_t>& shape) {
  std::string dict =
      fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': {}, }}", npy_descr(t), shape_repr(shape));
  if (!shape.empty()) {  // NumPy's spare room for growing axis 0 in place
    const std::size_t digits = fmt::formatted_size("{}", shape[0]);
    if (digits < growth_axis_max_digits) dict.append(growth_axis_max_digits - digits, ' ');
  }
  const std::size_t hlen = dict.size() + 1;  // + '\n'
  std::size_t prefix = magic_len + 2 + 2;
  std::size_t pad = array_align - (prefix + hlen) % array_align;
  unsigned char major = 1;
  if (hlen + pad >= (std::size_t{1} << 16)) {
    major = 2;
    prefix = magic_len + 2 + 4;
    pad = array_align - (prefix + hlen) % array_align;
  }
  const std::size_t total_len = hlen + pad;
  std::string out(magic, magic_len);
  out += static_cast<char>(major);
  out += '\0';
  for (std::size_t i = 0; i < (major == 1 ? 2u : 4u); ++i) out += static_cast<char>((total_len >> (8 * i)) & 0xff);
  out += dict;
  out.append(pad, ' ');
  out += '\n';
  return out;
}

namespace {

npy_array read_npy_from(npy_input& in) {
  const opened_npy o = open_npy(in);
  npy_array a;
  a.dtype = o.header.dtype;
  a.shape = o.header.shape;
  a.values = visit_npy_type(a.dtype, [&](auto tag) {
    using T = decltype(tag);
    const std::vector<T> raw = read_raw<T>(o, in);
    return to_c_order(raw, o.header.shape, o.header.fortran);
  });
  return a;
}

/// Shape checks shared by the matrix readers: a 1-D or 2-D array, dimensions Eigen can index.
std::pair<std::size_t, std::size_t> matrix_shape(const opened_npy& o, const npy_input& in, std::string_view what) {
  const auto& shape = o.header.shape;
  if (shape.size() != 1 && shape.size() != 2)
    fail_at(in.source, "{} must be a 1-D or 2-D array, got shape {}", what, shape_repr(shape));
  const std::size_t rows = shape[0], cols = shape.size() == 2 ? shape[1] : 1;
  constexpr auto index_max = static_cast<std::size_t>(std::numeric_limits<Eigen::Index>::max());
  if (rows > index_max || cols > index_max) fail_at(in.source, "{}: shape {} is too large", what, shape_repr(shape));
  return {rows, cols};
}

Eigen::MatrixXd read_matrix_from_opened(const opened_npy& o, npy_input& in) {
  const auto& shape = o.header.shape;
  const auto r = static_cast<Eigen::Index>(shape[0]), c = static_cast<Eigen::Index>(shape.size() == 2 ? shape[1] : 1);
  // No values: Eigen's copy would still loop over every column (or row) of a (0, 10^13) array.
  if (o.count == 0) return Eigen::MatrixXd(r, c);
  return visit_npy_type(o.header.dtype, [&](auto tag) -> Eigen::MatrixXd {
    using T = decltype(tag);
    const std::vector<T> raw = read_raw<T>(o, in);
    if (o.header.fortran || c == 1) {
      return Eigen::Map<const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>>(raw.data(), r, c)
          .template cast<double>();
    }
    return Eigen::Map<const Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(raw.data(), r, c)
        .template cast<double>();
  });
}

Eigen::MatrixXd read_matrix_from(npy_input& in, std::string_view what) {
  const opened_npy o = open_npy(in);
  matrix_shape(o, in, what);
  return read_matrix_from_opened(o, in);
}

void stream_rows_from(npy_input& in, std::string_view what, const npy_row_sink& sink) {
  const opened_npy o = open_npy(in);
  // Plain variables, not a structured binding: the lambda below captures them (clang before 16
  // rejects capturing bindings).
  const auto shape = matrix_shape(o, in, what);
  const std::size_t rows = shape.first, cols = shape.second;
  sink.shape(rows, cols);
  if (o.count == 0) return;
  if (o.header.fortran && cols > 1) {  // stored by columns: read whole, hand over in C order
    const auto m = read_matrix_from_opened(o, in);
    std::vector<double> row(cols);
    for (std::size_t i = 0; i < rows; ++i) {
      for (std::size_t j = 0; j < cols; ++j) row[j] = m(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j));
      sink.rows(i, 1, row.data());
    }
    return;
  }
  // About 4 MiB of raw values per block, whole rows, at least one.
  const std::size_t block_rows = std::max<std::size_t>(1, (std::size_t{4} << 20) / (cols * npy_itemsize(o.header.dtype)));
  visit_npy_type(o.header.dtype, [&](auto tag) {
    using T = decltype(tag);
    std::vector<T> raw;
    std::vector<double> values;
    std::size_t element = 0;
    for (std::size_t first = 0; first < rows; first += block_rows) {
      const std::size_t count = std::min(block_rows, rows - first);
      raw.resize(count * cols);
      in.read(raw.data(), raw.size() * sizeof(T), "data");
      if constexpr (std::is_same_v<T, std::uint8_t>) {
        if (o.header.dtype == npy_dtype::b1) {
          const auto it = std::find_if(raw.begin(), raw.end(), [](std::uint8_t v) { return v > 1; });
          if (it != raw.end())
            fail_at(in.source, "invalid bool value {} at element {} (bool data must be 0 or 1)",
                    static_cast<unsigned>(*it), element + static_cast<std::size_t>(it - raw.begin()));
        }
      }
      values.assign(raw.begin(), raw.end());
      sink.rows(first, count, values.data());
      element += raw.size();
    }
  });
}

}  // namespace

void stream_npy_rows(const fs::path& path, std::string_view what, const npy_row_sink& sink) {
  stream_rows_from(open_file(path)->in, what, sink);
}

Eigen::MatrixXd read_npy_matrix_by_rows(const fs::path& path, std::string_view what) {
  Eigen::MatrixXd m;
  std::size_t cols = 0;
  stream_npy_rows(path, what,
                  {[&](std::size_t r, std::size_t c) {
                     m.resize(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(c));
                     cols = c;
                   },
                   [&](std::size_t first, std::size_t count, const double* values) {
                     // Column by column within the block: each column of m is written contiguously.
                     for (std::size_t j = 0; j < cols; ++j) {
                       double* column = m.col(static_cast<Eigen::Index>(j)).data() + first;
                       for (std::size_t i = 0; i < count; ++i) column[i] = values[i * cols + j];
                     }
                   }});
  return m;
}

npy_layout read_npy_layout(const fs::path& path, std::string_view what) {
  const auto file = open_file(path);
  const opened_npy o = open_npy(file->in);
  const auto [rows, cols] = matrix_shape(o, file->in, what);
  // open_npy leaves the file at the first value: the bytes before it are the offset.
  const long offset = std::ftell(file->file.get());
  if (offset < 0) fail(path, "cannot determine the data offset: {}", sys_reason(errno));
  return {o.header.dtype, rows, cols, o.header.fortran, static_cast<std::uint64_t>(offset)};
}

npy_array read_npy(const fs::path& path) { return read_npy_from(open_file(path)->in); }

Eigen::MatrixXd read_npy_matrix(const fs::path& path, std::string_view what) {
  return read_matrix_from(open_file(path)->in, what);
}

npy_array parse_npy(std::string_view bytes, std::string_view source) {
  npy_input in = memory_input(bytes, source);
  return read_npy_from(in);
}

Eigen::MatrixXd parse_npy_matrix(std::string_view bytes, std::string_view source, std::string_view what) {
  npy_input in = memory_input(bytes, source);
  return read_matrix_from(in, what);
}

void write_npy(const fs::path& path, const float* data, const std::vector<std::size_t>& shape,
               output_transaction* transaction) {
  write_flat(path, npy_dtype::f4, data, shape, transaction);
}
void write_npy(const fs::path& path, const double* data, const std::vector<std::size_t>& shape,
               output_transaction* transaction) {
  write_flat(path, npy_dtype::f8, data, shape, transaction);
}
void write_npy(const fs::path& path, const std::uint8_t* data, const std::vector<std::size_t>& shape,
               output_transaction* transaction) {
  write_flat(path, npy_dtype::u1, data, shape, transaction);
}
void write_npy(const fs::path& path, const std::int64_t* data, const std::vector<std::size_t>& shape,
               output_transaction* transaction) {
  write_flat(path, npy_dtype::i8, data, shape, transaction);
}
void write_npy(const fs::path& path, const Eigen::MatrixXd& m, output_transaction* transaction) {
  write_matrix(path, npy_dtype::f8, m, transaction);
}
void write_npy(const fs::path& path, const Eigen::MatrixXf& m, output_transaction* transaction) {
  write_matrix(path, npy_dtype::f4, m, transaction);
}

}  // namespace neuroncert::io

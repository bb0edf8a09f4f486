// Identify results as bytes (identify_wire.hpp).
#include "neuroncert/studies/identify_wire.hpp"

#include <cstring>
#include <optional>
#include <type_traits>

#include "neuroncert/core/error.hpp"

namespace neuroncert::studies {
namespace {

class writer {
 public:
  template <class T>
    requires std::is_arithmetic_v<T>
  void put(T v) {
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    out.append(b, sizeof(T));
  }
  void put(const std::string& s) {
    put<std::uint64_t>(s.size());
    out += s;
  }
  template <class T>
  void put(const std::optional<T>& v) {
    put<std::uint8_t>(v ? 1 : 0);
    if (v) put(*v);
  }
  void put(const bounds::interval& i) {
    put(i.lower);
    put(i.upper);
  }
  template <class T>
  void put(const std::vector<T>& v) {
    put<std::uint64_t>(v.size());
    for (const auto& x : v) put(x);
  }
  void put(const concept_frequency& c) {
    put(c.concept_index);
    put(c.count);
    put(c.frequency);
  }
  std::string out;
};

class reader {
 public:
  explicit reader(const std::string& bytes) : s_(bytes) {}
  template <class T>
    requires std::is_arithmetic_v<T>
  void get(T& v) {
    need(sizeof(T));
    std::memcpy(&v, s_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
  }
  void get(std::string& v) {
    const auto n = count();
    need(n);
    v.assign(s_.data() + pos_, n);
    pos_ += n;
  }
  template <class T>
  void get(std::optional<T>& v) {
    std::uint8_t present = 0;
    get(present);
    v.reset();
    if (present) get(v.emplace());
  }
  void get(bounds::interval& i) {
    get(i.lower);
    get(i.upper);
  }
  template <class T>
  void get(std::vector<T>& v) {
    const auto n = count();
    v.assign(n, T{});
    for (auto& x : v) get(x);
  }
  void get(concept_frequency& c) {
    get(c.concept_index);
    get(c.count);
    get(c.frequency);
  }
  [[nodiscard]] bool done() const { return pos_ == s_.size(); }

 private:
  std::uint64_t count() {
    std::uint64_t n = 0;
    get(n);
    if (n > s_.size() - pos_) fail();  // every element takes at least one byte
    return n;
  }
  void need(std::size_t n) const {
    if (n > s_.size() - pos_) fail();
  }
  [[noreturn]] static void fail() { throw data_error("identify results from a rank are truncated or corrupt"); }
  const std::string& s_;
  std::size_t pos_ = 0;
};

// One field list per struct, used by both directions so they cannot drift apart.
template <class IO, class Id>
void fields(IO& io, Id& id) {
  io(id.concept_index, id.estimate, id.skipped, id.has_bound, id.bound, id.effective_n, id.rate, id.certified,
     id.clopper_pearson, id.gap, id.gap_vacuous, id.candidates.method, id.candidates.lcb_concept,
     id.candidates.lcb_interval, id.candidates.members, id.candidates.below_min_support);
}
template <class IO, class S>
void stability_fields(IO& io, S& s) {
  io(s.neuron, s.full_set_concept, s.frequencies, s.unidentified, s.summary.top_concept, s.summary.top1_frequency,
     s.summary.coverage90_size, s.be.concepts, s.be.cumulative, s.be.reached, s.plugin.margin, s.plugin.p,
     s.plugin.bound, s.plugin.bound_tightened, s.plugin.paper_eq9, s.plugin.reason);
}

}  // namespace

std::string encode(const finished_neurons& n) {
  writer w;
  const auto put_all = [&](const auto&... x) { (w.put(x), ...); };
  w.put(n.index);
  w.put<std::uint64_t>(n.identification.size());
  for (const auto& id : n.identification) fields(put_all, id);
  w.put<std::uint64_t>(n.stability.size());
  for (const auto& s : n.stability) stability_fields(put_all, s);
  return std::move(w.out);
}

finished_neurons decode_finished_neurons(const std::string& bytes) {
  reader r(bytes);
  const auto get_all = [&](auto&... x) { (r.get(x), ...); };
  finished_neurons n;
  r.get(n.index);
  std::uint64_t count = 0;
  r.get(count);
  if (count != n.index.size()) throw data_error("identify results from a rank are truncated or corrupt");
  n.identification.resize(count);
  for (auto& id : n.identification) fields(get_all, id);
  r.get(count);
  if (count != 0 && count != n.index.size()) throw data_error("identify results from a rank are truncated or corrupt");
  n.stability.resize(count);
  for (auto& s : n.stability) stability_fields(get_all, s);
  if (!r.done()) throw data_error("identify results from a rank are truncated or corrupt");
  return n;
}

}  // namespace neuroncert::studies

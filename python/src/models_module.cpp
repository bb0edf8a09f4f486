// neuroncert._models: the model functions of the Python package (they load LibTorch, so the package
// imports this module only when one is first called). extract() runs the study behind `neuroncert
// extract` (studies/extract_study.hpp) in memory and returns NumPy arrays, on CIFAR, on a uint8 array
// of images, or on image files (images=DIR / files=[...]); read_image() gives the pixels neuroncert
// decodes from a file (models/image_decode.hpp).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstring>
#include <string>

#include <fmt/format.h>

#include <ATen/Functions.h>

#include "errors.hpp"

#include "neuroncert/core/error.hpp"
#include "neuroncert/core/thread_limit.hpp"
#include "neuroncert/models/image_decode.hpp"
#include "neuroncert/studies/extract_study.hpp"

namespace py = pybind11;

namespace neuroncert::python {
namespace {

py::array_t<float> float_array(const at::Tensor& t) {
  const auto c = t.contiguous();
  py::array_t<float> out({c.size(0), c.size(1)});
  std::memcpy(out.mutable_data(), c.data_ptr<float>(), static_cast<std::size_t>(c.numel()) * sizeof(float));
  return out;
}

/// images: uint8 [n, 3, H, W], C-contiguous (the Python layer makes it so), as a tensor over a copy.
at::Tensor image_tensor(const py::array& images) {
  if (images.ndim() != 4 || images.shape(1) != 3)
    throw py::value_error(fmt::format("images: expected uint8 [n, 3, H, W], got a {}-D array", images.ndim()));
  if (!py::isinstance<py::array_t<std::uint8_t>>(images))
    throw py::type_error("images: expected dtype uint8 (pixels 0..255)");
  const auto c = py::array_t<std::uint8_t, py::array::c_style>::ensure(images);
  std::vector<std::int64_t> shape(c.shape(), c.shape() + 4);
  auto t = at::empty(shape, at::TensorOptions().dtype(at::kByte));
  std::memcpy(t.data_ptr<std::uint8_t>(), c.data(), static_cast<std::size_t>(c.size()));
  return t;
}

py::dict extract(const std::string& model, const py::object& data, const std::string& layer, const std::string& pool,
                 std::int64_t batch_size, int threads, const std::string& data_dir, std::int64_t limit,
                 const std::string& subset, const std::string& norm, const std::string& image_dir,
                 const std::vector<std::string>& files, const std::string& files_list, const std::string& labels,
                 std::int64_t resize, std::int64_t crop, bool skip_bad) {
  // 0: the study's default for the input size (studies::default_batch_size); the wrapper refuses 0 typed in.
  if (batch_size < 0) throw invalid_argument(fmt::format("batch_size must be at least 1, got {}", batch_size));
  check_threads("threads", threads);
  studies::extract_request r;
  r.model = model;
  r.layer = layer;
  r.pool = pool;
  r.norm = norm;
  r.data_dir = data_dir;
  r.limit = limit;
  r.subset = subset;
  r.batch_size = batch_size;
  r.threads = threads;
  r.images = image_dir;
  r.files = files_list;
  r.file_names = files;
  r.labels = labels;
  r.resize = resize;
  r.crop = crop;
  r.skip_bad = skip_bad;
  py::dict out;
  if (py::isinstance<py::str>(data) || studies::is_image_run(r)) {
    if (py::isinstance<py::str>(data)) r.data = data.cast<std::string>();
    studies::extracted_layer x;
    {
      py::gil_scoped_release release;
      x = studies::extract_in_memory(r);
    }
    const auto& c = x.concepts.matrix;
    out["activations"] = float_array(x.activations);
    if (c.scalar_type() == at::kFloat) {
      out["concepts"] = float_array(c);
    } else {
      py::array_t<std::uint8_t> concepts({c.size(0), c.size(1)});
      std::memcpy(concepts.mutable_data(), c.data_ptr<std::uint8_t>(), static_cast<std::size_t>(c.numel()));
      out["concepts"] = concepts;
    }
    out["concept_names"] = x.concepts.names;
    if (studies::is_image_run(r)) {
      out["files"] = x.files;
      if (!x.classes.empty()) out["labels"] = x.classes;
      if (!x.class_names.empty()) out["classes"] = x.class_names;
      py::list skipped;
      for (const auto& [file, why] : x.skipped) skipped.append(py::make_tuple(file, why));
      out["skipped"] = skipped;
      out["resize"] = x.resize;
      out["crop"] = x.crop;
      out["normalization"] = x.normalization;
    } else {
      out["labels"] = x.images.labels;
      if (!x.images.coarse.empty()) out["coarse_labels"] = x.images.coarse;
    }
    out["model"] = x.model_name;
    out["pool"] = x.pool;
    return out;
  }
  const at::Tensor pixels = image_tensor(py::array::ensure(data));
  at::Tensor acts;
  {
    py::gil_scoped_release release;
    acts = studies::extract_from_images(r, pixels);
  }
  out["activations"] = float_array(acts);
  return out;
}

/// The decoded pixels of an image file, uint8 [H, W, 3] (as np.asarray(PIL.Image.open(f).convert("RGB"))).
py::array_t<std::uint8_t> read_image(const std::string& path) {
  models::RgbImage img;
  {
    py::gil_scoped_release release;
    img = models::read_image(path);
  }
  py::array_t<std::uint8_t> out({img.height, img.width, std::int64_t{3}});
  std::memcpy(out.mutable_data(), img.pixels.data(), img.pixels.size());
  return out;
}

}  // namespace
}  // namespace neuroncert::python

PYBIND11_MODULE(_models, mod) {
  mod.doc() = "neuroncert's model functions (LibTorch). Use neuroncert.extract.";
  neuroncert::python::register_error_translation();
  mod.def("extract", &neuroncert::python::extract);
  mod.def("read_image", &neuroncert::python::read_image);
  mod.attr("default_data_dir") = std::string(NEURONCERT_DATA_DIR);
}

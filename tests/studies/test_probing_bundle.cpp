// The probing bundle: activations, concepts and names from files, in one reader.
#include "models/catch_torch.hpp"  // first: LibTorch's CHECK macro (this suite links the model studies)

#include <fstream>

#include "neuroncert/core/error.hpp"
#include "neuroncert/core/npy.hpp"
#include "neuroncert/core/sparse_concepts.hpp"
#include "neuroncert/studies/probing_bundle.hpp"
#include "temp_dir.hpp"

using namespace neuroncert;

TEST_CASE("load_probing_bundle: matrices, names and the default names", "[studies][bundle]") {
  test::per_test_dir dir;
  Eigen::MatrixXf a(4, 2);
  a << 0.5f, 1, -1, 2, 3, 0, 0.25f, 1;
  Eigen::MatrixXd c(4, 3);
  c << 1, 0, 1, 0, 1, 0, 1, 1, 0, 0, 0, 1;
  io::write_npy(dir / "a.npy", a);
  io::write_npy(dir / "c.npy", c);
  std::ofstream(dir / "names.txt") << "cat\ndog\nbird\n";

  const auto b = studies::load_probing_bundle(dir / "a.npy", dir / "c.npy", dir / "names.txt");
  CHECK(b.set.samples() == 4);
  CHECK(b.set.neurons() == 2);
  CHECK(b.set.concept_count() == 3);
  CHECK(b.set.activations == a.cast<double>());
  // Read from files, the concepts are held as sparse rows only (no dense copy: 0 x 0).
  const auto want = sparse_from_dense(c);
  CHECK(b.set.sparse.row_start == want.row_start);
  CHECK(b.set.sparse.index == want.index);
  CHECK(b.set.sparse.value == want.value);
  CHECK(b.names == std::vector<std::string>{"cat", "dog", "bird"});

  const auto unnamed = studies::load_probing_bundle(dir / "a.npy", dir / "c.npy");
  CHECK(unnamed.names == std::vector<std::string>{"concept_0", "concept_1", "concept_2"});
  CHECK(studies::default_concept_names(0).empty());
}

TEST_CASE("load_probing_bundle: a wrong names file or mismatched rows is a data_error", "[studies][bundle]") {
  test::per_test_dir dir;
  io::write_npy(dir / "a.npy", Eigen::MatrixXd::Ones(4, 2).eval());
  io::write_npy(dir / "c.npy", Eigen::MatrixXd::Ones(3, 2).eval());
  io::write_npy(dir / "c4.npy", Eigen::MatrixXd::Ones(4, 2).eval());
  std::ofstream(dir / "names.txt") << "one\n";
  CHECK_THROWS_AS(studies::load_probing_bundle(dir / "a.npy", dir / "c.npy"), data_error);
  CHECK_THROWS_AS(studies::load_probing_bundle(dir / "a.npy", dir / "c4.npy", dir / "names.txt"), data_error);
  CHECK_THROWS_AS(studies::load_probing_bundle(dir / "missing.npy", dir / "c4.npy"), data_error);
}

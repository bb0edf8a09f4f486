// Outputs whole or absent: atomic_writer, output_transaction, write_text_file (output_files.hpp).
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "neuroncert/core/error.hpp"
#include "neuroncert/core/json_io.hpp"
#include "neuroncert/core/npy.hpp"
#include "neuroncert/core/output_files.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace neuroncert;
using namespace neuroncert::io;
using neuroncert::test::error_of;
using neuroncert::test::slurp;

namespace {
std::size_t files_in(const fs::path& dir) {
  return static_cast<std::size_t>(std::distance(fs::directory_iterator(dir), fs::directory_iterator()));
}
}  // namespace

TEST_CASE("output files: a writer works under <target>.partial and renames on commit", "[output]") {
  neuroncert::test::per_test_dir t;
  const fs::path target = t / "a.txt";
  {
    atomic_writer w(target);
    w.write("hello");
    w.flush();
    CHECK(slurp(t / "a.txt.partial") == "hello");
    CHECK(!fs::exists(target));
    w.commit();
  }
  CHECK(slurp(target) == "hello");
  CHECK(files_in(t.dir) == 1);
  // Not committed: the temporary goes, the earlier file stays.
  {
    atomic_writer w(target);
    w.write("bye");
  }
  CHECK(slurp(target) == "hello");
  CHECK(files_in(t.dir) == 1);
  CHECK_THROWS_AS(atomic_writer(t.dir / ""), neuroncert::invalid_argument);
  CHECK_THROWS_AS(atomic_writer(""), neuroncert::invalid_argument);
}

TEST_CASE("output files: a transaction lands every file at commit, in order, or none", "[output]") {
  neuroncert::test::per_test_dir t;
  write_text_file(t / "r.csv", "old csv\n");
  write_text_file(t / "r.json", "{\"old\": true}\n");
  write_text_file(t / "r_bootstrap.csv", "old bootstrap\n");

  SECTION("an exception before commit leaves the earlier run's files as they were") {
    {
      output_transaction run;
      write_text_file(t / "r.csv", "new csv\n", &run);
      CHECK(fs::exists(t / "r.csv.partial"));  // finished, but waiting for the run
      CHECK(slurp(t / "r.csv") == "old csv\n");
    }  // destroyed uncommitted
    CHECK(slurp(t / "r.csv") == "old csv\n");
    CHECK(slurp(t / "r.json") == "{\"old\": true}\n");
    CHECK(files_in(t.dir) == 3);
  }
  SECTION("commit replaces, reports what it replaced and removes stale siblings") {
    output_transaction run;
    write_text_file(t / "r.csv", "new csv\n", &run);
    write_json(t / "r.json", {{"new", true}}, &run);
    write_text_file(t / "r_extra.md", "first time\n", &run);
    run.remove_on_commit(t / "r_bootstrap.csv");
    run.remove_on_commit(t / "r_be_sets.csv");  // absent: nothing to remove, nothing reported
    run.commit();
    CHECK(slurp(t / "r.csv") == "new csv\n");
    CHECK(read_json(t / "r.json")["new"] == true);
    CHECK(!fs::exists(t / "r_bootstrap.csv"));
    REQUIRE(run.replaced().size() == 2);
    CHECK(run.replaced()[0] == t / "r.csv");  // staging order: the JSON, written last, lands last
    CHECK(run.replaced()[1] == t / "r.json");
    REQUIRE(run.removed().size() == 1);
    CHECK(run.removed()[0] == t / "r_bootstrap.csv");
    CHECK(files_in(t.dir) == 3);
  }
  SECTION("a file the run produces is never removed as stale") {
    output_transaction run;
    write_text_file(t / "r_bootstrap.csv", "new bootstrap\n", &run);
    run.remove_on_commit(t / "r_bootstrap.csv");
    run.commit();
    CHECK(slurp(t / "r_bootstrap.csv") == "new bootstrap\n");
    CHECK(run.removed().empty());
  }
}

TEST_CASE("output files: a full disk fails the write, names the file and leaves no partial file", "[output][error]") {
  neuroncert::test::per_test_dir t;
  const double data[4] = {1, 2, 3, 4};
  write_npy(t / "m.npy", data, {4});
  const std::string before = slurp(t / "m.npy");
  const Eigen::MatrixXd big = Eigen::MatrixXd::Ones(200, 200);  // 320 kB
  std::string msg;
  {
    output_transaction run;
    msg = error_of<data_error>([&] {
      const neuroncert::test::file_size_limit limit(64 * 1024);
      write_npy(t / "m.npy", big, &run);
    });
  }
  CHECK(msg == (t / "m.npy").string() + ": cannot write: File too large");
  CHECK(slurp(t / "m.npy") == before);
  CHECK(files_in(t.dir) == 1);
}

// SPDX-License-Identifier: MIT
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "errors.h"
#include "scoped_temp_dir.h"
#include "textfile.h"

using namespace netprom;
using netprom::testing::read_file;
using netprom::testing::ScopedTempDir;
using netprom::testing::write_file;

namespace {

std::vector<std::string> dir_entries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string output_error(const std::string& path, std::string_view text) {
  try {
    write_file_atomically(path, text);
  } catch (const OutputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

BOOST_AUTO_TEST_SUITE(textfile)

BOOST_AUTO_TEST_CASE(writes_the_contents_with_mode_0644_despite_the_umask) {
  ScopedTempDir dir;
  mode_t old = ::umask(077);
  write_file_atomically(dir.file("n.prom"), "a 1\n");
  ::umask(old);
  BOOST_TEST(read_file(dir.file("n.prom")) == "a 1\n");
  struct stat st {};
  BOOST_REQUIRE(::stat(dir.file("n.prom").c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 07777) == 0644u);
  BOOST_TEST(dir_entries(dir.path()) == std::vector<std::string>{"n.prom"}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(replaces_an_existing_file_whole) {
  ScopedTempDir dir;
  write_file(dir.file("n.prom"), "old contents that are longer\n");
  write_file_atomically(dir.file("n.prom"), "new\n");
  BOOST_TEST(read_file(dir.file("n.prom")) == "new\n");
}

BOOST_AUTO_TEST_CASE(missing_directory_is_an_output_error_naming_the_temp_file) {
  ScopedTempDir dir;
  std::string path = dir.file("nope/n.prom");
  BOOST_TEST(output_error(path, "x") ==
             "cannot create " + dir.file("nope/.n.prom." + std::to_string(::getpid()) + ".tmp") +
                 ": No such file or directory");
}

BOOST_AUTO_TEST_CASE(refuses_to_replace_a_symlink_or_a_directory_and_leaves_no_temp_file) {
  ScopedTempDir dir;
  write_file(dir.file("target"), "keep\n");
  std::filesystem::create_symlink(dir.file("target"), dir.file("link.prom"));
  BOOST_TEST(output_error(dir.file("link.prom"), "x") ==
             "cannot replace " + dir.file("link.prom") + ": it is a symbolic link; give a regular file path");
  BOOST_TEST(read_file(dir.file("target")) == "keep\n");
  std::filesystem::create_directory(dir.file("d.prom"));
  BOOST_TEST(output_error(dir.file("d.prom"), "x") ==
             "cannot replace " + dir.file("d.prom") + ": it is a directory; give a regular file path");
  BOOST_TEST(dir_entries(dir.path()) == (std::vector<std::string>{"d.prom", "link.prom", "target"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_planted_symlink_at_the_temp_name_is_not_followed) {
  ScopedTempDir dir;
  write_file(dir.file("victim"), "keep\n");
  std::string temp = dir.file(".n.prom." + std::to_string(::getpid()) + ".tmp");
  std::filesystem::create_symlink(dir.file("victim"), temp);
  BOOST_TEST(output_error(dir.file("n.prom"), "x") == "cannot create " + temp + ": File exists");
  BOOST_TEST(read_file(dir.file("victim")) == "keep\n");
}

BOOST_AUTO_TEST_CASE(read_only_directory_keeps_the_previous_file, *boost::unit_test::precondition([](auto) {
  return ::geteuid() != 0 ? boost::test_tools::assertion_result(true)
                          : boost::test_tools::assertion_result(false);  // root ignores permissions
})) {
  ScopedTempDir dir;
  write_file(dir.file("n.prom"), "old\n");
  ::chmod(dir.path().c_str(), 0555);
  BOOST_TEST(output_error(dir.file("n.prom"), "new\n").find("Permission denied") != std::string::npos);
  ::chmod(dir.path().c_str(), 0755);
  BOOST_TEST(read_file(dir.file("n.prom")) == "old\n");
}

BOOST_AUTO_TEST_CASE(an_atomic_file_dropped_before_commit_leaves_the_old_file_and_no_temp) {
  ScopedTempDir dir;
  write_file(dir.file("n.prom"), "old\n");
  {
    AtomicFile file(dir.file("n.prom"));
    file.write("half of the new");
    BOOST_TEST(read_file(dir.file("n.prom")) == "old\n");
  }
  BOOST_TEST(read_file(dir.file("n.prom")) == "old\n");
  BOOST_TEST(dir_entries(dir.path()) == std::vector<std::string>{"n.prom"}, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(an_atomic_file_written_in_pieces_is_published_whole_on_commit) {
  ScopedTempDir dir;
  AtomicFile file(dir.file("n.prom"));
  file.write("a 1\n");
  file.write("b 2\n");
  BOOST_TEST(!std::filesystem::exists(dir.file("n.prom")));
  file.commit();
  BOOST_TEST(read_file(dir.file("n.prom")) == "a 1\nb 2\n");
}

BOOST_AUTO_TEST_CASE(second_lock_on_the_same_output_is_refused) {
  ScopedTempDir dir;
  std::string out = dir.file("n.prom");
  OutputLock first(out);
  try {
    OutputLock second(out);
    BOOST_FAIL("second lock taken");
  } catch (const LockHeldError& e) {
    BOOST_TEST(std::string(e.what()) == out + " is locked by another netprom run (lock file " +
                                            dir.file(".n.prom.lock") + "); try again when it ends");
  }
}

BOOST_AUTO_TEST_CASE(lock_is_released_when_its_holder_goes) {
  ScopedTempDir dir;
  { OutputLock first(dir.file("n.prom")); }
  BOOST_CHECK_NO_THROW(OutputLock(dir.file("n.prom")));
}

BOOST_AUTO_TEST_CASE(stale_temp_files_of_this_output_are_removed_others_are_not) {
  ScopedTempDir dir;
  write_file(dir.file(".n.prom.4242.tmp"), "partial");
  write_file(dir.file(".n.prom.1.tmp"), "partial");
  write_file(dir.file(".other.prom.4242.tmp"), "not ours");
  write_file(dir.file("n.prom"), "keep");
  BOOST_TEST(remove_stale_temp_files(dir.file("n.prom")) == 2);
  BOOST_TEST(dir_entries(dir.path()) == (std::vector<std::string>{".other.prom.4242.tmp", "n.prom"}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

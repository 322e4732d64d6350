#include "common/daemon/pid_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

using namespace snowboot::daemon;
namespace fs = std::filesystem;

namespace {

struct TempDir {
  TempDir() {
    std::string pattern = (fs::temp_directory_path() / "snowboot-pid-XXXXXX").string();
    path = ::mkdtemp(pattern.data());
  }
  ~TempDir() { fs::remove_all(path); }
  fs::path path;
};

}  // namespace

TEST_CASE("PidFile writes the pid and removes the file when done", "[daemon]") {
  TempDir dir;
  const auto path = (dir.path / "test.pid").string();
  {
    auto pidFile = PidFile::acquire(path);
    REQUIRE(pidFile);
    REQUIRE(pidFile->write(4242));
    CHECK(readPidFile(path) == 4242);
    REQUIRE(pidFile->write(77));  // rewriting after a fork leaves no stale digits
    CHECK(readPidFile(path) == 77);
    std::ifstream in(path);
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(content == "77\n");
  }
  CHECK_FALSE(fs::exists(path));
}

TEST_CASE("a second PidFile on the same path is refused and names the holder", "[daemon]") {
  TempDir dir;
  const auto path = (dir.path / "test.pid").string();
  auto first = PidFile::acquire(path);
  REQUIRE(first);
  REQUIRE(first->write(::getpid()));
  auto second = PidFile::acquire(path);
  REQUIRE_FALSE(second);
  CHECK(second.error().message() ==
        "pid file " + path + ": another instance is running (pid " + std::to_string(::getpid()) + ")");
  // The refused attempt must not have removed or changed the holder's file.
  CHECK(readPidFile(path) == ::getpid());
}

TEST_CASE("a stale pid file left by a crash is taken over", "[daemon]") {
  TempDir dir;
  const auto path = (dir.path / "test.pid").string();
  std::ofstream(path) << "999999\n";
  auto pidFile = PidFile::acquire(path);
  REQUIRE(pidFile);
  REQUIRE(pidFile->write(1234));
  CHECK(readPidFile(path) == 1234);
}

TEST_CASE("released PidFile keeps the file for the process that inherited it", "[daemon]") {
  TempDir dir;
  const auto path = (dir.path / "test.pid").string();
  {
    auto pidFile = PidFile::acquire(path);
    REQUIRE(pidFile);
    REQUIRE(pidFile->write(55));
    pidFile->release();
  }
  CHECK(readPidFile(path) == 55);
}

TEST_CASE("PidFile errors name the path and the reason", "[daemon]") {
  TempDir dir;
  const auto path = (dir.path / "missing-dir" / "test.pid").string();
  auto pidFile = PidFile::acquire(path);
  REQUIRE_FALSE(pidFile);
  CHECK(pidFile.error().message() == "open pid file " + path + ": No such file or directory");

  // A symlink is not followed: someone else's file is never truncated through it.
  const auto target = (dir.path / "target").string();
  std::ofstream(target) << "precious\n";
  const auto link = (dir.path / "link.pid").string();
  fs::create_symlink(target, link);
  CHECK_FALSE(PidFile::acquire(link));
  std::ifstream in(target);
  std::string content;
  std::getline(in, content);
  CHECK(content == "precious");
}

TEST_CASE("readPidFile rejects what is not a pid", "[daemon]") {
  TempDir dir;
  const auto path = (dir.path / "x.pid").string();
  CHECK_FALSE(readPidFile(path));
  std::ofstream(path) << "garbage\n";
  CHECK_FALSE(readPidFile(path));
  std::ofstream(path) << "-5\n";
  CHECK_FALSE(readPidFile(path));
}

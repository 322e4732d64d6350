// The traversal suite: a real directory tree in a temporary directory, a file beside the root
// that must never be reachable, and every way out we know of.
#include "tftpd/paths.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <atomic>
#include <fstream>
#include <thread>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

using namespace snowboot::tftpd;
using snowboot::tftp::ErrorCode;
namespace fs = std::filesystem;

namespace {

std::string readAll(int fd) {
  std::string content;
  char buffer[256];
  ssize_t n = 0;
  while ((n = ::read(fd, buffer, sizeof buffer)) > 0) content.append(buffer, n);
  return content;
}

void writeFile(const fs::path& path, const std::string& content, fs::perms perms) {
  std::ofstream(path) << content;
  fs::permissions(path, perms);
}

// base/outside.txt (never reachable), base/root/... (the served tree).
class Tree {
 public:
  Tree() {
    std::string pattern = (fs::temp_directory_path() / "snowboot-paths-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    base_ = pattern;
    root_ = base_ / "root";
    const auto r = fs::perms::owner_all | fs::perms::group_read | fs::perms::others_read;
    const auto rw = r | fs::perms::others_write;
    fs::create_directories(root_ / "configs");
    fs::create_directories(root_ / "pxelinux.cfg");
    fs::create_directories(root_ / "empty.dir");
    writeFile(base_ / "outside.txt", "OUTSIDE", r);
    writeFile(root_ / "a.txt", "A", r);
    writeFile(root_ / "pxelinux.0", "PXE", r);
    writeFile(root_ / "private", "P", fs::perms::owner_read | fs::perms::owner_write);
    writeFile(root_ / "configs" / "lab.cfg", "LAB", r);
    writeFile(root_ / "upload.bin", "old content", rw);
    writeFile(root_ / "readonly.bin", "keep", r);
    fs::create_symlink("../configs/lab.cfg", root_ / "pxelinux.cfg" / "C0A800");
    fs::create_symlink("/configs/lab.cfg", root_ / "pxelinux.cfg" / "abs");
    fs::create_symlink("../../outside.txt", root_ / "pxelinux.cfg" / "climb");
    fs::create_symlink((base_ / "outside.txt").string(), root_ / "hostpath");
    fs::create_symlink("loop2", root_ / "loop1");
    fs::create_symlink("loop1", root_ / "loop2");
    fs::create_symlink("configs", root_ / "dirlink");
    fs::create_symlink("/configs", root_ / "absdir");
    fs::create_symlink("..", root_ / "parent");
    fs::create_symlink("/../../..", root_ / "escape");
    fs::create_symlink("/proc/self/root/etc/hostname", root_ / "magic");
    fs::create_symlink("nothing-here", root_ / "dangling");
    REQUIRE(::mkfifo((root_ / "fifo").c_str(), 0644) == 0);
    rootFd_ = ::open(root_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    REQUIRE(rootFd_ >= 0);
  }
  ~Tree() {
    ::close(rootFd_);
    std::error_code ignored;
    fs::remove_all(base_, ignored);
  }

  PathResolver secure(bool create = false, bool permissive = false) const {
    PathPolicy policy;
    policy.secure = true;
    policy.create = create;
    policy.permissive = permissive;
    return PathResolver(policy, rootFd_);
  }
  PathResolver open(std::vector<std::string> directories) const {
    PathPolicy policy;
    policy.directories = std::move(directories);
    return PathResolver(policy, AT_FDCWD);
  }
  const fs::path& base() const { return base_; }
  const fs::path& root() const { return root_; }

 private:
  fs::path base_;
  fs::path root_;
  int rootFd_ = -1;
};

struct Case {
  std::string name;
  std::string content;  // expected content; empty means the request must fail
  ErrorCode code = ErrorCode::FileNotFound;
};

}  // namespace

TEST_CASE("secure mode: the traversal suite", "[tftpd][paths]") {
  Tree tree;
  const auto resolver = tree.secure();
  const std::vector<Case> cases{
      // Plain names, with and without a leading slash, and harmless dots.
      {"a.txt", "A"},
      {"/a.txt", "A"},
      {"./a.txt", "A"},
      {"configs/lab.cfg", "LAB"},
      {"configs//lab.cfg", "LAB"},
      {"configs/./lab.cfg", "LAB"},
      {"configs/../a.txt", "A"},
      {"//a.txt", "A"},
      // The seed's case: a relative symlink inside the root.
      {"pxelinux.cfg/C0A800", "LAB"},
      {"/pxelinux.cfg/C0A800", "LAB"},
      // Absolute symlinks resolve inside the root, as under chroot.
      {"pxelinux.cfg/abs", "LAB"},
      {"absdir/lab.cfg", "LAB"},
      {"dirlink/lab.cfg", "LAB"},
      // ".." at the top of the root stays at the root.
      {"../a.txt", "A"},
      {"../../../a.txt", "A"},
      {"/../a.txt", "A"},
      {"parent/a.txt", "A"},
      {"parent/parent/configs/lab.cfg", "LAB"},
      // Every way towards base/outside.txt ends inside the root, where there is no such file.
      {"../outside.txt", ""},
      {"../../outside.txt", ""},
      {"/../outside.txt", ""},
      {"./../outside.txt", ""},
      {"configs/../../outside.txt", ""},
      {"pxelinux.cfg/../../outside.txt", ""},
      {"a.txt/../../outside.txt", "", ErrorCode::FileNotFound},  // ENOTDIR
      {"pxelinux.cfg/climb", ""},
      {"hostpath", ""},
      {"parent/outside.txt", ""},
      {"parent/parent/outside.txt", ""},
      {"escape/outside.txt", ""},
      {"escape/etc/hostname", ""},
      {"/etc/hostname", ""},
      {"../../../../../../etc/passwd", ""},
      {tree.base().string() + "/outside.txt", ""},
      // /proc magic links are refused (and /proc is not in the root anyway).
      {"magic", ""},
      {"dangling", ""},
      {"nothere", ""},
      // Loops end with ELOOP, reported as tftpd-hpa does: code 0 and strerror's text.
      {"loop1", "", ErrorCode::Undefined},
      {"loop2/a.txt", "", ErrorCode::Undefined},
      // Only regular files.
      {"fifo", "", ErrorCode::AccessViolation},
      {"configs", "", ErrorCode::AccessViolation},
      {"empty.dir", "", ErrorCode::AccessViolation},
      {"/", "", ErrorCode::AccessViolation},
      {"..", "", ErrorCode::AccessViolation},
      // Without --permissive a file must be world-readable.
      {"private", "", ErrorCode::AccessViolation},
  };
  REQUIRE(cases.size() >= 30);
  for (const auto& c : cases) {
    INFO("request " << c.name);
    auto opened = resolver.open(c.name, Access::Read);
    if (c.content.empty()) {
      REQUIRE_FALSE(opened);
      CHECK(opened.error().code == c.code);
    } else {
      REQUIRE(opened);
      CHECK(readAll(opened->file.get()) == c.content);
      CHECK(opened->size == c.content.size());
      CHECK_FALSE(opened->droppedJunk);
    }
  }
}

TEST_CASE("error texts follow tftpd-hpa", "[tftpd][paths]") {
  Tree tree;
  const auto resolver = tree.secure();
  CHECK(resolver.open("nothere", Access::Read).error() ==
        AccessError{ErrorCode::FileNotFound, "File not found", ENOENT});
  CHECK(resolver.open("private", Access::Read).error().message ==
        "File must have global read permissions");
  CHECK(resolver.open("loop1", Access::Read).error().message ==
        "Too many levels of symbolic links");
  CHECK(tree.secure(false, true).open("private", Access::Read).has_value());
}

TEST_CASE("a PXE ROM's junk tail is dropped only when the exact name is missing",
          "[tftpd][paths]") {
  Tree tree;
  const auto resolver = tree.secure();
  auto junk = resolver.open(std::string("pxelinux.0\xff"), Access::Read);
  REQUIRE(junk);
  CHECK(junk->droppedJunk);
  CHECK(junk->name == "pxelinux.0");
  CHECK(readAll(junk->file.get()) == "PXE");
  CHECK(resolver.open(std::string("pxelinux.0\x01\xff"), Access::Read).has_value());
  CHECK_FALSE(resolver.open(std::string("nothere\xff"), Access::Read));
  CHECK_FALSE(resolver.open(std::string("\xff"), Access::Read));
  CHECK(withoutJunkTail("abc") == std::nullopt);
  CHECK(withoutJunkTail(std::string("abc\x7f")) == "abc");
  // Writes never guess.
  CHECK_FALSE(tree.secure(true).open(std::string("newfile\xff"), Access::Write).value().droppedJunk);
}

TEST_CASE("writes: existing world-writable files only, unless --create", "[tftpd][paths]") {
  Tree tree;
  auto plain = tree.secure();
  CHECK(plain.open("newfile", Access::Write).error().code == ErrorCode::FileNotFound);
  CHECK(plain.open("readonly.bin", Access::Write).error().message ==
        "File must have global write permissions");
  auto upload = plain.open("upload.bin", Access::Write);
  REQUIRE(upload);
  CHECK(fs::file_size(tree.root() / "upload.bin") == 0);  // truncated, as tftpd-hpa does
  auto creating = tree.secure(true);
  REQUIRE(creating.open("newfile", Access::Write));
  CHECK(fs::exists(tree.root() / "newfile"));
  // Created inside the root, never beside it.
  REQUIRE(creating.open("../escaped", Access::Write));
  CHECK(fs::exists(tree.root() / "escaped"));
  CHECK_FALSE(fs::exists(tree.base() / "escaped"));
  // Never create through a dangling symlink (O_EXCL); the outside file is untouched.
  CHECK(creating.open("pxelinux.cfg/climb", Access::Write).error().code == ErrorCode::FileExists);
  CHECK_FALSE(fs::exists(tree.root() / "outside.txt"));
  CHECK(fs::file_size(tree.base() / "outside.txt") == 7);
  CHECK(creating.open("fifo", Access::Write).error().code == ErrorCode::AccessViolation);
}

TEST_CASE("without --secure: tftpd-hpa 5.2's absolute-name and directory rules",
          "[tftpd][paths]") {
  Tree tree;
  const std::string root = tree.root().string();
  auto resolver = tree.open({root});
  CHECK(resolver.open("a.txt", Access::Read).error().message == "Only absolute filenames allowed");
  CHECK(resolver.open(root + "/../outside.txt", Access::Read).error().message ==
        "Forbidden directory");
  CHECK(resolver.open(root + "/configs/..", Access::Read).error().message ==
        "Forbidden directory");
  CHECK(resolver.open(tree.base().string() + "/outside.txt", Access::Read).error().message ==
        "Forbidden directory");
  auto opened = resolver.open(root + "/pxelinux.cfg/C0A800", Access::Read);
  REQUIRE(opened);
  CHECK(readAll(opened->file.get()) == "LAB");
  CHECK(resolver.open(root + "/fifo", Access::Read).error().code == ErrorCode::AccessViolation);
}

TEST_CASE("a file being written is locked against other transfers", "[tftpd][paths]") {
  Tree tree;
  auto resolver = tree.secure(true);
  auto reader = resolver.open("upload.bin", Access::Read);
  REQUIRE(reader);
  CHECK(resolver.open("upload.bin", Access::Read).has_value());  // readers share
  auto blocked = resolver.open("upload.bin", Access::Write);
  REQUIRE_FALSE(blocked);
  CHECK(blocked.error().silent);
  reader = std::unexpected(AccessError{});
  auto writer = resolver.open("upload.bin", Access::Write);
  REQUIRE(writer);
  CHECK(resolver.open("upload.bin", Access::Read).error().silent);
  CHECK(resolver.open("upload.bin", Access::Write).error().silent);
}

TEST_CASE("a symlink swapped while requests resolve never leads outside the root",
          "[tftpd][paths]") {
  Tree tree;
  const auto resolver = tree.secure();
  const fs::path link = tree.root() / "swapped";
  const fs::path staging = tree.root() / "swapped.new";
  const std::vector<std::string> targets{"configs/lab.cfg", "../outside.txt",
                                         (tree.base() / "outside.txt").string(),
                                         "../../../outside.txt", "/configs/lab.cfg"};
  fs::create_symlink(targets[0], link);
  std::atomic<bool> stop{false};
  // rename(2) replaces the link atomically, so every lookup sees one of the targets.
  std::thread swapper([&] {
    for (std::size_t i = 0; !stop; ++i) {
      std::error_code ignored;
      fs::remove(staging, ignored);
      fs::create_symlink(targets[i % targets.size()], staging, ignored);
      fs::rename(staging, link, ignored);
    }
  });
  int inside = 0;
  int outside = 0;
  // At least 3000 lookups, and more (bounded) until one has seen the link pointing inside: on a
  // loaded machine the swapper may run alone for a while.
  for (int i = 0; i < 3000 || (inside == 0 && i < 300000); ++i) {
    auto opened = resolver.open("swapped", Access::Read);
    if (!opened) continue;
    const auto content = readAll(opened->file.get());
    if (content == "LAB") ++inside;
    if (content == "OUTSIDE") ++outside;
  }
  stop = true;
  swapper.join();
  CHECK(outside == 0);
  CHECK(inside > 0);
}

// resolvePath on a real directory tree: what stays inside resolves to the right directory and
// name; every way out (.., absolute paths, symlinks out, chains, loops) is refused.
#include "wasi/sandbox_path.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

namespace wisp::wasi {
namespace {

namespace fs = std::filesystem;

class SandboxPathTest : public testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/wisp-sandbox-path-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root_ = pattern;
    fs::create_directories(root_ / "outside");
    fs::create_directories(root_ / "box" / "a" / "b");
    touch(root_ / "outside" / "secret");
    touch(root_ / "box" / "file");
    touch(root_ / "box" / "a" / "b" / "deep");
    fs::create_symlink(root_ / "outside", root_ / "box" / "abs_out");
    fs::create_symlink("../outside/secret", root_ / "box" / "rel_out");
    fs::create_symlink("a/b", root_ / "box" / "to_b");
    fs::create_symlink("../../file", root_ / "box" / "a" / "b" / "up_file");
    fs::create_symlink("hop2", root_ / "box" / "hop1");
    fs::create_symlink("a/../rel_out", root_ / "box" / "hop2");
    fs::create_symlink("self", root_ / "box" / "self");
    fs::create_symlink("file", root_ / "box" / "to_file");
    fs::create_symlink("a/", root_ / "box" / "to_a_slash");
    box_ = open((root_ / "box").c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(box_, 0);
  }
  void TearDown() override {
    if (box_ >= 0) close(box_);
    fs::remove_all(root_);
  }
  static void touch(const fs::path& path) {
    int fd = open(path.c_str(), O_WRONLY | O_CREAT, 0644);
    ASSERT_GE(fd, 0);
    close(fd);
  }
  Errno resolve(const char* path, FinalSymlink follow, ResolvedPath& out) {
    return resolvePath(box_, path, follow, out);
  }
  Errno resolve(const char* path, FinalSymlink follow = FinalSymlink::Follow) {
    ResolvedPath out;
    return resolve(path, follow, out);
  }
  // The inode of the file the resolution names, to compare with the expected file.
  static ino_t inodeOf(const ResolvedPath& resolved) {
    struct stat st;
    EXPECT_EQ(fstatat(resolved.parent, resolved.name.c_str(), &st, AT_SYMLINK_NOFOLLOW), 0);
    return st.st_ino;
  }
  static ino_t inodeOf(const fs::path& path) {
    struct stat st;
    EXPECT_EQ(lstat(path.c_str(), &st), 0);
    return st.st_ino;
  }

  fs::path root_;
  int box_ = -1;
};

TEST_F(SandboxPathTest, PlainPathsResolveToTheirParentAndName) {
  ResolvedPath out;
  ASSERT_EQ(resolve("a/b/deep", FinalSymlink::NoFollow, out), Errno::Success);
  EXPECT_EQ(out.name, "deep");
  EXPECT_TRUE(out.parent_owned.valid());
  EXPECT_EQ(inodeOf(out), inodeOf(root_ / "box" / "a" / "b" / "deep"));

  ASSERT_EQ(resolve("file", FinalSymlink::NoFollow, out), Errno::Success);
  EXPECT_EQ(out.parent, box_);  // no directory was entered
  EXPECT_EQ(out.name, "file");

  ASSERT_EQ(resolve("./a//b/./../b/deep", FinalSymlink::NoFollow, out), Errno::Success);
  EXPECT_EQ(inodeOf(out), inodeOf(root_ / "box" / "a" / "b" / "deep"));
}

TEST_F(SandboxPathTest, PathsNamingTheDirectoryItselfGiveDot) {
  for (const char* path : {".", "a/..", "a/b/../..", "./"}) {
    ResolvedPath out;
    ASSERT_EQ(resolve(path, FinalSymlink::NoFollow, out), Errno::Success) << path;
    EXPECT_EQ(out.name, ".") << path;
    EXPECT_EQ(out.parent, box_) << path;
  }
}

TEST_F(SandboxPathTest, NewNamesResolveSoTheyCanBeCreated) {
  ResolvedPath out;
  ASSERT_EQ(resolve("a/new_file", FinalSymlink::Follow, out), Errno::Success);
  EXPECT_EQ(out.name, "new_file");
  EXPECT_EQ(resolve("missing/new_file"), Errno::NoEnt);
  EXPECT_EQ(resolve("file/below_a_file"), Errno::NotDir);
}

TEST_F(SandboxPathTest, SymlinksInsideAreFollowed) {
  ResolvedPath out;
  ASSERT_EQ(resolve("to_b/deep", FinalSymlink::NoFollow, out), Errno::Success);
  EXPECT_EQ(inodeOf(out), inodeOf(root_ / "box" / "a" / "b" / "deep"));
  ASSERT_EQ(resolve("a/b/up_file", FinalSymlink::Follow, out), Errno::Success);
  EXPECT_EQ(inodeOf(out), inodeOf(root_ / "box" / "file"));
  // Not following the last component leaves the link itself.
  ASSERT_EQ(resolve("to_file", FinalSymlink::NoFollow, out), Errno::Success);
  EXPECT_EQ(out.name, "to_file");
  ASSERT_EQ(resolve("to_file", FinalSymlink::Follow, out), Errno::Success);
  EXPECT_EQ(out.name, "file");
}

TEST_F(SandboxPathTest, DotDotCannotClimbOut) {
  EXPECT_EQ(resolve(".."), Errno::NotCapable);
  EXPECT_EQ(resolve("../outside/secret"), Errno::NotCapable);
  EXPECT_EQ(resolve("a/../../outside/secret"), Errno::NotCapable);
  EXPECT_EQ(resolve("a/b/../../.."), Errno::NotCapable);
  EXPECT_EQ(resolve("to_b/../../.."), Errno::NotCapable);  // to_b is a/b: two levels, then out
  EXPECT_EQ(resolve("..", FinalSymlink::NoFollow), Errno::NotCapable);
}

TEST_F(SandboxPathTest, AbsolutePathsAreRefused) {
  EXPECT_EQ(resolve("/"), Errno::NotCapable);
  EXPECT_EQ(resolve("/etc/passwd"), Errno::NotCapable);
  EXPECT_EQ(resolve((root_ / "box" / "file").c_str()), Errno::NotCapable);
}

TEST_F(SandboxPathTest, SymlinksOutAreRefused) {
  EXPECT_EQ(resolve("abs_out"), Errno::NotCapable);
  EXPECT_EQ(resolve("abs_out/secret"), Errno::NotCapable);
  EXPECT_EQ(resolve("abs_out/secret", FinalSymlink::NoFollow), Errno::NotCapable);
  EXPECT_EQ(resolve("rel_out"), Errno::NotCapable);
  EXPECT_EQ(resolve("hop1"), Errno::NotCapable);  // a chain that ends outside
  // Without following, the link itself is what is named: harmless, it is inside.
  ResolvedPath out;
  ASSERT_EQ(resolve("rel_out", FinalSymlink::NoFollow, out), Errno::Success);
  EXPECT_EQ(out.name, "rel_out");
}

TEST_F(SandboxPathTest, LoopsEndInEloop) {
  EXPECT_EQ(resolve("self"), Errno::Loop);
  EXPECT_EQ(resolve("self/x"), Errno::Loop);
}

TEST_F(SandboxPathTest, TrailingSlashRequiresADirectory) {
  ResolvedPath out;
  ASSERT_EQ(resolve("a/", FinalSymlink::NoFollow, out), Errno::Success);
  EXPECT_EQ(out.name, "a");
  EXPECT_TRUE(out.must_be_directory);
  EXPECT_EQ(resolve("file/", FinalSymlink::NoFollow), Errno::NotDir);
  // A symlink to a directory, with a slash after it, is followed even without Follow.
  ASSERT_EQ(resolve("to_b/", FinalSymlink::NoFollow, out), Errno::Success);
  EXPECT_EQ(out.name, "b");
  ASSERT_EQ(resolve("to_a_slash", FinalSymlink::Follow, out), Errno::Success);
  EXPECT_TRUE(out.must_be_directory);
  // A name that does not exist yet may end in a slash (mkdir "new/").
  EXPECT_EQ(resolve("new_dir/", FinalSymlink::NoFollow), Errno::Success);
}

TEST_F(SandboxPathTest, EmptyAndOverlongPaths) {
  EXPECT_EQ(resolve(""), Errno::NoEnt);
  const std::string long_path(5000, 'a');
  ResolvedPath out;
  EXPECT_EQ(resolvePath(box_, long_path, FinalSymlink::Follow, out), Errno::NameTooLong);
}

TEST_F(SandboxPathTest, DotDotAfterASymlinkReturnsToTheTargetsParent) {
  // to_b is a/b, so to_b/.. is a (as the kernel resolves it), not the sandbox.
  ResolvedPath out;
  ASSERT_EQ(resolve("to_b/..", FinalSymlink::NoFollow, out), Errno::Success);
  EXPECT_EQ(out.name, ".");
  struct stat st;
  ASSERT_EQ(fstat(out.parent, &st), 0);
  EXPECT_EQ(st.st_ino, inodeOf(root_ / "box" / "a"));
}

}  // namespace
}  // namespace wisp::wasi

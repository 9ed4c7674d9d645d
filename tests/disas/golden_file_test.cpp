#include "golden_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace wisp::disas {
namespace {

namespace fs = std::filesystem;

class GoldenFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("wisp-golden-test-" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void write(const std::string& text) { std::ofstream(path()) << text; }
  std::string read() {
    std::ifstream in(path());
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
  fs::path path() const { return dir_ / "case.disas"; }

  fs::path dir_;
};

TEST_F(GoldenFileTest, MatchPasses) {
  write("push rbp\n");
  EXPECT_TRUE(checkGolden(path(), "push rbp\n", GoldenMode::Check).passed);
}

TEST_F(GoldenFileTest, MismatchFailsWithADiffAndLeavesTheFile) {
  write("push rbp\nret\n");
  const GoldenOutcome outcome = checkGolden(path(), "push rbp\nud2\n", GoldenMode::Check);
  EXPECT_FALSE(outcome.passed);
  EXPECT_NE(outcome.report.find("-ret\n+ud2\n"), std::string::npos) << outcome.report;
  EXPECT_NE(outcome.report.find("WISP_BLESS=1"), std::string::npos) << outcome.report;
  EXPECT_EQ(read(), "push rbp\nret\n");
}

TEST_F(GoldenFileTest, MissingFileFailsInCheckMode) {
  const GoldenOutcome outcome = checkGolden(path(), "ret\n", GoldenMode::Check);
  EXPECT_FALSE(outcome.passed);
  EXPECT_FALSE(fs::exists(path()));
}

TEST_F(GoldenFileTest, BlessCreatesAndUpdates) {
  EXPECT_TRUE(checkGolden(path(), "ret\n", GoldenMode::Bless).passed);
  EXPECT_EQ(read(), "ret\n");
  EXPECT_TRUE(checkGolden(path(), "ud2\n", GoldenMode::Bless).passed);
  EXPECT_EQ(read(), "ud2\n");
  EXPECT_TRUE(checkGolden(path(), "ud2\n", GoldenMode::Check).passed);
}

}  // namespace
}  // namespace wisp::disas

// Schema keys checked one by one: sandbox.resources.require_limits.
#include <gtest/gtest.h>

#include "config/load.hpp"
#include "config/test_dir.hpp"

namespace vg::config {
namespace {

class SchemaTest : public testing::TempDirTest {};

TEST_F(SchemaTest, RequireLimitsIsOffByDefault) {
  auto c = load(options());
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_FALSE(c->sandbox.resources.require_limits);
}

TEST_F(SchemaTest, RequireLimitsIsABoolean) {
  write(user_file(), "sandbox:\n  resources:\n    memory: 256MiB\n    require_limits: true\n");
  auto c = load(options());
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_TRUE(c->sandbox.resources.require_limits);
  EXPECT_EQ(c->sandbox.resources.memory, 256u << 20);

  write(user_file(), "sandbox:\n  resources:\n    require_limits: always\n");
  auto bad = load(options());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message,
            user_file() + ":3:21: invalid value 'always' for sandbox.resources.require_limits; expected true or false");
}

TEST_F(SchemaTest, AMisspeltRequireLimitsGetsDidYouMean) {
  write(user_file(), "sandbox:\n  resources:\n    require_limit: true\n");
  auto bad = load(options());
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("require_limits"), std::string::npos) << bad.error().message;
}

}  // namespace
}  // namespace vg::config

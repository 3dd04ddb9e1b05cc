#include "sandbox/proxy/bridge.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace vg::sandbox::proxy {
namespace {

bool has(const std::vector<std::string>& env, const std::string& kv) {
  return std::find(env.begin(), env.end(), kv) != env.end();
}

TEST(ProxyEnvironment, PointsEveryToolAtTheBridge) {
  auto env = proxy_environment(3128);
  for (const char* kv : {"HTTP_PROXY=http://127.0.0.1:3128", "HTTPS_PROXY=http://127.0.0.1:3128",
                         "http_proxy=http://127.0.0.1:3128", "https_proxy=http://127.0.0.1:3128",
                         "NO_PROXY=localhost,127.0.0.1,::1", "npm_config_proxy=http://127.0.0.1:3128",
                         "npm_config_https_proxy=http://127.0.0.1:3128", "PIP_PROXY=http://127.0.0.1:3128",
                         "GIT_CONFIG_COUNT=1", "GIT_CONFIG_KEY_0=http.proxy",
                         "GIT_CONFIG_VALUE_0=http://127.0.0.1:3128"}) {
    EXPECT_TRUE(has(env, kv)) << kv;
  }
}

TEST(ProxyEnvironment, ApplyReplacesOldSettingsAndAppendsGitConfig) {
  std::vector<std::string> env = {"PATH=/bin",
                                  "HTTPS_PROXY=http://corp:8080",
                                  "ALL_PROXY=socks5://corp:1080",
                                  "GIT_CONFIG_COUNT=2",
                                  "GIT_CONFIG_KEY_0=user.name",
                                  "GIT_CONFIG_VALUE_0=me",
                                  "GIT_CONFIG_KEY_1=core.editor",
                                  "GIT_CONFIG_VALUE_1=vi"};
  apply_proxy_environment(env, 4000);
  EXPECT_TRUE(has(env, "PATH=/bin"));
  EXPECT_FALSE(has(env, "HTTPS_PROXY=http://corp:8080"));
  EXPECT_FALSE(has(env, "ALL_PROXY=socks5://corp:1080"));
  EXPECT_TRUE(has(env, "HTTPS_PROXY=http://127.0.0.1:4000"));
  EXPECT_TRUE(has(env, "GIT_CONFIG_COUNT=3"));
  EXPECT_FALSE(has(env, "GIT_CONFIG_COUNT=2"));
  EXPECT_TRUE(has(env, "GIT_CONFIG_KEY_0=user.name"));
  EXPECT_TRUE(has(env, "GIT_CONFIG_KEY_2=http.proxy"));
  EXPECT_TRUE(has(env, "GIT_CONFIG_VALUE_2=http://127.0.0.1:4000"));
  EXPECT_EQ(std::count_if(env.begin(), env.end(), [](const std::string& kv) { return kv.starts_with("HTTP_PROXY="); }), 1);
}

}  // namespace
}  // namespace vg::sandbox::proxy

// Layering, origins and the sources of values.
#include "config/load.hpp"

#include <gtest/gtest.h>

#include "config/embedded_files.hpp"
#include "config/keys.hpp"
#include "config/schema.hpp"
#include "config/yaml_file.hpp"
#include "config/test_dir.hpp"

namespace vg::config {
namespace {

using LoadTest = testing::TempDirTest;

Config must_load(const LoadOptions& o) {
  auto r = load(o);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  if (!r.ok()) return Config{};
  return std::move(r).value();
}

TEST_F(LoadTest, NoFilesGivesBuiltInDefaults) {
  Config c = must_load(options());
  EXPECT_EQ(c.sandbox.mode, Mode::always);
  EXPECT_TRUE(c.sandbox.enabled);
  EXPECT_EQ(c.origins.at("sandbox.mode").to_string(), "default");
  EXPECT_TRUE(c.files_read.empty());
  EXPECT_EQ(c.project_root, work);
}

// load() takes the built-in layer from the struct defaults (parsing the
// embedded file costs ~0.2 ms per command); this proves the two agree.
TEST_F(LoadTest, EmbeddedDefaultsFileAgreesWithTheStructDefaults) {
  std::string_view text;
  for (const auto& f : embedded_files()) {
    if (f.name == "defaults.yaml") text = f.text;
  }
  ASSERT_FALSE(text.empty()) << "defaults.yaml is not embedded";
  auto doc = parse_yaml(text, "defaults.yaml");
  ASSERT_TRUE(doc.ok()) << doc.error().message;
  Config from_file;
  from_file.origins.clear();
  LayerSource layer{LayerSource::Kind::file, "defaults.yaml", "", "defaults.yaml", "/", home};
  auto applied = apply_document(*doc, layer, from_file);
  ASSERT_TRUE(applied.ok()) << applied.error().message;
  EXPECT_TRUE(from_file.notes.empty());
  Config plain;
  Config loaded = must_load(options());
  for (const auto& key : all_keys()) {
    EXPECT_EQ(to_text(key.get(from_file)), to_text(key.get(plain))) << key.path;
    EXPECT_EQ(to_text(key.get(loaded)), to_text(key.get(plain))) << key.path;
    EXPECT_EQ(loaded.origins.at(key.path).to_string(), "default") << key.path;
    // Every key is written out in the file (cpu only as a comment: 0 is not a valid value).
    if (std::string_view(key.path) != "sandbox.resources.cpu") {
      EXPECT_EQ(from_file.origins.count(key.path), 1u) << key.path << " is missing from defaults.yaml";
    }
  }
}

TEST_F(LoadTest, LayersApplyInOrderAndRecordOrigins) {
  write("etc/vg/config.yaml", "sandbox:\n  mode: manual\n  cache_ttl: 1h\n  cache_size: 2GB\n");
  write(user_file(), "sandbox:\n  mode: auto\n");
  Config c = must_load(options());
  EXPECT_EQ(c.sandbox.mode, Mode::automatic);
  EXPECT_EQ(c.origins.at("sandbox.mode").to_string(), user_file() + ":2:9");
  EXPECT_EQ(c.sandbox.cache_ttl, 3600u);
  EXPECT_EQ(c.origins.at("sandbox.cache_ttl").to_string(), root() + "/etc/vg/config.yaml:3:14");
  EXPECT_EQ(c.sandbox.cache_size, 2000000000u);
  ASSERT_EQ(c.files_read.size(), 2u);
  EXPECT_EQ(c.files_read[0], root() + "/etc/vg/config.yaml");
  EXPECT_EQ(c.files_read[1], user_file());
}

TEST_F(LoadTest, EnvironmentBeatsFilesAndFlagsBeatEnvironment) {
  write(user_file(), "sandbox:\n  mode: manual\n  network:\n    mode: restricted\n");
  auto o = options();
  o.env["VG_MODE"] = "auto";
  o.env["VG_NETWORK"] = "full";
  o.flags = {{"sandbox.mode", "disabled"}};
  Config c = must_load(o);
  EXPECT_EQ(c.sandbox.mode, Mode::disabled);
  EXPECT_EQ(c.origins.at("sandbox.mode").source, "flag");
  EXPECT_EQ(c.sandbox.network.mode, NetworkMode::full);
  EXPECT_EQ(c.origins.at("sandbox.network.mode").source, "env VG_NETWORK");
}

}  // namespace
}  // namespace vg::config

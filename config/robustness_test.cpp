// Mutated config files never crash vg and never slip through as half-read:
// each either loads or fails with `file:line:column: message`.
#include <gtest/gtest.h>

#include <random>
#include <regex>

#include "config/embedded_files.hpp"
#include "config/schema.hpp"
#include "config/yaml_file.hpp"

namespace vg::config {
namespace {

std::string defaults_text() {
  for (const auto& f : embedded_files()) {
    if (f.name == "defaults.yaml") return std::string(f.text);
  }
  return {};
}

TEST(Robustness, MutatedFilesLoadOrFailWithAPosition) {
  const std::string base = defaults_text();
  ASSERT_FALSE(base.empty());
  const std::string alphabet = ":-[]{}\n #\"'&*!|>%@\t,?0aZ~.\\";
  std::mt19937 rng(20261122);
  const std::regex positioned(R"(^f\.yaml:(\d+):(\d+): .+)");
  int errors = 0;
  for (int round = 0; round < 1000; ++round) {
    std::string text = base;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      std::size_t at = rng() % text.size();
      switch (rng() % 3) {
        case 0: text[at] = alphabet[rng() % alphabet.size()]; break;
        case 1: text.insert(at, 1, alphabet[rng() % alphabet.size()]); break;
        default: text.erase(at, 1 + rng() % 8); break;
      }
      if (text.empty()) text = "x";
    }
    std::string message;
    auto doc = parse_yaml(text, "f.yaml");
    if (!doc) {
      message = doc.error().message;
    } else {
      Config config;
      LayerSource layer{LayerSource::Kind::file, "f.yaml", "", "f.yaml", "/", "/home"};
      auto r = apply_document(*doc, layer, config);
      if (!r) message = r.error().message;
    }
    if (message.empty()) continue;
    ++errors;
    std::smatch m;
    ASSERT_TRUE(std::regex_match(message, m, positioned)) << "round " << round << ": " << message << "\n--- input:\n" << text;
    int line = std::stoi(m[1]);
    int lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
    EXPECT_GE(line, 1) << message;
    EXPECT_LE(line, lines + 1) << message;
  }
  EXPECT_GT(errors, 100) << "the mutations should produce many errors";
}

TEST(Robustness, HostileYamlConstructs) {
  const char* inputs[] = {
      "sandbox: &a\n  mode: *a\n",                                  // alias of an enclosing map
      "a: &a [*a, *a]\n",                                            // recursive alias
      "sandbox:\n  exclude: &x [a, b]\n  volumes: *x\n",             // alias of the wrong type
      "sandbox: !!binary aGVsbG8=\n",                                // a tag
      "? [a, b]\n: c\n",                                             // complex key
      "sandbox:\n  ? [mode]\n  : auto\n",                            // complex key inside a section
      "--- \nsandbox: {}\n---\nsandbox: {mode: disabled}\n",          // two documents
      "\xef\xbb\xbfsandbox:\n  mode: auto\n",                        // byte-order mark
      "sandbox:\n  cache_size: 99999999999999999999999999999999\n",  // overflow
      "sandbox:\n  resources:\n    cpu: nan\n",
      "sandbox:\n  resources:\n    cpu: inf\n",
      "sandbox:\n  resources:\n    pids: 1e9\n",
      "sandbox:\n  mode: ~\n",
  };
  for (const char* input : inputs) {
    auto doc = parse_yaml(input, "f.yaml");
    if (!doc) {
      EXPECT_EQ(doc.error().message.rfind("f.yaml:", 0), 0u) << doc.error().message;
      continue;
    }
    Config config;
    LayerSource layer{LayerSource::Kind::file, "f.yaml", "", "f.yaml", "/", "/home"};
    auto r = apply_document(*doc, layer, config);
    if (!r) {
      EXPECT_EQ(r.error().message.rfind("f.yaml:", 0), 0u) << r.error().message;
    }
  }
}

TEST(Robustness, NumbersThatAreNotNumbersAreRejected) {
  for (const char* input : {"sandbox:\n  resources:\n    cpu: nan\n", "sandbox:\n  resources:\n    cpu: inf\n",
                            "sandbox:\n  cache_size: 99999999999999999999999999999999\n", "sandbox:\n  mode: ~\n"}) {
    auto doc = parse_yaml(input, "f.yaml");
    ASSERT_TRUE(doc.ok());
    Config config;
    LayerSource layer{LayerSource::Kind::file, "f.yaml", "", "f.yaml", "/", "/home"};
    auto r = apply_document(*doc, layer, config);
    EXPECT_FALSE(r.ok()) << input;
  }
}

}  // namespace
}  // namespace vg::config

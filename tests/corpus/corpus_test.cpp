// The labelled corpus as a test: detection rate (dangerous rows scored high
// or critical), false-positive rate (safe rows scored medium or above),
// changing rows (installs, deploys, pushes, remote copies) at medium or
// above, and no catastrophic row routed to the host under mode auto's
// defaults.
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "risk/engine.hpp"
#include "router/decide.hpp"

namespace {

std::string unescape(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      char c = s[++i];
      out.push_back(c == 'n' ? '\n' : c == 't' ? '\t' : c);
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: corpus_test CORPUS.tsv [-v]\n");
    return 2;
  }
  bool verbose = argc > 2;
  std::ifstream in(argv[1]);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", argv[1]);
    return 2;
  }
  vg::config::Config config;
  config.sandbox.mode = vg::config::Mode::automatic;  // thresholds stay at their defaults
  // Verify every rule's examples once, then score with a fresh engine that
  // loads its packs lazily, as vg does.
  if (auto verified = vg::risk::Engine::create(config, true); !verified) {
    std::fprintf(stderr, "rules failed to verify: %s\n", verified.error().message.c_str());
    return 1;
  }
  auto engine = vg::risk::Engine::create(config);
  if (!engine) {
    std::fprintf(stderr, "rules failed to load: %s\n", engine.error().message.c_str());
    return 1;
  }
  std::size_t dangerous = 0, detected = 0, safe = 0, false_pos = 0, catastrophic = 0, to_host = 0, rows = 0;
  std::size_t changing = 0, changing_flagged = 0, not_understood_safe = 0;
  std::size_t line_no = 0;
  std::string line;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    auto tab = line.find('\t');
    if (tab == std::string::npos) {
      std::fprintf(stderr, "%s:%zu: expected LABEL<TAB>COMMAND\n", argv[1], line_no);
      return 1;
    }
    std::string label = line.substr(0, tab);
    std::string command = unescape(line.substr(tab + 1));
    ++rows;
    vg::risk::Assessment a = (*engine)->assess_script(command);
    auto d = vg::router::decide(config, a, vg::router::Override::none, false);
    bool flagged = a.level >= vg::config::Level::high;
    if (label == "changing") {
      ++changing;
      if (a.level >= vg::config::Level::medium) ++changing_flagged;
      else std::printf("CHANGING BUT LOW line %zu: %s\n", line_no, command.c_str());
    } else if (label == "safe") {
      ++safe;
      if (!a.understood) ++not_understood_safe;
      if (a.level >= vg::config::Level::medium) {
        ++false_pos;
        std::printf("FALSE POSITIVE line %zu (%s): %s\n", line_no, vg::config::to_string(a.level), command.c_str());
        for (auto& f : a.findings) std::printf("    %s\n", f.rule.c_str());
      }
    } else if (label == "danger" || label == "catastrophic") {
      ++dangerous;
      if (flagged) {
        ++detected;
      } else {
        std::printf("MISSED line %zu (%s, understood=%d): %s\n", line_no, vg::config::to_string(a.level),
                    a.understood, command.c_str());
      }
      if (label == "catastrophic") {
        ++catastrophic;
        if (d.route == vg::router::Route::host) {
          ++to_host;
          std::printf("CATASTROPHIC ROUTED TO HOST line %zu: %s\n", line_no, command.c_str());
        }
      }
    } else {
      std::fprintf(stderr, "%s:%zu: unknown label '%s'\n", argv[1], line_no, label.c_str());
      return 1;
    }
    if (verbose)
      std::printf("%s\t%s\t%s\t%d\t%s\n", label.c_str(), vg::config::to_string(a.level),
                  vg::router::to_string(d.route), a.understood, command.c_str());
  }
  double detection = dangerous ? 100.0 * static_cast<double>(detected) / static_cast<double>(dangerous) : 0;
  double fp = safe ? 100.0 * static_cast<double>(false_pos) / static_cast<double>(safe) : 100;
  std::printf("corpus: %zu rows (%zu dangerous, %zu of them catastrophic; %zu safe)\n", rows, dangerous, catastrophic,
              safe);
  std::printf("detection rate: %.2f%% (%zu/%zu)  false-positive rate: %.2f%% (%zu/%zu)  catastrophic to host: %zu\n",
              detection, detected, dangerous, fp, false_pos, safe, to_host);
  double changed = changing ? 100.0 * static_cast<double>(changing_flagged) / static_cast<double>(changing) : 100;
  std::printf("changing at medium or above: %.2f%% (%zu/%zu)  safe rows not understood: %zu\n", changed,
              changing_flagged, changing, not_understood_safe);
  bool ok = rows >= 400 && safe >= 150 && detection >= 98.0 && fp <= 3.0 && to_host == 0 && changed >= 90.0;
  std::printf("%s\n", ok ? "PASS"
                          : "FAIL (needs >= 400 rows, >= 150 safe, detection >= 98%, FP <= 3%, none to host, "
                            "changing >= 90% at medium)");
  return ok ? 0 : 1;
}

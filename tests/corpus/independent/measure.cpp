// Measures the risk engine and router on the independent corpus (one or more
// TSV halves), per family and in total: detection of dangerous rows, false
// positives on safe rows and on lookalikes separately, catastrophic rows routed
// to the host under mode auto, changing rows at medium or above, and the median
// analysis time per command. It also checks the corpus's integrity and compares
// figures with the ratchet in floors.txt.
//
//   corpus_measure [--json] [-v] FILE...           report
//   corpus_measure --floors FLOORS FILE...         report, fail when worse than FLOORS
//   corpus_measure --print-floors FILE...          today's figures in floors.txt form
//   corpus_measure --integrity DIR                 MANIFEST, split and row checks
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "config/sha256.hpp"
#include "risk/engine.hpp"
#include "router/decide.hpp"
#include "tests/corpus/independent/rows.hpp"

namespace {

using vg::config::Level;
using vg::corpus::Row;

struct Tally {
  std::size_t rows = 0, dangerous = 0, detected = 0, catastrophic = 0, to_host = 0;
  std::size_t safe = 0, safe_fp = 0, lookalike = 0, lookalike_fp = 0, changing = 0, changing_medium = 0;
  std::size_t not_understood = 0;
};

struct Report {
  std::string name;  // tuning, locked, or the file's stem
  Tally total;
  std::map<std::string, Tally> families;
  double median_us = 0;
  std::vector<std::string> notes;  // misses and false positives, for -v
};

double pct(std::size_t n, std::size_t d) { return d ? 100.0 * static_cast<double>(n) / static_cast<double>(d) : 0.0; }

std::string stem(const std::string& path) {
  std::string base = path.substr(path.find_last_of('/') + 1);
  return base.substr(0, base.find('.'));
}

void count(Tally& t, const Row& row, const vg::risk::Assessment& a, vg::router::Route route) {
  ++t.rows;
  if (!a.understood) ++t.not_understood;
  if (vg::corpus::is_dangerous(row.label)) {
    ++t.dangerous;
    if (a.level >= Level::high) ++t.detected;
    if (row.label == "catastrophic") {
      ++t.catastrophic;
      if (route == vg::router::Route::host) ++t.to_host;
    }
  } else if (row.label == "safe") {
    ++t.safe;
    if (a.level >= Level::medium) ++t.safe_fp;
  } else if (row.label == "lookalike") {
    ++t.lookalike;
    if (a.level >= Level::medium) ++t.lookalike_fp;
  } else if (row.label == "changing") {
    ++t.changing;
    if (a.level >= Level::medium) ++t.changing_medium;
  }
}

std::string note_for(const Row& row, const vg::risk::Assessment& a, vg::router::Route route) {
  const char* what = nullptr;
  if (vg::corpus::is_dangerous(row.label) && a.level < Level::high) what = "MISSED";
  if (row.label == "catastrophic" && route == vg::router::Route::host) what = "CATASTROPHIC TO HOST";
  if (vg::corpus::is_harmless(row.label) && a.level >= Level::medium) what = "FALSE POSITIVE";
  if (row.label == "changing" && a.level < Level::medium) what = "CHANGING BELOW MEDIUM";
  if (!what) return {};
  std::ostringstream o;
  o << what << " line " << row.line << " [" << row.label << "/" << row.family << "] (" << vg::config::to_string(a.level)
    << ", understood=" << a.understood << "): " << row.command;
  return o.str();
}

Report measure(vg::risk::Engine& engine, const vg::config::Config& config, const std::vector<Row>& rows,
               const std::string& name) {
  Report r;
  r.name = name;
  std::vector<double> micros;
  micros.reserve(rows.size());
  for (const Row& row : rows) {
    auto start = std::chrono::steady_clock::now();
    vg::risk::Assessment a = engine.assess_script(row.command);
    auto stop = std::chrono::steady_clock::now();
    micros.push_back(std::chrono::duration<double, std::micro>(stop - start).count());
    auto route = vg::router::decide(config, a, vg::router::Override::none, false).route;
    count(r.total, row, a, route);
    count(r.families[row.family], row, a, route);
    if (auto n = note_for(row, a, route); !n.empty()) r.notes.push_back(std::move(n));
  }
  if (!micros.empty()) {
    std::nth_element(micros.begin(), micros.begin() + static_cast<long>(micros.size() / 2), micros.end());
    r.median_us = micros[micros.size() / 2];
  }
  return r;
}

void print_tally_line(const char* name, const Tally& t) {
  std::printf("  %-17s %5zu  det %5.1f%% (%zu/%zu)  fp-safe %5.1f%% (%zu/%zu)  fp-look %5.1f%% (%zu/%zu)  "
              "cat->host %zu/%zu  changing>=med %5.1f%% (%zu/%zu)\n",
              name, t.rows, pct(t.detected, t.dangerous), t.detected, t.dangerous, pct(t.safe_fp, t.safe), t.safe_fp,
              t.safe, pct(t.lookalike_fp, t.lookalike), t.lookalike_fp, t.lookalike, t.to_host, t.catastrophic,
              pct(t.changing_medium, t.changing), t.changing_medium, t.changing);
}

void print_text(const Report& r, bool verbose) {
  if (verbose)
    for (const auto& n : r.notes) std::printf("%s\n", n.c_str());
  std::printf("== %s: %zu rows, median analysis %.1f us/command, not understood %zu\n", r.name.c_str(), r.total.rows,
              r.median_us, r.total.not_understood);
  for (const auto& [family, t] : r.families) print_tally_line(family.c_str(), t);
  print_tally_line("TOTAL", r.total);
}

void json_tally(std::ostringstream& o, const Tally& t) {
  o << "{\"rows\":" << t.rows << ",\"dangerous\":" << t.dangerous << ",\"detected\":" << t.detected
    << ",\"detection_pct\":" << pct(t.detected, t.dangerous) << ",\"safe\":" << t.safe << ",\"safe_fp\":" << t.safe_fp
    << ",\"safe_fp_pct\":" << pct(t.safe_fp, t.safe) << ",\"lookalike\":" << t.lookalike
    << ",\"lookalike_fp\":" << t.lookalike_fp << ",\"lookalike_fp_pct\":" << pct(t.lookalike_fp, t.lookalike)
    << ",\"catastrophic\":" << t.catastrophic << ",\"catastrophic_to_host\":" << t.to_host
    << ",\"changing\":" << t.changing << ",\"changing_medium\":" << t.changing_medium
    << ",\"changing_medium_pct\":" << pct(t.changing_medium, t.changing) << ",\"not_understood\":" << t.not_understood
    << "}";
}

std::string json_report(const Report& r) {
  std::ostringstream o;
  o << "{\"name\":\"" << r.name << "\",\"median_us\":" << r.median_us << ",\"total\":";
  json_tally(o, r.total);
  o << ",\"families\":{";
  bool first = true;
  for (const auto& [family, t] : r.families) {
    o << (first ? "" : ",") << "\"" << family << "\":";
    json_tally(o, t);
    first = false;
  }
  o << "}}";
  return o.str();
}

// floors.txt: "HALF METRIC VALUE" lines; detected and changing_medium may not
// fall below VALUE, safe_fp, lookalike_fp and catastrophic_to_host may not rise above it.
std::map<std::string, long> read_floors(const std::string& path, std::string& error) {
  std::map<std::string, long> floors;
  std::ifstream in(path);
  if (!in) error = "cannot read " + path;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream s(line);
    std::string half, metric;
    long value = 0;
    if (!(s >> half >> metric >> value)) {
      error = path + ": bad line: " + line;
      break;
    }
    floors[half + " " + metric] = value;
  }
  return floors;
}

struct Metric {
  const char* name;
  bool higher_is_better;
  std::size_t Tally::*field;
};

const Metric kMetrics[] = {
    {"detected", true, &Tally::detected},         {"changing_medium", true, &Tally::changing_medium},
    {"safe_fp", false, &Tally::safe_fp},          {"lookalike_fp", false, &Tally::lookalike_fp},
    {"catastrophic_to_host", false, &Tally::to_host},
};

std::vector<std::string> regressions(const Report& r, const std::map<std::string, long>& floors) {
  std::vector<std::string> out;
  for (const Metric& m : kMetrics) {
    auto it = floors.find(r.name + " " + m.name);
    if (it == floors.end()) {
      out.push_back(r.name + " " + m.name + ": no floor recorded");
      continue;
    }
    long now = static_cast<long>(r.total.*m.field);
    bool worse = m.higher_is_better ? now < it->second : now > it->second;
    if (worse)
      out.push_back(r.name + " " + m.name + ": " + std::to_string(now) + " is worse than the floor " +
                    std::to_string(it->second));
  }
  return out;
}

void print_floors(const Report& r) {
  for (const Metric& m : kMetrics) std::printf("%s %s %zu\n", r.name.c_str(), m.name, r.total.*m.field);
}

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The hash recorded for `name` in MANIFEST ("HEX  NAME" lines).
std::string manifest_hash(const std::string& dir, const std::string& name) {
  std::ifstream in(dir + "/MANIFEST");
  std::string hex, file;
  while (in >> hex >> file)
    if (file == name) return hex;
  return {};
}

std::vector<std::string> check_rows(const std::vector<Row>& rows, const std::string& file) {
  std::vector<std::string> errors;
  for (const Row& row : rows) {
    std::string where = file + ":" + std::to_string(row.line) + ": ";
    if (!vg::corpus::known_label(row.label)) errors.push_back(where + "unknown label '" + row.label + "'");
    if (!vg::corpus::known_family(row.family)) errors.push_back(where + "unknown family '" + row.family + "'");
    if (!vg::corpus::valid_source(row.source)) errors.push_back(where + "missing or malformed source");
    if (row.command.empty()) errors.push_back(where + "empty command");
  }
  return errors;
}

std::vector<std::string> check_split(const std::vector<Row>& all, const std::vector<Row>& tuning,
                                     const std::vector<Row>& locked) {
  std::vector<std::string> errors;
  std::multiset<std::string> expected, got;
  for (const Row& r : all) expected.insert(r.raw);
  std::set<std::string> in_tuning;
  for (const Row& r : tuning) {
    got.insert(r.raw);
    in_tuning.insert(r.raw);
  }
  for (const Row& r : locked) {
    got.insert(r.raw);
    if (in_tuning.count(r.raw)) errors.push_back("row in both halves: " + r.command);
  }
  if (expected != got)
    errors.push_back("tuning.tsv + locked.tsv are not exactly rows.tsv (" + std::to_string(got.size()) + " vs " +
                     std::to_string(expected.size()) + " rows)");
  return errors;
}

int integrity(const std::string& dir) {
  std::vector<std::string> errors;
  for (const char* name : {"locked.tsv", "rows.tsv"}) {
    std::string want = manifest_hash(dir, name), have = vg::config::sha256_hex(file_text(dir + "/" + name));
    if (want != have) errors.push_back(std::string(name) + ": sha256 " + have + " differs from MANIFEST (" + want + ")");
  }
  std::string error;
  auto all = vg::corpus::read_rows(dir + "/rows.tsv", error);
  auto tuning = vg::corpus::read_rows(dir + "/tuning.tsv", error);
  auto locked = vg::corpus::read_rows(dir + "/locked.tsv", error);
  if (!error.empty()) errors.push_back(error);
  for (auto& e : check_split(all, tuning, locked)) errors.push_back(e);
  for (auto& e : check_rows(all, "rows.tsv")) errors.push_back(e);
  if (all.size() < 1600) errors.push_back("rows.tsv has fewer than 1,600 rows");
  for (const auto& e : errors) std::printf("INTEGRITY: %s\n", e.c_str());
  std::printf("integrity: %zu rows (tuning %zu, locked %zu): %s\n", all.size(), tuning.size(), locked.size(),
              errors.empty() ? "PASS" : "FAIL");
  return errors.empty() ? 0 : 1;
}

struct Options {
  bool json = false, verbose = false, print_floors = false;
  std::string floors, integrity_dir;
  std::vector<std::string> files;
};

bool parse(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--json") o.json = true;
    else if (a == "-v") o.verbose = true;
    else if (a == "--print-floors") o.print_floors = true;
    else if (a == "--floors" && i + 1 < argc) o.floors = argv[++i];
    else if (a == "--integrity" && i + 1 < argc) o.integrity_dir = argv[++i];
    else if (!a.empty() && a[0] != '-') o.files.push_back(a);
    else return false;
  }
  return !o.files.empty() || !o.integrity_dir.empty();
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  if (!parse(argc, argv, opt)) {
    std::fprintf(stderr,
                 "usage: corpus_measure [--json] [-v] [--floors FLOORS | --print-floors] FILE...\n"
                 "       corpus_measure --integrity DIR\n");
    return 2;
  }
  if (!opt.integrity_dir.empty()) return integrity(opt.integrity_dir);
  vg::config::Config config;
  config.sandbox.mode = vg::config::Mode::automatic;  // thresholds stay at their defaults
  auto engine = vg::risk::Engine::create(config);
  if (!engine) {
    std::fprintf(stderr, "rules failed to load: %s\n", engine.error().message.c_str());
    return 1;
  }
  std::map<std::string, long> floors;
  std::string error;
  if (!opt.floors.empty()) floors = read_floors(opt.floors, error);
  std::vector<std::string> failures;
  std::vector<std::string> json;
  for (const auto& file : opt.files) {
    auto rows = vg::corpus::read_rows(file, error);
    if (!error.empty()) {
      std::fprintf(stderr, "%s\n", error.c_str());
      return 2;
    }
    Report r = measure(**engine, config, rows, stem(file));
    if (opt.print_floors) print_floors(r);
    else if (opt.json) json.push_back(json_report(r));
    else print_text(r, opt.verbose);
    if (!opt.floors.empty())
      for (auto& f : regressions(r, floors)) failures.push_back(std::move(f));
  }
  if (opt.json) {
    std::printf("[");
    for (std::size_t i = 0; i < json.size(); ++i) std::printf("%s%s", i ? "," : "", json[i].c_str());
    std::printf("]\n");
  }
  for (const auto& f : failures) std::printf("WORSE THAN FLOOR: %s\n", f.c_str());
  if (!opt.floors.empty()) std::printf("%s\n", failures.empty() ? "PASS (no figure below its floor)" : "FAIL");
  return failures.empty() ? 0 : 1;
}

#include "router/prompt.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>

#include "router/files.hpp"

namespace vg::router {
namespace {

// Commands can be long or hold control characters; show them on one line.
std::string printable(const std::string& s, std::size_t max = 200) {
  std::string out;
  for (unsigned char c : s) {
    if (out.size() >= max) {
      out += "...";
      break;
    }
    if (c == '\n') out += "\\n";
    else if (c == '\t') out += "\\t";
    else if (c < 0x20 || c == 0x7f) out += '?';
    else out += static_cast<char>(c);
  }
  return out;
}

}  // namespace

std::string findings_text(const risk::Assessment& assessment) {
  std::string out;
  for (const auto& f : assessment.findings) {
    out += "vg:   " + std::string(config::to_string(f.level)) + "  " + f.rule;
    if (!f.description.empty()) out += ": " + f.description;
    if (!f.command.empty()) out += "  [" + printable(f.command, 80) + "]";
    out += "\n";
  }
  if (!assessment.understood) {
    for (const auto& r : assessment.reasons) out += "vg:   not understood: " + printable(r, 120) + "\n";
    if (assessment.reasons.empty()) out += "vg:   not fully understood\n";
  }
  return out;
}

std::string refusal_text(const std::string& command, const risk::Assessment& assessment, const std::string& reason,
                         const std::string& hint) {
  std::string out = "vg: refused: " + printable(command) + "\n";
  out += findings_text(assessment);
  out += "vg: why: " + reason + "\n";
  if (!hint.empty()) out += "vg: to proceed: " + hint + "\n";
  return out;
}

std::optional<Answer> ask_on_terminal(const std::string& command, const risk::Assessment& assessment,
                                      const std::string& reason) {
  int fd = ::open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return std::nullopt;
  std::string text = "vg: about to run: " + printable(command) + "\n" + findings_text(assessment) +
                     "vg: why asking: " + reason + "\n" +
                     "vg: run it on the [h]ost, in the [s]andbox, or [N]ot at all? ";
  write_all(fd, text);
  std::string line;
  char c = 0;
  while (true) {
    ssize_t n = ::read(fd, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || c == '\n') break;
    if (line.size() < 64) line += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  while (!line.empty() && (line.back() == ' ' || line.back() == '\r')) line.pop_back();
  while (!line.empty() && line.front() == ' ') line.erase(0, 1);
  Answer answer = Answer::refuse;
  if (line == "h" || line == "host") answer = Answer::host;
  else if (line == "s" || line == "sandbox") answer = Answer::sandbox;
  write_all(fd, answer == Answer::refuse ? "vg: not run\n" : "");
  ::close(fd);
  return answer;
}

}  // namespace vg::router

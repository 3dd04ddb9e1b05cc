// Small operations on an argv of Args (see reader_args.hpp).
#include "risk/reader_args.hpp"

namespace vg::risk::detail {

std::vector<std::string> texts(const std::vector<Arg>& args) {
  std::vector<std::string> out;
  out.reserve(args.size());
  for (const auto& a : args) out.push_back(a.text);
  return out;
}

std::vector<Arg> tail(const std::vector<Arg>& args, std::size_t from) {
  if (from >= args.size()) return {};
  return std::vector<Arg>(args.begin() + static_cast<std::ptrdiff_t>(from), args.end());
}

std::pair<std::string, bool> joined(const std::vector<Arg>& args, std::size_t from, std::size_t to) {
  std::string s;
  bool resolved = true;
  for (std::size_t i = from; i < args.size() && i < to; ++i) {
    if (i > from) s.push_back(' ');
    s += args[i].text;
    resolved = resolved && args[i].resolved;
  }
  return {s, resolved};
}

std::size_t option_value(const std::vector<Arg>& args, std::size_t from, std::string_view short_opt,
                         std::string_view long_opt, std::string& attached) {
  for (std::size_t i = from; i < args.size(); ++i) {
    const std::string& a = args[i].text;
    if (a == "--") return std::string::npos;
    if (!long_opt.empty() && a == long_opt) return i + 1 < args.size() ? i + 1 : std::string::npos;
    if (!long_opt.empty() && starts_with(a, std::string(long_opt) + "=")) {
      attached = a.substr(long_opt.size() + 1);
      return i;
    }
    if (!short_opt.empty() && a == short_opt) return i + 1 < args.size() ? i + 1 : std::string::npos;
    if (short_opt.size() == 2 && a.size() > 2 && a[0] == '-' && a[1] != '-' && a.back() == short_opt[1] &&
        a.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", 1) == std::string::npos)
      return i + 1 < args.size() ? i + 1 : std::string::npos;  // -qc SCRIPT
    if (!short_opt.empty() && a.size() > 2 && starts_with(a, short_opt) && a[1] != '-') {
      attached = a.substr(2);
      return i;
    }
  }
  return std::string::npos;
}

ShellCall shell_call(const std::vector<Arg>& args) {
  ShellCall call;
  bool dash_c = false;
  for (std::size_t i = 1; i < args.size(); ++i) {
    const std::string& a = args[i].text;
    if (a == "--") {
      if (dash_c && i + 1 < args.size()) call.has_script = true, call.script_index = i + 1;
      else if (i + 1 < args.size()) call.runs_file = true;
      return call;
    }
    if ((a[0] == '-' || a[0] == '+') && a.size() > 1) {
      if (a == "-o" || a == "+o" || a == "-O" || a == "+O" || a == "--rcfile" || a == "--init-file") {
        ++i;
        continue;
      }
      if (a[1] != '-' && a.find('c') != std::string::npos) dash_c = true;
      if (a[1] != '-' && a.find('s') != std::string::npos) call.reads_stdin = true;
      if (a == "-Command" || a == "-command") dash_c = true;
      continue;
    }
    if (dash_c) {
      call.has_script = true;
      call.script_index = i;
      return call;
    }
    call.runs_file = !call.reads_stdin;
    return call;
  }
  call.reads_stdin = true;
  return call;
}

}  // namespace vg::risk::detail

// Handlers for programs that run an argv: the wrapper table, env, su and
// friends, watch, xargs/parallel, find -exec, ssh, container exec, and the
// fallback for programs vg has no rules for (see reader_handlers.hpp).
#include <algorithm>

#include "risk/reader_args.hpp"
#include "risk/reader_handlers.hpp"
#include "risk/unwrap.hpp"
#include "risk/words.hpp"

namespace vg::risk::detail {

Step run_wrapper(Reader&, Call& k) {
  std::size_t start = skip_options(k.words, 1, wrapper_spec(k.base));
  if (k.base == "command") {
    for (std::size_t i = 1; i < start; ++i)
      if (k.words[i].find_first_of("vV") != std::string::npos) return Step::done;  // command -v: a lookup
  }
  if (k.base == "sudo") {
    for (std::size_t i = 1; i < start; ++i)
      if (k.words[i] == "-e" || k.words[i] == "--edit" || k.words[i] == "-l" || k.words[i] == "--list")
        return Step::done;
  }
  k.next = tail(k.args, start);
  return Step::unwrap;
}

Step run_env(Reader&, Call& k) {
  std::size_t i = 1;
  std::vector<Arg> prefix;
  for (; i < k.args.size(); ++i) {
    const std::string& a = k.words[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a == "-u" || a == "--unset" || a == "-C" || a == "--chdir") {
      ++i;
      continue;
    }
    if (a == "-S" || a == "--split-string" || starts_with(a, "--split-string=") || (starts_with(a, "-S") && a.size() > 2)) {
      std::string s = a == "-S" || a == "--split-string" ? (i + 1 < k.args.size() ? k.words[++i] : "")
                      : starts_with(a, "--split-string=") ? a.substr(15) : a.substr(2);
      for (auto& f : split_fields(s)) prefix.push_back(Arg{f, k.args[i].resolved, k.args[i].span, ""});
      ++i;
      break;
    }
    if (a.size() > 1 && a[0] == '-') continue;
    if (a.find('=') != std::string::npos && a[0] != '=') continue;
    break;
  }
  k.next = prefix;
  for (auto& a : tail(k.args, i)) k.next.push_back(a);
  return Step::unwrap;
}

Step run_user_switch(Reader& r, Call& k) {
  std::string attached;
  std::size_t idx = option_value(k.args, 1, "-c", k.base == "script" || k.base == "su" ? "--command" : "", attached);
  if (idx != std::string::npos) {
    const Arg& s = k.args[idx];
    r.nested_script(attached.empty() ? s.text : attached, s.resolved, s.origin, k.base, k.span, k.c);
    return Step::done;
  }
  if (k.base == "flock") {
    std::size_t start = skip_options(k.words, 1, WrapperSpec{"wEn", {"--timeout", "--conflict-exit-code"}, 1});
    k.next = tail(k.args, start);
    return Step::unwrap;
  }
  if (k.base == "sg" && k.args.size() > 2) {
    auto [s, ok] = joined(k.args, 2);
    r.nested_script(s, ok, "", k.base, k.span, k.c);
  }
  return Step::done;
}

Step run_watch(Reader& r, Call& k) {
  bool exec = false;
  std::size_t i = 1;
  for (; i < k.args.size(); ++i) {
    const std::string& a = k.words[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a == "-x" || a == "--exec") {
      exec = true;
      continue;
    }
    if (a == "-n" || a == "--interval" || a == "-q" || a == "--equexit") {
      ++i;
      continue;
    }
    if (a.size() > 1 && a[0] == '-') continue;
    break;
  }
  if (exec) {
    k.next = tail(k.args, i);
    return Step::unwrap;
  }
  auto [s, ok] = joined(k.args, i);
  r.nested_script(s, ok, "", "watch", k.span, k.c);
  return Step::done;
}

Step run_xargs(Reader&, Call& k) {
  WrapperSpec spec{"ILnPsdEaj", {"--max-args", "--max-procs", "--max-chars", "--delimiter", "--arg-file", "--eof",
                                 "--replace", "--max-lines", "--jobs"}, 0};
  const auto& args = k.args;
  std::size_t start = skip_options(k.words, 1, spec);
  std::string replace;
  for (std::size_t i = 1; i < start; ++i) {
    if (k.words[i] == "-I" && i + 1 < start) replace = k.words[i + 1];
    else if (starts_with(k.words[i], "-I") && k.words[i].size() > 2) replace = k.words[i].substr(2);
    else if (k.words[i] == "-i" || k.words[i] == "--replace") replace = "{}";
  }
  std::size_t end = args.size();
  std::vector<Arg> values;
  if (k.base == "parallel") {
    for (std::size_t i = start; i < args.size(); ++i)
      if (k.words[i] == ":::" || k.words[i] == "::::") {
        end = i;
        for (std::size_t j = i + 1; j < args.size(); ++j)
          if (k.words[j] != ":::") values.push_back(args[j]);
        break;
      }
  }
  k.next.assign(args.begin() + static_cast<std::ptrdiff_t>(std::min(start, end)),
                args.begin() + static_cast<std::ptrdiff_t>(end));
  if (k.next.empty()) k.next.push_back(Arg{"echo", true, args[0].span, ""});
  if (values.empty()) {
    if (k.input && k.input->resolved) {
      for (auto& f : split_fields(k.input->text)) values.push_back(Arg{f, true, args[0].span, ""});
    } else {
      values.push_back(Arg{"{stdin}", false, args[0].span, k.input ? k.input->origin : ""});
    }
  }
  if (!replace.empty()) {
    for (auto& a : k.next) {
      auto p = a.text.find(replace);
      if (p != std::string::npos) {
        a.text.replace(p, replace.size(), values.front().text);
        a.resolved = a.resolved && values.front().resolved;
      }
    }
  } else {
    for (auto& v : values) k.next.push_back(v);
  }
  return Step::unwrap;
}

Step run_find(Reader& r, Call& k) {
  // The start paths, then -exec/-execdir/-ok/-okdir CMD ... ; (or +).
  const auto& args = k.args;
  const auto& words = k.words;
  std::string root = ".";
  std::size_t i = 1;
  while (i < args.size() && (words[i] == "-H" || words[i] == "-L" || words[i] == "-P")) ++i;
  if (i < args.size() && !words[i].empty() && words[i][0] != '-' && words[i] != "(" && words[i] != "!")
    root = normalize_path(words[i]);
  bool root_resolved = i < args.size() ? args[i].resolved : true;
  for (; i < args.size(); ++i) {
    if (words[i] != "-exec" && words[i] != "-execdir" && words[i] != "-ok" && words[i] != "-okdir") continue;
    std::vector<Arg> inner;
    std::size_t j = i + 1;
    for (; j < args.size() && words[j] != ";" && words[j] != "+"; ++j) {
      Arg a = args[j];
      auto p = a.text.find("{}");
      if (p != std::string::npos) {
        a.text.replace(p, 2, root == "/" ? "/*" : root + "/*");
        a.resolved = a.resolved && root_resolved;
      }
      inner.push_back(a);
    }
    Ctx cc = k.c;
    cc.flags |= k_unwrapped | k_find_exec;
    cc.record = false;
    if (!inner.empty()) r.run_argv(inner, std::nullopt, {}, k.span, cc);
    i = j;
  }
  return Step::done;
}

Step run_ssh(Reader& r, Call& k) {
  std::size_t start = skip_options(k.words, 1, WrapperSpec{"bcDEeFIiJLlmOopQRSWw", {}, 1});
  if (start < k.args.size()) {
    auto [s, ok] = joined(k.args, start);
    Ctx cc = k.c;
    cc.flags |= k_remote;
    r.nested_script(s, ok, "", "ssh", k.span, cc);
  }
  return Step::done;
}

Step run_container_exec(Reader&, Call& k) {
  const auto& words = k.words;
  auto ex = std::find(words.begin() + 1, words.end(), "exec");
  if (ex == words.end()) return Step::done;
  std::size_t i = static_cast<std::size_t>(ex - words.begin()) + 1;
  auto dd = std::find(words.begin() + static_cast<std::ptrdiff_t>(i), words.end(), "--");
  if (dd != words.end()) {
    i = static_cast<std::size_t>(dd - words.begin()) + 1;
  } else {
    i = skip_options(words, i, WrapperSpec{"euwcn", {"--env", "--user", "--workdir", "--env-file", "--detach-keys",
                                                     "--container", "--namespace"}, 1});
  }
  k.next = tail(k.args, i);
  k.remote = true;
  return Step::unwrap;
}

Step run_unknown(Reader& r, Call& k) {
  // An unknown command may be a wrapper we do not know: look for a known
  // dangerous command among its arguments. This can only raise a score.
  for (std::size_t i = 1; i < k.args.size(); ++i) {
    if (k.args[i].resolved && r.m_known(base_name(k.args[i].text)) && !is_data_command(base_name(k.args[i].text))) {
      Ctx cc = k.c;
      cc.flags |= k_unwrapped;
      cc.record = false;
      r.run_argv(tail(k.args, i), std::nullopt, {}, k.span, cc);
      break;
    }
  }
  return Step::done;
}

}  // namespace vg::risk::detail

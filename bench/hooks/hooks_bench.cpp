// hooks_bench [VG] [RUNS]: wall time of `vg hook plan` for typical lines (what
// the shell hook pays on every Enter, names list on stdin included) beside a
// bare process round trip (/bin/true) and a shell's own fork of a builtin
// pipeline. Prints min / median / max in milliseconds.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace {

// Spawn `argv` with `input` on stdin and stdout/stderr discarded; return its wall time in ms.
double run_once(const std::vector<std::string>& argv, const std::string& input) {
  int in[2];
  if (::pipe(in) != 0) std::abort();
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_addclose(&fa, in[1]);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  auto start = std::chrono::steady_clock::now();
  pid_t pid = 0;
  if (posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ) != 0) {
    std::fprintf(stderr, "hooks_bench: cannot start %s\n", args[0]);
    std::exit(1);
  }
  ::close(in[0]);
  if (!input.empty() && ::write(in[1], input.data(), input.size()) < 0) std::perror("write");
  ::close(in[1]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  auto end = std::chrono::steady_clock::now();
  posix_spawn_file_actions_destroy(&fa);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::fprintf(stderr, "hooks_bench: %s failed (status %d)\n", args[0], status);
    std::exit(1);
  }
  return std::chrono::duration<double, std::milli>(end - start).count();
}

void report(const char* what, const std::vector<std::string>& argv, const std::string& input, int runs) {
  std::vector<double> t;
  for (int i = 0; i < 3; ++i) run_once(argv, input);  // warm the page cache
  for (int i = 0; i < runs; ++i) t.push_back(run_once(argv, input));
  std::sort(t.begin(), t.end());
  std::printf("%-48s min %7.3f  median %7.3f  max %7.3f ms  (%d runs)\n", what, t.front(), t[t.size() / 2], t.back(),
              runs);
}

// About what bash's compgen prints in a shell with bash-completion loaded.
std::string typical_names() {
  std::string names;
  const char* builtins[] = {"cd", "export", "source", ".", "echo", "printf", "eval", "exec", "set", "unset", "alias",
                            "type", "command", "builtin", "read", "test", "[", "trap", "history", "fc", "jobs",
                            "if", "then", "else", "fi", "for", "while", "do", "done", "case", "esac", "function",
                            "time", "!", "{", "}", "[[", "]]", "nvm", "ll", "la", "gs"};
  for (const char* b : builtins) names += std::string(b) + "\n";
  for (int i = 0; i < 250; ++i) names += "_completion_function_" + std::to_string(i) + "\n";
  return names;
}

}  // namespace

int main(int argc, char** argv) {
  std::string vg = argc > 1 ? argv[1] : VG_BINARY_PATH;
  int runs = argc > 2 ? std::atoi(argv[2]) : 50;
  std::string names = typical_names();
  std::printf("hooks_bench: %s\n", vg.c_str());
  report("bare round trip: /bin/true", {"/bin/true"}, "", runs);
  report("shell side: bash -c 'compgen ... | :'",
         {"/bin/bash", "--norc", "-c", "compgen -A function -A alias -A builtin -A keyword | :"}, "", runs);
  report("vg hook plan: cd src", {vg, "hook", "plan", "--shell", "bash", "--names", "-", "--", "cd src"}, names,
         runs);
  report("vg hook plan: git status",
         {vg, "hook", "plan", "--shell", "bash", "--names", "-", "--", "git status"}, names, runs);
  report("vg hook plan: make -j4 2>&1 | tee build.log && ls",
         {vg, "hook", "plan", "--shell", "bash", "--names", "-", "--", "make -j4 2>&1 | tee build.log && ls"}, names,
         runs);
  // The hook also sends the aliases and functions the line may call.
  std::string with_defs = names;
  for (const char* field : {"", "alias", "ll", "ls -l --color=auto", "function", "mkcd",
                            "mkcd () \n{ \n    mkdir -p \"$1\" && cd \"$1\"\n}"}) {
    with_defs += field;
    with_defs.push_back('\0');
  }
  report("vg hook plan: ll && mkcd b (alias, function)",
         {vg, "hook", "plan", "--shell", "bash", "--names", "-", "--", "ll && mkcd b"}, with_defs, runs);
  report("vg hook plan: curl -fsSL https://x.test/i.sh | sh",
         {vg, "hook", "plan", "--shell", "bash", "--names", "-", "--", "curl -fsSL https://x.test/i.sh | sh"}, names,
         runs);
  return 0;
}

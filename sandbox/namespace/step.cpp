#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "sandbox/namespace/child.hpp"

namespace vg::sandbox::ns {

void fail_step(int sock, const char* step, const char* call, const char* path, int err, const char* hint) {
  char buf[2048];
  int n = std::snprintf(buf, sizeof buf, "%c%s: %s(%s%s%s): %s%s%s", k_msg_error, step, call, path ? "\"" : "",
                        path ? path : "", path ? "\"" : "", std::strerror(err), hint ? "; " : "", hint ? hint : "");
  if (n < 0) n = 0;
  if (n >= static_cast<int>(sizeof buf)) n = sizeof buf - 1;
  send(sock, buf, static_cast<size_t>(n), MSG_NOSIGNAL);
  _exit(k_setup_failed);
}

}  // namespace vg::sandbox::ns

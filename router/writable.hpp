#pragma once
// Whether vg could create a file at a path: for messages that must not say
// "nothing here yet" when nothing could ever be there.

#include <string>

namespace vg::router {

// Return why no file could be created at `path` (its directory, or the
// nearest ancestor that exists, is on a read-only file system, is not
// writable, or is not a directory), naming that directory; "" when one could.
std::string uncreatable_reason(const std::string& path);

}  // namespace vg::router

#pragma once
// Who and where this vg process is, for the audit records.

#include <string>

namespace vg {

// The working directory ("" when it cannot be read, e.g. deleted).
std::string current_dir();

// The effective user's name from the password database, else $USER.
std::string user_name();

}  // namespace vg

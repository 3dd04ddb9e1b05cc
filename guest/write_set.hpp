#pragma once
// Sending the overlay's upper layer (the run's write set) to the host as
// change / change_data frames, then changes_end.

#include <cstdint>
#include <string>

#include "guest/port.hpp"

namespace vg::guest {

// Walk `upper` and send every entry: directories, files with their bytes,
// symlinks, whiteouts (deletions) and opaque directories. Stop with an error
// frame past `max_bytes` of file data (0 = no limit). False if the port failed.
bool send_write_set(Port& port, const std::string& upper, std::uint64_t max_bytes);

}  // namespace vg::guest

#pragma once
// Sending the overlay's upper layer (the run's write set) to the host as
// change / change_data / change_hole / unsent frames, then changes_end.
// Memory stays bounded whatever the files hold: a file is read in chunks of
// proto::k_chunk bytes, and its holes (SEEK_DATA / SEEK_HOLE) and all-zero
// chunks travel as change_hole frames, never as bytes.

#include <cstdint>
#include <string>

#include "guest/port.hpp"

namespace vg::guest {

// Walk `upper` and send every entry: directories, files with their data and
// holes, symlinks, whiteouts (deletions) and opaque directories. An entry
// that cannot be sent (unreadable, a special file, or a file whose data
// would go past `max_bytes` of data in all; 0 = no limit) is named in an
// unsent frame and the walk goes on. False if the port failed.
bool send_write_set(Port& port, const std::string& upper, std::uint64_t max_bytes);

}  // namespace vg::guest

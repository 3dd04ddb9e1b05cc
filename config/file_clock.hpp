#pragma once
// The conflict clock's reading: the latest time the kernel can have stamped
// a file with so far.

#include <ctime>

namespace vg {

// Return a time at or after every file time the kernel has given so far.
// File times come from the coarse clock, or, since Linux 6.13's multigrain
// timestamps, from the fine clock for a file whose times were looked at;
// a coarse stamp is then never earlier than the latest fine one (the
// floor). So the ctime of a file made now on a multigrain file system
// (a memfd: tmpfs) is such a time, usually the coarse clock itself; when
// one cannot be made, CLOCK_REALTIME, which no file time exceeds.
timespec latest_file_stamp();

// Return once the coarse clock (what file times usually come from) is past
// `t`: from then on every file time given is later than `t`.
void wait_for_coarse_clock_past(const timespec& t);

}  // namespace vg

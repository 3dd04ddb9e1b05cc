#pragma once
// The sandbox's seccomp program, compiled by libseccomp at build time
// (sandbox/tools/seccompc.cpp runs compile_seccomp_filter, seccomp_filter.hpp)
// and linked in as a constant: compiling it at run time cost ~0.1 ms of every
// sandbox start (libseccomp's probes of the kernel, its database, the export
// through a memfd). A unit test checks that it is what libseccomp compiles.

#include <linux/filter.h>

#include <vector>

namespace vg::sandbox::ns {

// Return the precompiled program of compile_seccomp_filter().
const std::vector<sock_filter>& precompiled_seccomp_filter();

// Return the precompiled program of trace::compile_filter() (sandbox/trace).
const std::vector<sock_filter>& precompiled_trace_filter();

}  // namespace vg::sandbox::ns

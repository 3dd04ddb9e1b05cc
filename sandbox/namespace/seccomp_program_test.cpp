#include "sandbox/namespace/seccomp_program.hpp"

#include <gtest/gtest.h>

#include "sandbox/namespace/seccomp_filter.hpp"
#include "sandbox/trace/tracer.hpp"

namespace {

// The program linked into vg is the one libseccomp compiles from the rules
// in seccomp_filter.cpp here and now, instruction for instruction.
TEST(SeccompProgram, IsWhatLibseccompCompiles) {
  auto fresh = vg::sandbox::ns::compile_seccomp_filter();
  ASSERT_TRUE(fresh.ok()) << fresh.error().message;
  const auto& built = vg::sandbox::ns::precompiled_seccomp_filter();
  ASSERT_EQ(built.size(), fresh->size());
  for (size_t i = 0; i < built.size(); ++i) {
    const sock_filter& a = built[i];
    const sock_filter& b = (*fresh)[i];
    EXPECT_TRUE(a.code == b.code && a.jt == b.jt && a.jf == b.jf && a.k == b.k) << "instruction " << i;
  }
  // Not an empty shell: it checks the architecture first and ends in verdicts.
  ASSERT_GT(built.size(), 10u);
  EXPECT_EQ(built.front().code, BPF_LD | BPF_W | BPF_ABS);
  EXPECT_EQ(built.back().code, BPF_RET | BPF_K);
}

// The same for the input-tracing filter.
TEST(SeccompProgram, TraceFilterIsWhatLibseccompCompiles) {
  auto fresh = vg::sandbox::trace::compile_filter();
  ASSERT_TRUE(fresh.ok()) << fresh.error().message;
  const auto& built = vg::sandbox::ns::precompiled_trace_filter();
  ASSERT_EQ(built.size(), fresh->size());
  for (size_t i = 0; i < built.size(); ++i) {
    const sock_filter& a = built[i];
    const sock_filter& b = (*fresh)[i];
    EXPECT_TRUE(a.code == b.code && a.jt == b.jt && a.jf == b.jf && a.k == b.k) << "instruction " << i;
  }
  ASSERT_GT(built.size(), 40u);
}

}  // namespace

#pragma once
// The proxy's descriptors are the base library's owning type.

#include "config/owned.hpp"

namespace vg::sandbox::proxy {

using vg::UniqueFd;

}  // namespace vg::sandbox::proxy

#pragma once
// Links already on the host that a run's new links would lead out.
//
// Each link a run makes is resolved as the kernel will after the commit
// (resolve.hpp). But a new link can also change where an *existing* link
// goes: a host link `l -> x/../outside/f` dangles, or stays inside, until a
// run adds `x -> .`, and then climbs out through it; neither link alone
// does. So when a run adds or changes links, every host link whose target
// has a ".." step is resolved again in the tree as it will be, and if one
// that stayed inside would now lead out, the run's links are refused.

#include <string>
#include <vector>

#include "sandbox/policy/resolve.hpp"
#include "sandbox/policy/write_set.hpp"

namespace vg::sandbox::policy {

// The most entries of the host tree looked at for its links; past that the
// run's new links are refused, since what they change cannot be known.
inline constexpr std::size_t k_host_link_walk_budget = 1000000;

// Why the links among `items` may not be committed: an existing link of
// the tree at `target_fd` that resolves inside it as it is, but outside in
// `merged` (the tree as it will be); "" when there is none, or when `items`
// add or change no link.
std::string host_link_led_out(int target_fd, const std::vector<Item>& items, TreeView& merged,
                              const std::string& volume_root);

}  // namespace vg::sandbox::policy

// Kept apart from store.cpp so that the store links without config::load.
#include "cache/store.hpp"
#include "config/load.hpp"

namespace vg::cache {

std::string default_store_dir() { return config::dirs().cache + "/results"; }

}  // namespace vg::cache

#include "sandbox/microvm/modules.hpp"

#include <elf.h>

#include <cstring>
#include <functional>
#include <set>

namespace vg::sandbox::microvm {

const std::vector<std::string>& k_guest_modules() {
  static const std::vector<std::string> k{"virtio_mmio", "virtio_console", "9pnet_virtio", "9p", "overlay"};
  return k;
}

Result<std::vector<std::string>> module_depends(const std::string& data) {
  if (data.size() < sizeof(Elf64_Ehdr) || std::memcmp(data.data(), ELFMAG, SELFMAG) != 0 ||
      data[EI_CLASS] != ELFCLASS64) {
    return make_error("not a 64-bit ELF module");
  }
  Elf64_Ehdr eh;
  std::memcpy(&eh, data.data(), sizeof eh);
  auto section = [&](std::size_t i, Elf64_Shdr& sh) {
    std::size_t off = eh.e_shoff + i * sizeof(Elf64_Shdr);
    if (eh.e_shentsize != sizeof(Elf64_Shdr) || off + sizeof sh > data.size()) return false;
    std::memcpy(&sh, data.data() + off, sizeof sh);
    return sh.sh_offset + sh.sh_size <= data.size();
  };
  Elf64_Shdr names;
  if (!section(eh.e_shstrndx, names)) return make_error("bad ELF section table");
  for (std::size_t i = 0; i < eh.e_shnum; ++i) {
    Elf64_Shdr sh;
    if (!section(i, sh) || sh.sh_name >= names.sh_size) continue;
    const char* name = data.data() + names.sh_offset + sh.sh_name;
    std::size_t max = names.sh_size - sh.sh_name;
    if (strnlen(name, max) == max || std::strcmp(name, ".modinfo") != 0) continue;
    std::string_view info(data.data() + sh.sh_offset, sh.sh_size);
    std::size_t pos = 0;
    while (pos < info.size()) {
      std::size_t end = info.find('\0', pos);
      if (end == std::string_view::npos) end = info.size();
      std::string_view field = info.substr(pos, end - pos);
      pos = end + 1;
      if (field.rfind("depends=", 0) != 0) continue;
      std::vector<std::string> out;
      std::string_view list = field.substr(8);
      while (!list.empty()) {
        std::size_t comma = list.find(',');
        if (comma == std::string_view::npos) comma = list.size();
        if (comma > 0) out.emplace_back(list.substr(0, comma));
        list.remove_prefix(std::min(list.size(), comma + 1));
      }
      return out;
    }
    return std::vector<std::string>{};
  }
  return make_error("no .modinfo section");
}

Result<std::vector<std::string>> load_order(const std::vector<std::string>& wanted,
                                            const std::map<std::string, std::vector<std::string>>& deps) {
  std::vector<std::string> order;
  std::set<std::string> done, visiting;
  std::string error;
  std::function<bool(const std::string&)> visit = [&](const std::string& m) {
    if (done.count(m)) return true;
    if (visiting.count(m)) {
      error = "module dependency cycle at " + m;
      return false;
    }
    auto it = deps.find(m);
    if (it == deps.end()) {
      error = "kernel module '" + m + "' is missing from the kernel package";
      return false;
    }
    visiting.insert(m);
    for (const auto& d : it->second) {
      if (!visit(d)) return false;
    }
    visiting.erase(m);
    done.insert(m);
    order.push_back(m);
    return true;
  };
  for (const auto& m : wanted) {
    if (!visit(m)) return make_error(error);
  }
  return order;
}

}  // namespace vg::sandbox::microvm

#include "sandbox/microvm/assets.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <sstream>
#include <vector>

#include "config/files.hpp"
#include "config/install_layout.hpp"
#include "config/load.hpp"
#include "config/sha256.hpp"
#include "sandbox/microvm/cpio.hpp"
#include "sandbox/microvm/files.hpp"
#include "sandbox/microvm/modules.hpp"
#include "sandbox/microvm/runtime_dir.hpp"
#include "sandbox/microvm/tool.hpp"

namespace vg::sandbox::microvm {

namespace {

// Bump when the layout of the initramfs or the manifest changes.
constexpr const char* k_format = "v2";
constexpr const char* k_manifest = "manifest";

bool exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

std::int64_t mtime_ns(const struct stat& st) {
  return static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
}

// Every *.ko below `dir`, by module name ('-' read as '_', as the kernel does).
void index_modules(const std::string& dir, std::map<std::string, std::string>& out) {
  DIR* d = opendir(dir.c_str());
  if (!d) return;
  while (dirent* e = readdir(d)) {
    std::string n = e->d_name;
    if (n == "." || n == "..") continue;
    std::string p = dir + "/" + n;
    struct stat st;
    if (lstat(p.c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) {
      index_modules(p, out);
    } else if (n.size() > 3 && n.compare(n.size() - 3, 3, ".ko") == 0) {
      std::string name = n.substr(0, n.size() - 3);
      for (auto& c : name) c = c == '-' ? '_' : c;
      out.emplace(name, p);
    }
  }
  closedir(d);
}

Result<std::string> resolve_kernel_package() {
  auto out = run_tool({"apt-cache", "depends", "linux-image-amd64"});
  if (!out) return make_error("cannot find the current Debian kernel package: " + out.error().message);
  std::istringstream in(*out);
  std::string line;
  while (std::getline(in, line)) {
    auto pos = line.find("Depends: linux-image-");
    if (pos == std::string::npos) continue;
    std::string pkg = line.substr(pos + 9);
    while (!pkg.empty() && (pkg.back() == ' ' || pkg.back() == '\r')) pkg.pop_back();
    return pkg;
  }
  return make_error("'apt-cache depends linux-image-amd64' names no linux-image package");
}

// Download (or reuse from `cache_dir`) the kernel package; return the .deb path.
Result<std::string> fetch_kernel_deb(const AssetOptions& o, const std::string& cache_dir, std::string& package) {
  if (!o.kernel_deb.empty()) {
    package = o.kernel_deb.substr(o.kernel_deb.rfind('/') + 1);
    return o.kernel_deb;
  }
  auto pkg = resolve_kernel_package();
  if (!pkg) return pkg.error();
  package = *pkg;
  if (auto r = make_dirs(cache_dir, 0755); !r) return r.error();
  if (DIR* d = opendir(cache_dir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n.rfind(package + "_", 0) == 0 && n.size() > 4 && n.compare(n.size() - 4, 4, ".deb") == 0) {
        closedir(d);
        return cache_dir + "/" + n;
      }
    }
    closedir(d);
  }
  if (o.progress) o.progress("downloading " + package + " (apt-get download)");
  if (auto r = run_tool({"apt-get", "download", "-q", package}, cache_dir); !r) return r.error();
  if (DIR* d = opendir(cache_dir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n.rfind(package + "_", 0) == 0) {
        closedir(d);
        return cache_dir + "/" + n;
      }
    }
    closedir(d);
  }
  return make_error("apt-get download " + package + " left no .deb in " + cache_dir);
}

Result<std::string> build_initramfs(const AssetOptions& o, const std::string& modules_root) {
  CpioWriter cpio;
  for (const char* d : {"bin", "dev", "etc", "lib", "lib/modules", "proc", "root", "run", "sys", "tmp", "usr"}) {
    cpio.directory(d, std::string(d) == "tmp" ? 01777 : 0755);
  }
  // The kernel opens /dev/console for init's stdio before devtmpfs is mounted.
  cpio.char_device("dev/console", 5, 1);
  cpio.char_device("dev/null", 1, 3, 0666);
  auto agent = read_file(o.agent);
  if (!agent) return make_error("the guest agent: " + agent.error().message);
  cpio.file("init", *agent, 0755);
  auto busybox = read_file(o.busybox);
  if (!busybox) return make_error("busybox-static: " + busybox.error().message + " (apt-get install busybox-static)");
  cpio.file("bin/busybox", *busybox, 0755);
  auto applets = run_tool({o.busybox, "--list"});
  if (!applets) return make_error("listing busybox applets: " + applets.error().message);
  std::istringstream in(*applets);
  std::string applet;
  while (std::getline(in, applet)) {
    if (applet.empty() || applet == "busybox" || applet.find('/') != std::string::npos) continue;
    cpio.symlink("bin/" + applet, "busybox");
  }
  cpio.symlink("sbin", "bin");
  cpio.symlink("usr/bin", "../bin");
  cpio.symlink("usr/sbin", "../bin");
  cpio.file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n");
  cpio.file("etc/group", "root:x:0:\nnogroup:x:65534:\n");
  cpio.file("etc/hostname", "vg-guest\n");

  std::map<std::string, std::string> paths;
  index_modules(modules_root, paths);
  std::map<std::string, std::vector<std::string>> deps;
  std::vector<std::string> todo = k_guest_modules();
  std::map<std::string, std::string> data;
  while (!todo.empty()) {
    std::string m = todo.back();
    todo.pop_back();
    if (deps.count(m)) continue;
    auto it = paths.find(m);
    if (it == paths.end()) continue;  // load_order names it as missing
    auto bytes = read_file(it->second);
    if (!bytes) return bytes.error();
    auto d = module_depends(*bytes);
    if (!d) return make_error(it->second + ": " + d.error().message);
    deps[m] = *d;
    data[m] = std::move(*bytes);
    for (const auto& x : *d) todo.push_back(x);
  }
  auto order = load_order(k_guest_modules(), deps);
  if (!order) return order.error();
  std::string order_text;
  for (const auto& m : *order) {
    cpio.file("lib/modules/" + m + ".ko", data[m]);
    order_text += m + "\n";
  }
  cpio.file("lib/modules/order", order_text);
  return cpio.finish();
}

// The bzImage's compressed payload, decompressed by the host's tool: QEMU
// boots the vmlinux ELF through its PVH entry, so the guest neither runs the
// real-mode setup nor decompresses itself (seconds under TCG).
Result<std::string> extract_vmlinux(const std::string& bz, const std::string& tmp) {
  auto u32 = [&](std::size_t off) {
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(bz[off + i])) << (8 * i);
    return v;
  };
  if (bz.size() < 0x260 || bz.compare(0x202, 4, "HdrS") != 0) return make_error("not a bzImage");
  std::size_t setup_sects = static_cast<unsigned char>(bz[0x1f1]);
  if (setup_sects == 0) setup_sects = 4;
  std::size_t start = (setup_sects + 1) * 512 + u32(0x248);
  std::size_t length = u32(0x24c);
  if (start + length > bz.size()) return make_error("the bzImage payload lies outside the file");
  std::string payload = bz.substr(start, length);
  std::vector<std::string> tool;
  if (payload.compare(0, 6, "\xfd" "7zXZ\0", 6) == 0) {
    tool = {"xz", "-dc", "--single-stream"};
  } else if (payload.compare(0, 4, "\x28\xb5\x2f\xfd") == 0) {
    tool = {"zstd", "-dcq"};
  } else if (payload.compare(0, 2, "\x1f\x8b") == 0) {
    tool = {"gzip", "-dc"};
  } else {
    return make_error("the bzImage payload uses an unsupported compression");
  }
  std::string path = tmp + "/payload";
  if (auto r = write_file(path, payload); !r) return r.error();
  tool.push_back(path);
  auto elf = run_tool(tool);
  if (!elf) return make_error("decompressing the kernel: " + elf.error().message);
  if (elf->size() < 64 || elf->compare(0, 4, "\x7f" "ELF") != 0) return make_error("the bzImage payload is not an ELF vmlinux");
  return elf;
}

struct ManifestEntry {
  std::string name;
  std::uint64_t size = 0;
  std::int64_t mtime = 0;
  std::string sha256;
};

Result<std::string> write_manifest(const std::string& dir, const std::string& version, const std::string& package) {
  std::string text = "format " + std::string(k_format) + "\nversion " + version + "\nkernel-package " + package + "\n";
  for (const char* name : {"vmlinux", "initrd.cpio"}) {
    std::string p = dir + "/" + name;
    struct stat st;
    if (stat(p.c_str(), &st) != 0) return make_error("stat " + p + ": " + std::strerror(errno));
    auto h = sha256_file(p);
    if (!h) return h.error();
    text += "file " + std::string(name) + " " + std::to_string(st.st_size) + " " + std::to_string(mtime_ns(st)) + " " +
            *h + "\n";
  }
  if (auto r = write_file(dir + "/" + k_manifest, text); !r) return r.error();
  return text;
}

// Check `dir` against its manifest. Size and mtime equal to the recorded
// ones are trusted (the stat shortcut); anything else is re-hashed.
Result<Assets> verify(const std::string& dir, const std::string& version) {
  auto text = read_file(dir + "/" + k_manifest);
  if (!text) return make_error("no manifest in " + dir);
  std::istringstream in(*text);
  std::string key;
  Assets a;
  a.dir = dir;
  a.kernel = dir + "/vmlinux";
  a.initrd = dir + "/initrd.cpio";
  int files = 0;
  std::string format;
  while (in >> key) {
    if (key == "format") {
      in >> format;
    } else if (key == "version") {
      in >> a.version;
    } else if (key == "kernel-package") {
      in >> a.kernel_package;
    } else if (key == "file") {
      ManifestEntry e;
      in >> e.name >> e.size >> e.mtime >> e.sha256;
      if (e.name != "vmlinux" && e.name != "initrd.cpio") return make_error("manifest names unknown file " + e.name);
      std::string p = dir + "/" + e.name;
      struct stat st;
      if (stat(p.c_str(), &st) != 0) return make_error(p + " is missing");
      if (static_cast<std::uint64_t>(st.st_size) != e.size || mtime_ns(st) != e.mtime) {
        auto h = sha256_file(p);
        if (!h || *h != e.sha256) return make_error(p + " does not match its manifest digest (corrupt)");
      }
      ++files;
    } else {
      return make_error("unknown manifest line '" + key + "' in " + dir);
    }
  }
  if (format != k_format || a.version != version || files != 2) return make_error("stale or incomplete manifest in " + dir);
  return a;
}

}  // namespace

std::string find_agent() {
  if (const char* env = std::getenv("VG_GUEST_AGENT"); env && *env) return env;
  return config::find_helper("vg-guest");
}

AssetOptions default_asset_options() {
  AssetOptions o;
  o.guest_root = config::dirs().data + "/guest";
  o.agent = find_agent();
  if (const char* deb = std::getenv("VG_GUEST_KERNEL_DEB"); deb && *deb) o.kernel_deb = deb;
  return o;
}

Result<std::string> asset_version(const AssetOptions& o) {
  if (o.agent.empty()) {
    return make_error("the guest agent vg-guest was not found in libexec/vg beside vg (build the 'vg-guest' target, or set VG_GUEST_AGENT)");
  }
  config::Sha256 h;
  h.update(k_format);
  for (const std::string& p : {o.agent, o.busybox}) {
    auto d = sha256_file(p);
    if (!d) return make_error(d.error().message + (p == o.busybox ? " (apt-get install busybox-static)" : ""));
    h.update(*d);
  }
  return std::string(k_format) + "-" + h.finish_hex().substr(0, 16);
}

Result<Assets> find_assets(const AssetOptions& o) {
  auto version = asset_version(o);
  if (!version) return version.error();
  std::string dir = o.guest_root + "/" + *version;
  if (!exists(dir)) return make_error("no guest assets for " + *version + " (run 'vg guest build')");
  return verify(dir, *version);
}

Result<Assets> build_assets(const AssetOptions& o) {
  auto version = asset_version(o);
  if (!version) return version.error();
  if (auto r = make_dirs(o.guest_root, 0755); !r) return r.error();
  // One builder at a time; a second waits and then finds the result.
  auto lock = FileLock::acquire(o.guest_root + "/.lock");
  if (!lock) return lock.error();

  std::string final_dir = o.guest_root + "/" + *version;
  if (exists(final_dir)) {
    if (auto ok = verify(final_dir, *version)) return ok;
    // Corrupt or half-written by an older vg: move it aside, then delete.
    std::string aside = final_dir + ".corrupt-" + std::to_string(getpid());
    rename(final_dir.c_str(), aside.c_str());
    remove_tree(aside);
  }
  // Named after this vg, so a later build removes it if vg is killed meanwhile.
  auto made = make_owned_dir(o.guest_root, ".build-");
  if (!made) return made.error();
  std::string tmp = *made;
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      if (!dir.empty()) remove_tree(dir);
    }
  } cleanup{tmp};

  std::string package;
  auto deb = fetch_kernel_deb(o, o.guest_root + "/cache", package);
  if (!deb) return deb.error();
  if (o.progress) o.progress("extracting " + package);
  std::string root = tmp + "/pkg";
  if (auto r = run_tool({"dpkg", "-x", *deb, root}); !r) return r.error();
  std::string kernel, modules;
  for (const std::string& boot : {root + "/boot"}) {
    if (DIR* d = opendir(boot.c_str())) {
      while (dirent* e = readdir(d)) {
        std::string n = e->d_name;
        if (n.rfind("vmlinuz-", 0) == 0) {
          kernel = boot + "/" + n;
          for (const std::string& lib : {root + "/lib/modules/", root + "/usr/lib/modules/"}) {
            if (exists(lib + n.substr(8))) modules = lib + n.substr(8) + "/kernel";
          }
        }
      }
      closedir(d);
    }
  }
  if (kernel.empty() || modules.empty()) return make_error(*deb + " holds no boot/vmlinuz-* with its modules");
  if (o.progress) o.progress("writing the initramfs (busybox, kernel modules, vg-guest)");
  std::string out = tmp + "/out";
  if (mkdir(out.c_str(), 0755) != 0) return make_error("mkdir " + out + ": " + std::strerror(errno));
  auto initrd = build_initramfs(o, modules);
  if (!initrd) return initrd.error();
  if (auto r = write_file(out + "/initrd.cpio", *initrd); !r) return r.error();
  auto kernel_bytes = read_file(kernel);
  if (!kernel_bytes) return kernel_bytes.error();
  if (o.progress) o.progress("unpacking the kernel for direct (PVH) boot");
  auto vmlinux = extract_vmlinux(*kernel_bytes, tmp);
  if (!vmlinux) return make_error(kernel + ": " + vmlinux.error().message);
  if (auto r = write_file(out + "/vmlinux", *vmlinux); !r) return r.error();
  if (auto r = write_manifest(out, *version, package); !r) return r.error();
  if (auto checked = verify(out, *version); !checked) return make_error("verifying the new assets: " + checked.error().message);
  if (rename(out.c_str(), final_dir.c_str()) != 0) {
    return make_error("rename(\"" + out + "\", \"" + final_dir + "\"): " + std::strerror(errno));
  }
  return verify(final_dir, *version);
}

Result<Assets> ensure_assets(const AssetOptions& o) {
  if (auto found = find_assets(o)) return found;
  if (o.progress) o.progress("preparing the microVM guest assets (once per vg version)");
  return build_assets(o);
}

}  // namespace vg::sandbox::microvm

#include "cache/entry.hpp"

#include "cache/codec.hpp"
#include "config/sha256.hpp"

namespace vg::cache {
namespace {

constexpr std::string_view k_entry_magic = "vgentry2";  // 2: a written file's kept time

void put_content(Writer& w, const Content& c) {
  w.u64(c.size);
  w.str(c.digest);
  w.str(c.inline_data);
  w.u64(c.chunks.size());
  for (const auto& id : c.chunks) w.str(id);
}

Content get_content(Reader& r) {
  Content c;
  c.size = r.u64();
  c.digest = r.str();
  c.inline_data = r.str();
  c.chunks.resize(r.count());
  for (auto& id : c.chunks) id = r.str();
  return c;
}

}  // namespace

Content make_content(std::string_view bytes, Blobs& blobs) {
  Content c;
  c.size = bytes.size();
  c.digest = config::sha256_hex(bytes);
  if (bytes.size() <= k_inline_limit) {
    c.inline_data = bytes;
    return c;
  }
  for (std::size_t off = 0; off < bytes.size(); off += k_chunk_size) {
    auto chunk = bytes.substr(off, k_chunk_size);
    std::string id = config::sha256_hex(chunk);
    blobs.emplace(id, std::string(chunk));
    c.chunks.push_back(std::move(id));
  }
  return c;
}

std::string Entry::encode() const {
  Writer w;
  w.str(k_entry_magic);
  w.str(key);
  w.i64(created_ns);
  w.i64(last_used_ns);
  w.u64(hits);
  w.i64(exit_code);
  w.str(workspace);
  ingredients.encode(w);
  w.str(tree_blob);
  w.u64(output.segments.size());
  for (const auto& s : output.segments) {
    w.u64(std::uint64_t(s.stream));
    w.u64(s.size);
  }
  put_content(w, output.data);
  w.u64(files.size());
  for (const auto& f : files) {
    w.u64(std::uint64_t(f.kind));
    w.str(f.path);
    w.u64(f.mode);
    w.i64(f.mtime_ns);
    put_content(w, f.content);
    w.str(f.target);
  }
  w.u64(size);
  encode_inputs(w, traced);
  w.str(untraced);
  return w.take();
}

bool Entry::decode(std::string_view data, Entry& e) {
  Reader r(data);
  if (r.str() != k_entry_magic) return false;
  e.key = r.str();
  e.created_ns = r.i64();
  e.last_used_ns = r.i64();
  e.hits = r.u64();
  e.exit_code = int(r.i64());
  e.workspace = r.str();
  if (!e.ingredients.decode(r)) return false;
  e.tree_blob = r.str();
  e.output.segments.resize(r.count());
  for (auto& s : e.output.segments) {
    s.stream = Stream(r.u64());
    s.size = r.u64();
  }
  e.output.data = get_content(r);
  e.files.resize(r.count());
  for (auto& f : e.files) {
    f.kind = FileRecord::Kind(r.u64());
    f.path = r.str();
    f.mode = std::uint32_t(r.u64());
    f.mtime_ns = r.i64();
    f.content = get_content(r);
    f.target = r.str();
  }
  e.size = r.u64();
  e.traced.clear();
  e.untraced.clear();
  if (r.ok() && !r.at_end() && !decode_inputs(r, e.traced)) return false;
  if (r.ok() && !r.at_end()) e.untraced = r.str();
  return r.ok() && r.at_end();
}

std::vector<std::string> Entry::blob_ids() const {
  std::vector<std::string> ids;
  if (!tree_blob.empty()) ids.push_back(tree_blob);
  ids.insert(ids.end(), output.data.chunks.begin(), output.data.chunks.end());
  for (const auto& f : files) ids.insert(ids.end(), f.content.chunks.begin(), f.content.chunks.end());
  return ids;
}

}  // namespace vg::cache

#pragma once
// A stored run: its ingredients, the output it printed (as an interleaved
// transcript of stdout and stderr), the files it wrote or deleted, and its
// exit code. Large byte strings live in content-addressed chunks ("blobs").

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cache/key.hpp"
#include "cache/traced.hpp"

namespace vg::cache {

// Blob id (hex SHA-256 of the bytes) -> bytes.
using Blobs = std::map<std::string, std::string>;

// Bytes up to this size are kept inside the entry.
inline constexpr std::size_t k_inline_limit = 4096;
// Larger byte strings are cut into chunks of this size.
inline constexpr std::size_t k_chunk_size = 1 << 20;

// A byte string, inline or as a list of chunks.
struct Content {
  std::uint64_t size = 0;
  std::string digest;                // hex SHA-256 of all the bytes
  std::string inline_data;           // when size <= k_inline_limit
  std::vector<std::string> chunks;   // blob ids otherwise
};

// Store `bytes` as Content, adding any chunks to `blobs`.
Content make_content(std::string_view bytes, Blobs& blobs);

enum class Stream : std::uint8_t { out = 1, err = 2 };

// `size` consecutive bytes of the transcript went to `stream`.
struct Segment {
  Stream stream = Stream::out;
  std::uint64_t size = 0;
};

// stdout and stderr as the run produced them, interleaving kept.
struct Transcript {
  std::vector<Segment> segments;
  Content data;  // the bytes of all segments, concatenated
};

// One change the run made to the workspace.
struct FileRecord {
  enum class Kind : std::uint8_t { write = 1, remove = 2, mkdir = 3, symlink = 4 };
  Kind kind = Kind::write;
  std::string path;        // relative to the workspace
  std::uint32_t mode = 0;  // permission bits
  // write: the modification time the run gave the file when it is older
  // than the run (touch -d, cp -p, tar x), restored on replay; else 0 (the
  // time of the replay, as of a run).
  std::int64_t mtime_ns = 0;
  Content content;         // write
  std::string target;      // symlink
};

// One cached run.
struct Entry {
  std::string key;
  std::int64_t created_ns = 0;
  std::int64_t last_used_ns = 0;
  std::uint64_t hits = 0;
  int exit_code = 0;
  std::string workspace;
  Ingredients ingredients;
  std::string tree_blob;   // blob id of the encoded input Tree
  Transcript output;
  std::vector<FileRecord> files;
  std::uint64_t size = 0;  // bytes of the entry and of its blobs
  // A traced run (cache/traced.hpp): the paths it used and their states
  // before it; empty when the run is keyed on the whole workspace.
  std::vector<TracedInput> traced;
  // Why a run keyed on the whole workspace was not traced ("" when it was,
  // or for entries older than this field). Such entries are replayed only
  // with cache_strategy aggressive.
  std::string untraced;

  // Serialize; `decode` reads it back (false when malformed).
  std::string encode() const;
  static bool decode(std::string_view data, Entry& out);
  // Every blob the entry refers to.
  std::vector<std::string> blob_ids() const;
};

// Put the bytes of `content` in `out`, fetching chunks through `fetch(id,
// bytes)`; false when a chunk is missing or the bytes do not match the digest.
template <class Fetch>
bool read_content(const Content& content, Fetch&& fetch, std::string& out);

}  // namespace vg::cache

#include "config/sha256.hpp"

namespace vg::cache {

template <class Fetch>
bool read_content(const Content& content, Fetch&& fetch, std::string& out) {
  out.clear();
  if (content.chunks.empty()) {
    out = content.inline_data;
  } else {
    out.reserve(content.size);
    std::string chunk;
    for (const auto& id : content.chunks) {
      if (!fetch(id, chunk)) return false;
      out += chunk;
    }
  }
  return out.size() == content.size && config::sha256_hex(out) == content.digest;
}

}  // namespace vg::cache

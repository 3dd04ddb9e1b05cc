#pragma once
// The small part of HTTP/1.x the proxy needs: find and parse a request head,
// parse CONNECT and absolute-form targets, rebuild the head sent upstream,
// make the response head say "Connection: close", and build error replies.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/result.hpp"

namespace vg::sandbox::proxy {

// One header field as received.
struct Header {
  std::string name;
  std::string value;
};

// A parsed request head.
struct RequestHead {
  std::string method;
  std::string target;   // as sent: "host:443" for CONNECT, "http://h/p" otherwise
  std::string version;  // "HTTP/1.1" or "HTTP/1.0"
  std::vector<Header> headers;

  // Return the value of the first header named `name` (case-insensitive), or nullptr.
  const std::string* find(std::string_view name) const;
};

// host[:port] as written in a request; `host` has no brackets.
struct Authority {
  std::string host;
  std::uint16_t port = 0;
};

// An absolute-form target "http://host[:port]/path?query".
struct AbsoluteTarget {
  Authority authority;
  std::string authority_text;  // as written, for the Host header
  std::string path;            // origin-form: "/path?query", at least "/"
};

// Return the length of the head at the start of `buffer` (through the empty
// line), or 0 when the empty line has not arrived yet.
std::size_t find_head_end(std::string_view buffer);

// Parse `head` (request line and header fields); the error says what is malformed.
Result<RequestHead> parse_request_head(std::string_view head);

// Parse "host:port", "[v6]:port" or (unless `port_required`) a bare host,
// using `default_port` then.
Result<Authority> parse_authority(std::string_view text, std::uint16_t default_port, bool port_required);

// Parse an "http://" absolute-form target.
Result<AbsoluteTarget> parse_absolute_target(std::string_view target);

// Build the head sent upstream for `request`: origin-form target, hop-by-hop
// and proxy headers removed, a Host header, and "Connection: close".
std::string build_upstream_head(const RequestHead& request, const AbsoluteTarget& target);

// Rewrite a response `head` so the client sees "Connection: close"; a 1xx or
// unparsable head is returned unchanged.
std::string rewrite_response_head(std::string_view head);

// Build a complete reply with `status`, its `reason` phrase and a text `body`.
std::string make_response(int status, std::string_view reason, std::string_view body);

}  // namespace vg::sandbox::proxy

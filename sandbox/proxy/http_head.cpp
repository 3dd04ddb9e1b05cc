#include "sandbox/proxy/http_head.hpp"

#include <algorithm>

#include "sandbox/proxy/address.hpp"

namespace vg::sandbox::proxy {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           auto l = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
           return l(x) == l(y);
         });
}

bool is_tchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_token(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), is_tchar); }

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Split `head` into lines, dropping the terminator (CRLF or a bare LF).
std::vector<std::string_view> split_lines(std::string_view head) {
  std::vector<std::string_view> lines;
  while (!head.empty()) {
    auto nl = head.find('\n');
    auto line = head.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (nl == std::string_view::npos) break;
    head.remove_prefix(nl + 1);
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

bool is_hop_by_hop(std::string_view name, const std::vector<std::string>& listed) {
  static constexpr std::string_view k_names[] = {
      "connection", "proxy-connection", "keep-alive", "proxy-authorization", "proxy-authenticate",
      "te",         "trailer",          "upgrade"};
  for (auto n : k_names) {
    if (iequals(name, n)) return true;
  }
  for (const auto& n : listed) {
    if (iequals(name, n)) return true;
  }
  return false;
}

// The header names listed in Connection fields (they are hop-by-hop too).
std::vector<std::string> connection_tokens(const std::vector<Header>& headers) {
  std::vector<std::string> out;
  for (const auto& h : headers) {
    if (!iequals(h.name, "connection")) continue;
    std::string_view v = h.value;
    while (!v.empty()) {
      auto comma = v.find(',');
      auto item = trim_ows(v.substr(0, comma));
      if (!item.empty()) out.emplace_back(item);
      if (comma == std::string_view::npos) break;
      v.remove_prefix(comma + 1);
    }
  }
  return out;
}

}  // namespace

const std::string* RequestHead::find(std::string_view name) const {
  for (const auto& h : headers) {
    if (iequals(h.name, name)) return &h.value;
  }
  return nullptr;
}

std::size_t find_head_end(std::string_view buffer) {
  for (std::size_t i = buffer.find('\n'); i != std::string_view::npos; i = buffer.find('\n', i + 1)) {
    if (i + 1 < buffer.size() && buffer[i + 1] == '\n') return i + 2;
    if (i + 2 < buffer.size() && buffer[i + 1] == '\r' && buffer[i + 2] == '\n') return i + 3;
  }
  return 0;
}

Result<RequestHead> parse_request_head(std::string_view head) {
  if (head.find('\0') != std::string_view::npos) return make_error("the request contains a NUL byte");
  auto lines = split_lines(head);
  if (lines.empty()) return make_error("the request line is missing");
  RequestHead r;
  auto line = lines[0];
  auto sp1 = line.find(' ');
  auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
    return make_error("the request line is not 'METHOD TARGET HTTP/1.x'");
  }
  r.method = std::string(line.substr(0, sp1));
  r.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
  r.version = std::string(line.substr(sp2 + 1));
  if (!is_token(r.method)) return make_error("the request method is not a token");
  if (r.target.empty()) return make_error("the request target is empty");
  for (char c : r.target) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return make_error("the request target contains a control character");
  }
  if (r.version != "HTTP/1.1" && r.version != "HTTP/1.0") return make_error("the HTTP version is not 1.0 or 1.1");
  for (std::size_t i = 1; i < lines.size(); ++i) {
    auto l = lines[i];
    if (l.find('\r') != std::string_view::npos) return make_error("a header line contains a bare CR");
    if (l.front() == ' ' || l.front() == '\t') return make_error("folded header lines are not accepted");
    auto colon = l.find(':');
    if (colon == std::string_view::npos) return make_error("a header line has no ':'");
    auto name = l.substr(0, colon);
    if (!is_token(name)) return make_error("a header name is not a token");
    r.headers.push_back({std::string(name), std::string(trim_ows(l.substr(colon + 1)))});
  }
  if (r.find("transfer-encoding") && r.find("content-length")) {
    return make_error("both Transfer-Encoding and Content-Length are present");
  }
  return r;
}

Result<Authority> parse_authority(std::string_view text, std::uint16_t default_port, bool port_required) {
  Authority a;
  std::string_view port_text;
  bool has_port = false;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string_view::npos) return make_error("missing ']' in the authority");
    a.host = std::string(text.substr(1, close - 1));
    auto rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return make_error("unexpected text after ']' in the authority");
      port_text = rest.substr(1);
      has_port = true;
    }
    auto addr = parse_address(a.host);
    if (!addr || addr->family != Address::Family::v6) return make_error("'[...]' does not hold an IPv6 address");
  } else {
    auto colon = text.rfind(':');
    if (colon != std::string_view::npos && text.find(':') != colon) {
      return make_error("an IPv6 address must be written in brackets");
    }
    a.host = std::string(text.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = text.substr(colon + 1);
      has_port = true;
    }
  }
  if (a.host.empty()) return make_error("the host is empty");
  if (a.host.find('@') != std::string::npos) return make_error("credentials in the authority are not accepted");
  if (!has_port) {
    if (port_required) return make_error("the port is missing (expected host:port)");
    a.port = default_port;
    return a;
  }
  unsigned v = 0;
  if (port_text.empty() || port_text.size() > 5) return make_error("the port is not a number from 1 to 65535");
  for (char c : port_text) {
    if (c < '0' || c > '9') return make_error("the port is not a number from 1 to 65535");
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  if (v == 0 || v > 65535) return make_error("the port is not a number from 1 to 65535");
  a.port = static_cast<std::uint16_t>(v);
  return a;
}

Result<AbsoluteTarget> parse_absolute_target(std::string_view target) {
  constexpr std::string_view k_http = "http://";
  if (target.size() < k_http.size() || !iequals(target.substr(0, k_http.size()), k_http)) {
    if (!target.empty() && target.front() == '/') {
      return make_error("the request target is not absolute (configure this proxy as an HTTP proxy, not a server)");
    }
    if (target.size() >= 8 && iequals(target.substr(0, 8), "https://")) {
      return make_error("https:// must go through CONNECT");
    }
    return make_error("only http:// targets are forwarded");
  }
  auto rest = target.substr(k_http.size());
  auto end = rest.find_first_of("/?#");
  AbsoluteTarget t;
  t.authority_text = std::string(rest.substr(0, end));
  if (t.authority_text.find('@') != std::string::npos) {
    return make_error("credentials in the URL are not accepted");
  }
  auto authority = parse_authority(t.authority_text, 80, false);
  if (!authority) return authority.error();
  t.authority = std::move(*authority);
  std::string_view path = end == std::string_view::npos ? std::string_view() : rest.substr(end);
  if (auto hash = path.find('#'); hash != std::string_view::npos) path = path.substr(0, hash);
  if (path.empty() || path.front() != '/') {
    t.path = "/" + std::string(path);
  } else {
    t.path = std::string(path);
  }
  return t;
}

std::string build_upstream_head(const RequestHead& request, const AbsoluteTarget& target) {
  std::string out = request.method + " " + target.path + " " + request.version + "\r\n";
  auto listed = connection_tokens(request.headers);
  out += "Host: " + target.authority_text + "\r\n";
  for (const auto& h : request.headers) {
    if (iequals(h.name, "host") || is_hop_by_hop(h.name, listed)) continue;
    out += h.name + ": " + h.value + "\r\n";
  }
  out += "Connection: close\r\n\r\n";
  return out;
}

std::string rewrite_response_head(std::string_view head) {
  auto lines = split_lines(head);
  if (lines.empty()) return std::string(head);
  auto status = lines[0];
  if (!status.starts_with("HTTP/1.") || status.size() < 12 || status[8] != ' ' || status[9] == '1') {
    return std::string(head);
  }
  std::vector<Header> headers;
  for (std::size_t i = 1; i < lines.size(); ++i) {
    auto colon = lines[i].find(':');
    if (colon == std::string_view::npos) return std::string(head);
    headers.push_back({std::string(lines[i].substr(0, colon)), std::string(trim_ows(lines[i].substr(colon + 1)))});
  }
  auto listed = connection_tokens(headers);
  std::string out = std::string(status) + "\r\n";
  for (const auto& h : headers) {
    if (is_hop_by_hop(h.name, listed) && !iequals(h.name, "upgrade") && !iequals(h.name, "trailer")) continue;
    out += h.name + ": " + h.value + "\r\n";
  }
  out += "Connection: close\r\n\r\n";
  return out;
}

std::string make_response(int status, std::string_view reason, std::string_view body) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) + "\r\n";
  out += "Content-Type: text/plain; charset=utf-8\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  out += "Connection: close\r\n";
  out += "X-Vg-Proxy: " + std::to_string(status) + "\r\n\r\n";
  out += body;
  return out;
}

}  // namespace vg::sandbox::proxy

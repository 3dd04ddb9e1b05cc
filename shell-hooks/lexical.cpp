#include "shell-hooks/lexical.hpp"

#include <string>

namespace vg::hooks {
namespace {

enum class Frame : std::uint8_t { top, cmdsub, backtick, procsub, dquote, squote, dollar_squote, brace, arith };

struct Level {
  Frame frame;
  int parens = 0;  // unmatched '(' inside this frame
};

bool is_code(Frame f) {
  return f == Frame::top || f == Frame::cmdsub || f == Frame::backtick || f == Frame::procsub;
}

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// A '#' starts a comment only at the start of a word.
bool word_start(std::string_view s, std::size_t i) {
  if (i == 0) return true;
  char p = s[i - 1];
  return is_blank(p) || p == '\n' || p == ';' || p == '&' || p == '|' || p == '(' || p == ')';
}

struct PendingHeredoc {
  std::string delimiter;
  bool strip_tabs = false;
};

class Scanner {
 public:
  explicit Scanner(std::string_view s) : m_s(s), m_out(s.size(), Lex::code) { m_stack.push_back({Frame::top}); }

  std::vector<Lex> run() {
    while (m_i < m_s.size()) step();
    return std::move(m_out);
  }

 private:
  Frame frame() const { return m_stack.back().frame; }
  void mark(std::size_t from, std::size_t to, Lex l) {
    for (std::size_t k = from; k < to && k < m_out.size(); ++k) m_out[k] = l;
  }
  bool at(std::size_t k, char c) const { return k < m_s.size() && m_s[k] == c; }
  void push(Frame f, std::size_t len) {
    mark(m_i, m_i + len, is_code(frame()) ? Lex::code : Lex::string);
    m_stack.push_back({f});
    m_i += len;
  }
  void pop(std::size_t len) {
    mark(m_i, m_i + len, Lex::string);
    if (m_stack.size() > 1) m_stack.pop_back();
    m_i += len;
    if (is_code(frame())) mark(m_i - len, m_i, Lex::code);
  }

  // Openers valid in code and inside double quotes / ${...}.
  bool try_dollar() {
    if (m_s[m_i] == '$' && at(m_i + 1, '(')) {
      if (at(m_i + 2, '(')) push(Frame::arith, 3);
      else push(Frame::cmdsub, 2);
      return true;
    }
    if (m_s[m_i] == '$' && at(m_i + 1, '{')) {
      push(Frame::brace, 2);
      return true;
    }
    if (m_s[m_i] == '`') {
      if (frame() == Frame::backtick) pop(1);
      else push(Frame::backtick, 1);
      return true;
    }
    return false;
  }

  void step() {
    char c = m_s[m_i];
    Frame f = frame();
    if (f == Frame::squote) {
      mark(m_i, m_i + 1, Lex::string);
      if (c == '\'') pop(1);
      else ++m_i;
      return;
    }
    if (f == Frame::dollar_squote) {
      mark(m_i, m_i + 2, Lex::string);
      if (c == '\\') m_i += 2;
      else if (c == '\'') pop(1);
      else ++m_i;
      return;
    }
    if (f == Frame::dquote || f == Frame::brace || f == Frame::arith) {
      if (c == '\\') {
        mark(m_i, m_i + 2, Lex::string);
        m_i += 2;
        return;
      }
      if (try_dollar()) return;
      if (f == Frame::dquote && c == '"') return pop(1);
      if (f == Frame::brace && c == '}') return pop(1);
      if (f == Frame::brace && c == '"') return push(Frame::dquote, 1);
      if (f == Frame::brace && c == '\'') return push(Frame::squote, 1);
      if (f == Frame::arith) {
        if (c == '(') ++m_stack.back().parens;
        if (c == ')') {
          if (m_stack.back().parens > 0) --m_stack.back().parens;
          else if (at(m_i + 1, ')')) return pop(2);
        }
      }
      mark(m_i, m_i + 1, Lex::string);
      ++m_i;
      return;
    }
    code_step(c);
  }

  void code_step(char c) {
    if (c == '\\') {
      m_i += 2;  // an escaped character (or a line continuation) stays code
      return;
    }
    if (c == '\'') return push(Frame::squote, 1);
    if (c == '"') return push(Frame::dquote, 1);
    if (c == '$' && at(m_i + 1, '\'')) return push(Frame::dollar_squote, 2);
    if (try_dollar()) return;
    if ((c == '<' || c == '>') && at(m_i + 1, '(')) return push(Frame::procsub, 2);
    if (c == '#' && word_start(m_s, m_i)) {
      std::size_t end = m_s.find('\n', m_i);
      if (end == std::string_view::npos) end = m_s.size();
      mark(m_i, end, Lex::string);
      m_i = end;
      return;
    }
    if (c == '(') ++m_stack.back().parens;
    if (c == ')') {
      if (m_stack.back().parens > 0) {
        --m_stack.back().parens;
      } else if (frame() == Frame::cmdsub || frame() == Frame::procsub) {
        return pop(1);
      }
    }
    if (c == '<' && at(m_i + 1, '<') && !at(m_i + 2, '<')) return heredoc_operator();
    if (c == '\n' && !m_pending.empty()) return heredoc_bodies();
    ++m_i;
  }

  void heredoc_operator() {
    m_i += 2;
    PendingHeredoc h;
    if (at(m_i, '-')) {
      h.strip_tabs = true;
      ++m_i;
    }
    while (m_i < m_s.size() && is_blank(m_s[m_i])) ++m_i;
    while (m_i < m_s.size()) {
      char c = m_s[m_i];
      if (is_blank(c) || c == '\n' || c == ';' || c == '&' || c == '|' || c == '<' || c == '>' || c == ')') break;
      if (c == '\'' || c == '"') {
        std::size_t close = m_s.find(c, m_i + 1);
        if (close == std::string_view::npos) close = m_s.size();
        h.delimiter.append(m_s.substr(m_i + 1, close - m_i - 1));
        m_i = close + 1;
        continue;
      }
      if (c == '\\' && m_i + 1 < m_s.size()) ++m_i;
      h.delimiter.push_back(m_s[m_i]);
      ++m_i;
    }
    if (!h.delimiter.empty()) m_pending.push_back(std::move(h));
  }

  // After the newline that ends the operator's line, each pending heredoc
  // body runs up to its delimiter line.
  void heredoc_bodies() {
    ++m_i;
    for (const auto& h : m_pending) {
      while (m_i < m_s.size()) {
        std::size_t end = m_s.find('\n', m_i);
        if (end == std::string_view::npos) end = m_s.size();
        std::string_view text = m_s.substr(m_i, end - m_i);
        if (h.strip_tabs) {
          while (!text.empty() && text.front() == '\t') text.remove_prefix(1);
        }
        mark(m_i, end + 1, Lex::string);
        m_i = end + 1;
        if (text == h.delimiter) break;
      }
    }
    m_pending.clear();
  }

  std::string_view m_s;
  std::vector<Lex> m_out;
  std::vector<Level> m_stack;
  std::vector<PendingHeredoc> m_pending;
  std::size_t m_i = 0;
};

}  // namespace

std::vector<Lex> classify(std::string_view line) { return Scanner(line).run(); }

std::string_view previous_word(std::string_view line, std::size_t pos) {
  if (pos > line.size()) pos = line.size();
  std::size_t end = pos;
  while (end > 0 && is_blank(line[end - 1])) --end;
  std::size_t begin = end;
  while (begin > 0) {
    char c = line[begin - 1];
    if (is_blank(c) || c == '\n' || c == ';' || c == '&' || c == '|' || c == '(' || c == ')' || c == '{' ||
        c == '`')
      break;
    --begin;
  }
  return line.substr(begin, end - begin);
}

}  // namespace vg::hooks

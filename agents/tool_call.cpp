#include "agents/tool_call.hpp"

namespace vg::agents {
namespace {

using router::Json;

// Member `key` as a string: absent -> "" (unless `required`), another type -> an error.
Result<std::string> string_member(const Json& object, const char* key, bool required) {
  const Json* v = object.get(key);
  if (!v) {
    if (required) return make_error(std::string("no \"") + key + "\" member");
    return std::string();
  }
  if (!v->is_string()) return make_error(std::string("\"") + key + "\" is not a string");
  return v->string;
}

// Gemini's run_shell_command may name its own directory (dir_path, formerly
// directory), relative to the project or absolute.
Result<std::string> gemini_directory(const Json& tool_input, const std::string& cwd) {
  for (const char* key : {"dir_path", "directory"}) {
    auto dir = string_member(tool_input, key, false);
    if (!dir) return dir.error();
    if (dir->empty()) continue;
    if ((*dir)[0] == '/') return *dir;
    return cwd + (cwd.size() > 1 ? "/" : "") + *dir;
  }
  return cwd;
}

Result<ToolCall> read_call(Harness h, const Json& j) {
  if (!j.is_object()) return make_error("the payload is not a JSON object");
  ToolCall call;
  call.harness = h;
  auto event = string_member(j, "hook_event_name", true);
  if (!event) return event.error();
  if (*event != event_name(h)) {
    return make_error("hook_event_name is \"" + *event + "\"; vg's " + to_string(h) + " hook answers \"" +
                      event_name(h) + "\" only");
  }
  auto cwd = string_member(j, "cwd", h != Harness::cursor);
  if (!cwd) return cwd.error();
  call.cwd = *cwd;
  if (h == Harness::cursor) {
    auto command = string_member(j, "command", true);
    if (!command) return command.error();
    call.command = *command;
    // Cursor names the workspace when a command has no cwd of its own.
    if (call.cwd.empty()) {
      const Json* roots = j.get("workspace_roots");
      if (roots && roots->is_array() && !roots->items.empty() && roots->items[0].is_string()) {
        call.cwd = roots->items[0].string;
      }
    }
    auto conversation = string_member(j, "conversation_id", false);
    auto generation = string_member(j, "generation_id", false);
    if (!conversation) return conversation.error();
    if (!generation) return generation.error();
    call.session_id = *conversation;
    call.tool_use_id = *generation;
  } else {
    auto tool = string_member(j, "tool_name", true);
    if (!tool) return tool.error();
    if (*tool != shell_tool(h)) {
      return make_error("tool_name is \"" + *tool + "\"; vg's " + to_string(h) + " hook is for \"" + shell_tool(h) +
                        "\" (set the hook's matcher to \"" + shell_tool(h) + "\": 'vg connect " + to_string(h) +
                        "' does)");
    }
    const Json* input = j.get("tool_input");
    if (!input || !input->is_object()) return make_error("no \"tool_input\" object");
    auto command = string_member(*input, "command", true);
    if (!command) return make_error("tool_input: " + command.error().message);
    call.command = *command;
    call.tool_input = *input;
    auto session = string_member(j, "session_id", false);
    auto tool_use = string_member(j, "tool_use_id", false);
    if (!session) return session.error();
    if (!tool_use) return tool_use.error();
    call.session_id = *session;
    call.tool_use_id = *tool_use;
    if (h == Harness::gemini) {
      auto dir = gemini_directory(*input, call.cwd);
      if (!dir) return make_error("tool_input: " + dir.error().message);
      call.cwd = *dir;
    }
  }
  if (call.cwd.empty() || call.cwd[0] != '/') {
    return make_error("the working directory \"" + call.cwd + "\" is not an absolute path");
  }
  if (call.command.find('\0') != std::string::npos) {
    return make_error("the command holds a NUL byte (a shell would run only the part before it)");
  }
  if (call.command.find_first_not_of(" \t\r\n") == std::string::npos) return make_error("the command is empty");
  return call;
}

}  // namespace

Result<ToolCall> parse_tool_call(Harness h, std::string_view text) {
  if (text.size() > k_max_payload) {
    return make_error("the payload is larger than the " + std::to_string(k_max_payload) + " bytes vg reads");
  }
  auto parsed = router::parse_json(text);
  if (!parsed) return make_error("the payload is not valid JSON: " + parsed.error().message);
  return read_call(h, *parsed);
}

}  // namespace vg::agents

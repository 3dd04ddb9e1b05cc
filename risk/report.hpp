#pragma once
// Rendering of an Assessment for `vg explain` and `vg check`: JSON members
// or text for people. The caller adds the route (risk does not know routes).

#include <string>
#include <string_view>

#include "config/json.hpp"
#include "risk/assessment.hpp"

namespace vg::risk {

// Write the members of `a` into the open JSON object of `w` (level, understood,
// findings; `full` adds descriptions, spans, reasons, effects with their
// target classes, executables and commands).
void write_json_members(JsonWriter& w, const Assessment& a, bool full);
// Render `a` for a person; spans are shown against `input`.
std::string render_text(const Assessment& a, std::string_view input);

}  // namespace vg::risk

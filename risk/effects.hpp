#pragma once
// The effects model: what each simple command that would run does — to
// which paths (by class), to the system, over the network — from the
// catalogue of programs (catalogue.hpp), and the level each effect earns.
// A program, subcommand or target vg cannot place is itself an effect:
// `unknown`, at least medium, and the command is not understood.

#include <string>
#include <vector>

#include "config/config.hpp"
#include "risk/catalogue.hpp"
#include "risk/model.hpp"
#include "risk/targets.hpp"

namespace vg::risk {

// One effect of one command.
struct EffectNote {
  enum class Kind : std::uint8_t { path, system, network, unknown, runs };  // runs: `subject` is a command line
  Kind kind = Kind::path;
  Effect effect = Effect::read;           // Kind::path
  TargetClass target = TargetClass::workspace;
  SystemChange system = SystemChange::none;
  Network network = Network::none;
  std::string subject;                    // the path, or what is unknown
  std::string command;                    // the command, as its program and operands
  config::Level level = config::Level::low;
  Span span;
};

// Append the effects of `cmd`'s argv to `out`. Returns true when the command
// changes nothing whatever its words say (--help, --version, --dry-run, a
// catalogue `noop`): then rules about its words do not apply either.
bool command_effects(const SimpleCommand& cmd, std::vector<EffectNote>& out);
// Append the effect of redirection `r` to `out`.
void redirect_effects(const Redirect& r, std::vector<EffectNote>& out);
// The level of `effect` on a target of class `target`; `recursive` for
// recursive removals and globs.
config::Level effect_level(Effect effect, TargetClass target, bool recursive);
// The level of a change to the system.
config::Level system_level(SystemChange s);
// One line for a person: "rm deletes /etc/hosts (system tree)".
std::string describe(const EffectNote& e);

struct Assessment;
// Add the effects of `model`'s redirections to `out.effects` (its commands'
// are there already, from command_effects), then one finding per effect
// above low (rule id `effect.KIND.CLASS`); for what vg cannot place a
// reason and `understood: false`, and no finding: the engine raises the
// level to theirs.
void score_effects(const Model& model, Assessment& out);

}  // namespace vg::risk

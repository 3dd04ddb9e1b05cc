#!/usr/bin/env python3
"""Splits ../rows.tsv ONCE into ../tuning.tsv and ../locked.tsv and writes ../MANIFEST.

A derived row travels with the row it was derived from, so that no spelling of a
locked command is visible in the tuning half. Groups are stratified by the
(label, family) of their root row; inside a stratum they are ordered by the
sha256 of the root command and each goes to the half that has fewer rows of that
stratum so far (ties: tuning first). Deterministic; never re-run it once rules
have been written against tuning.tsv."""
import hashlib
import os
import re

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..')
HEADER = ('# vg independent risk corpus, {half} half: label<TAB>family<TAB>source<TAB>command '
          '(escapes \\n \\t \\\\). Split once from rows.tsv by tools/split.py; see README.md.\n'
          '{extra}')
LOCKED_NOTE = ('# LOCKED: never read while writing rules, catalogue entries or thresholds. '
               'Measure it and report it separately.\n')


def unescape(s):
    out, i = [], 0
    while i < len(s):
        if s[i] == '\\' and i + 1 < len(s):
            c = s[i + 1]
            out.append('\n' if c == 'n' else '\t' if c == 't' else c)
            i += 2
        else:
            out.append(s[i])
            i += 1
    return ''.join(out)


def rid(cmd):
    return hashlib.sha256(cmd.encode()).hexdigest()[:10]


def main():
    lines = [l.rstrip('\n') for l in open(os.path.join(HERE, 'rows.tsv')) if l.strip() and not l.startswith('#')]
    rows = [l.split('\t', 3) for l in lines]
    by_id = {rid(unescape(r[3])): r for r in rows}
    groups = {}
    for line, r in zip(lines, rows):
        m = re.match(r'derived:([0-9a-f]{10}) ', r[2])
        root = m.group(1) if m and m.group(1) in by_id else rid(unescape(r[3]))
        groups.setdefault(root, []).append(line)
    strata = {}
    for root, members in groups.items():
        r = by_id[root]
        strata.setdefault((r[0], r[1]), []).append(root)
    halves = {'tuning': [], 'locked': []}
    for key in sorted(strata):
        count = {'tuning': 0, 'locked': 0}
        for root in sorted(strata[key], key=lambda x: hashlib.sha256(x.encode()).hexdigest()):
            half = 'tuning' if count['tuning'] <= count['locked'] else 'locked'
            halves[half].extend(groups[root])
            count[half] += len(groups[root])
    for half, extra in (('tuning', ''), ('locked', LOCKED_NOTE)):
        with open(os.path.join(HERE, f'{half}.tsv'), 'w') as f:
            f.write(HEADER.format(half=half, extra=extra))
            for line in halves[half]:
                f.write(line + '\n')
    digest = hashlib.sha256(open(os.path.join(HERE, 'locked.tsv'), 'rb').read()).hexdigest()
    rows_digest = hashlib.sha256(open(os.path.join(HERE, 'rows.tsv'), 'rb').read()).hexdigest()
    with open(os.path.join(HERE, 'MANIFEST'), 'w') as f:
        f.write(f'{digest}  locked.tsv\n{rows_digest}  rows.tsv\n')
    print({h: len(v) for h, v in halves.items()})


if __name__ == '__main__':
    main()

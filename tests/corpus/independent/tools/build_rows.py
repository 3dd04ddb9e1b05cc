#!/usr/bin/env python3
"""Builds ../rows.tsv from the sourced row lists; run once, then split with split.py.

Needs the mirrored public repositories under /work/.mirror (tldr-pages/tldr,
GTFOBins/GTFOBins.github.io, and the CI repositories listed in ci_rows.py)."""
import os
import sys
from collections import Counter

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import ci_rows      # noqa: E402
import dangerous    # noqa: E402
import evasions     # noqa: E402
import gtfo         # noqa: E402
import hand         # noqa: E402
import interp       # noqa: E402
import tldr_rows    # noqa: E402
from sources import derived, escape  # noqa: E402

LABELS = ('catastrophic', 'danger', 'changing', 'safe', 'lookalike')
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'rows.tsv')


def lookalike_variants(rows):
    """Spellings that keep a lookalike harmless: quoting and wrapping a project-local command."""
    out = []
    for label, fam, src, cmd in rows:
        if not (cmd.startswith('rm -rf ./') or cmd.startswith('mkfs') or cmd.startswith('dd if=')
                or cmd.startswith('git commit') or cmd.startswith('find . ')):
            continue
        for how, new in evasions.variants(cmd, 1, salt='lookalike'):
            if how.startswith(('sudo', 'doas', '~', 'home', '$HOME', 'system', '/ as')):
                continue
            out.append((label, fam, derived(cmd, how), new))
    return out


# Reviewed exceptions to the page/pattern defaults.
RELABEL = {
    'code --install-extension publisher.extension': 'changing',
    'pyodide xbuildenv install 0.27.5': 'changing',
    'terraform plan -destroy': 'lookalike',
}


def main():
    rows = []
    bases = dangerous.BASES
    rows += bases
    for label, fam, src, cmd in bases:
        n = 3 if label == 'catastrophic' else 2
        for how, new in evasions.variants(cmd, n):
            rows.append((label, fam if how not in ('base64 piped to sh', 'base64 command substitution') else 'obfuscation',
                         derived(cmd, how), new))
    rows += gtfo.rows()
    rows += gtfo.reverse_rows()
    rows += interp.ROWS
    for label, fam, src, cmd in interp.ROWS[::3]:
        for how, new in evasions.variants(cmd, 1, salt='interp'):
            rows.append((label, fam, derived(cmd, how), new))
    rows += hand.LOOKALIKE + hand.CHANGING + hand.SAFE
    rows += lookalike_variants(hand.LOOKALIKE)
    for label, fam, src, cmd in tldr_rows.rows():
        rows.append((label, fam, src, cmd))
    for label, _, src, cmd in ci_rows.rows():
        rows.append((label, tldr_rows.family_of(cmd, label), src, cmd))

    seen = set()
    final = []
    for label, fam, src, cmd in rows:
        assert label in LABELS, (label, cmd)
        assert src, cmd
        if cmd in seen:
            continue
        seen.add(cmd)
        label = RELABEL.get(cmd, label)
        final.append((label, fam, src, cmd))
    with open(OUT, 'w') as f:
        for label, fam, src, cmd in final:
            f.write(f'{label}\t{fam}\t{src}\t{escape(cmd)}\n')
    c = Counter(r[0] for r in final)
    print(len(final), dict(c))
    dang = c['catastrophic'] + c['danger']
    print(f'dangerous share {100 * dang / len(final):.1f}%')
    print(dict(Counter(r[1] for r in final)))


if __name__ == '__main__':
    main()

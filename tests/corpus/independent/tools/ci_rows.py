"""Rows from real CI workflows, Makefiles and package.json scripts of public
repositories (mirrored snapshots): `run:` steps split into logical lines."""
import hashlib
import json
import os
import re
import shlex
import subprocess

import yaml

REPOS = ['BurntSushi/ripgrep', 'pallets/flask', 'expressjs/express', 'cli/cli', 'psf/requests', 'sharkdp/bat',
         'docker/compose', 'astral-sh/uv', 'helm/helm', 'nvm-sh/nvm', 'prometheus/prometheus']
PER_REPO = 22


def _git(repo, *args):
    return subprocess.check_output(['git', '-C', f'/work/.mirror/{repo.replace("/", "+")}/repo', *args],
                                   stderr=subprocess.DEVNULL).decode('utf-8', 'replace')


def _runs(node, acc):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == 'run' and isinstance(v, str):
                acc.append(v)
            else:
                _runs(v, acc)
    elif isinstance(node, list):
        for x in node:
            _runs(x, acc)


DROP = re.compile(r'\$\{\{|GITHUB_|RUNNER_|Invoke-|Get-|\$Env:|\.exe|ConvertTo|^\W|^(if|then|else|elif|fi|for|do|done|'
                  r'while|case|esac|local|return|exit|set|shopt|echo|printf|continue|break|export)\b|[({\\]$|\bdo$|'
                  r'^[A-Z_]+=|^\w+\(\)|^"?\$|;;|^[a-z_]+=|\*\)|^\*|assert-nothing|\bEOF\b|<<|\)$|^-|^\'|^cd |^pushd|^popd|'
                  r'^mkdir|^:|certutil|^security |keychain|gpg|GPG|base64 -d <<<|^powershell|^pwsh|\bcmd\b')
CHANGING = re.compile(r'\b(apt-get|apt) (install|update|purge|remove)|\bbrew install|\bpip3? install|\bnpm (i|install|ci)\b|'
                      r'\bcargo install|\bgo install|\bgem install|\brustup (target|component|toolchain|install|default)|'
                      r'gh release (create|upload)|\bgit push|docker (push|login)|npm publish|cargo publish|twine upload|'
                      r'uv publish|systemctl (restart|start|stop|enable)|curl[^|]*\|\s*(ba)?sh|gh (pr|issue) (create|comment|edit|close|merge)|'
                      r'gh api .*-X|\bscp |rsync .*:|kubectl apply|helm (upgrade|install)|\binstall -m|\bsudo\b|'
                      r'/usr/local/bin|\buv tool install|\bpipx install|\bnpx --yes|\bsnap install|gh repo (fork|sync)|'
                      r'\bchoco install|\bwinget install|apt-get (upgrade|remove)|pip3? uninstall|gh issue (lock|close)|\bnvm install|'
                      r'chmod .* /etc/|\brm .* /usr/local|\bdnf install|\byum install|\bapk add|\bpacman -S')
LOOKALIKE = re.compile(r'\brm -(r|rf|fr|f)\b|\bgit clean -n|--dry-run|\bfind .* -delete|\brimraf\b|-exec rm')


def _plausible(line):
    try:
        words = shlex.split(line)
    except ValueError:
        return False
    if not words or not re.match(r'^[a-z0-9_./][a-z0-9_./+-]*$', words[0]):
        return False
    return not re.search(r'^\w+:|\?=|\+=|^(and|or|the|of|reject|documentation|limitation)\b|\.$|,$', line)


def _lines(text):
    text = text.replace('\\\n', ' ')
    for line in text.split('\n'):
        line = ' '.join(line.strip().split())
        if line and not line.startswith('#') and len(line) < 200 and not DROP.search(line) and _plausible(line):
            yield line


def candidates(repo):
    files = _git(repo, 'ls-tree', '-r', '--name-only', 'HEAD').splitlines()
    for p in files:
        if p.startswith('.github/workflows/') and p.endswith(('.yml', '.yaml')):
            try:
                doc = yaml.safe_load(_git(repo, 'show', 'HEAD:' + p))
            except Exception:
                continue
            acc = []
            _runs(doc, acc)
            for r in acc:
                for line in _lines(r):
                    yield p, line
        elif os.path.basename(p) == 'package.json' and p.count('/') == 0:
            try:
                doc = json.loads(_git(repo, 'show', 'HEAD:' + p))
            except Exception:
                continue
            for v in (doc.get('scripts') or {}).values():
                if isinstance(v, str):
                    yield p, ' '.join(v.split())
        elif os.path.basename(p) in ('Makefile', 'justfile') and p.count('/') == 0:
            for line in _git(repo, 'show', 'HEAD:' + p).split('\n'):
                if line.startswith('\t') and '$(' not in line and '$@' not in line and '$<' not in line:
                    line = line.strip().lstrip('@-').strip()
                    for l in _lines(line):
                        yield p, l


def label_of(line):
    if re.search(r'\brm .*\$|rustup (toolchain list|default$)', line):
        return None
    if re.search(r'\brm .* /usr/local', line):
        return 'changing'
    if LOOKALIKE.search(line) or re.search(r'truncate -s \S+ \S+\.img', line):
        return 'lookalike'
    if CHANGING.search(line):
        return 'changing'
    return 'safe'


def rows():
    out = []
    seen = set()
    for repo in REPOS:
        by_label = {}
        for path, line in candidates(repo):
            if line in seen:
                continue
            seen.add(line)
            lab = label_of(line)
            if lab:
                by_label.setdefault(lab, []).append((lab, path, line))
        for lab, items in by_label.items():
            cap = PER_REPO if lab == 'safe' else 12
            items.sort(key=lambda r: hashlib.sha256(r[2].encode()).hexdigest())
            for lab_, path, line in items[:cap]:
                out.append((lab_, None, f'github:{repo}:{path}', line))
    return out

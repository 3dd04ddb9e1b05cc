"""Helpers shared by the row builders: source strings, row ids, escaping."""
import hashlib
import subprocess

TLDR = '/work/.mirror/tldr-pages+tldr/repo'
_tldr_cache = {}


def tldr(page):
    """Source string for a tldr page, checked against the mirrored repository."""
    if page in _tldr_cache:
        return _tldr_cache[page]
    for plat in ('common', 'linux', 'osx'):
        path = f'pages/{plat}/{page}.md'
        if subprocess.run(['git', '-C', TLDR, 'cat-file', '-e', f'HEAD:{path}'],
                          stderr=subprocess.DEVNULL).returncode == 0:
            _tldr_cache[page] = f'github:tldr-pages/tldr:{path}'
            return _tldr_cache[page]
    raise KeyError(f'no tldr page {page}')


def gtfo(name):
    return f'gtfobins:{name}'


IATT_REV = 'github:swisskyrepo/InternalAllTheThings:docs/cheatsheets/shell-reverse-cheatsheet.md'
IATT_PERSIST = 'github:swisskyrepo/InternalAllTheThings:docs/redteam/persistence/linux-persistence.md'
IATT_PRIV = 'github:swisskyrepo/InternalAllTheThings:docs/redteam/escalation/linux-privilege-escalation.md'


def row_id(command):
    """Stable id of a row: the first 10 hex digits of sha256(command)."""
    return hashlib.sha256(command.encode()).hexdigest()[:10]


def derived(base_cmd, how):
    return f'derived:{row_id(base_cmd)} ({how})'


def escape(command):
    return command.replace('\\', '\\\\').replace('\t', '\\t').replace('\n', '\\n')

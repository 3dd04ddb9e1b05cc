"""Meaning-preserving spellings used to derive evasive rows from sourced ones.
Each function returns the rewritten command, or None where it does not apply."""
import base64
import hashlib
import re
import shlex


def _first_word(cmd):
    m = re.match(r'^([A-Za-z0-9_./-]+)(\s.*)?$', cmd, re.S)
    return (m.group(1), m.group(2) or '') if m else (None, None)


def simple(cmd):
    """A single simple command without shell operators or newlines."""
    return not re.search(r'[;&|<>()`\n{}]', cmd)


def sq(cmd):
    return "'" + cmd.replace("'", "'\"'\"'") + "'"


def w_sudo(c): return 'sudo ' + c if simple(c) and not c.startswith('sudo') else None
def w_env(c): return 'env ' + c if simple(c) and not c.startswith('sudo') else None
def w_env_i(c): return 'env -i PATH=/usr/bin:/bin ' + c if simple(c) and not c.startswith('sudo') else None
def w_nice(c): return 'nice -n 19 ' + c if simple(c) else None
def w_timeout(c): return 'timeout 300 ' + c if simple(c) else None
def w_nohup(c): return 'nohup ' + c + ' >/dev/null 2>&1 &' if simple(c) else None
def w_command(c): return 'command ' + c if simple(c) and not c.startswith('sudo') else None
def w_stdbuf(c): return 'stdbuf -oL ' + c if simple(c) else None
def w_setsid(c): return 'setsid ' + c if simple(c) else None
def w_doas(c): return 'doas ' + c if simple(c) and not c.startswith('sudo') else None
def w_bash_c(c): return 'bash -c ' + sq(c)
def w_sh_c_dq(c): return 'sh -c "' + c + '"' if '"' not in c and '\\' not in c and '`' not in c and '$(' not in c else None
def w_sudo_sh(c): return 'sudo sh -c ' + sq(c) if not c.startswith('sudo') else None
def w_eval(c): return 'eval ' + sq(c)
def w_eval_dq(c): return 'eval "' + c + '"' if '"' not in c and '\\' not in c and '$' not in c and '`' not in c else None
def w_herestring(c): return 'bash <<< ' + sq(c)
def w_pipe_sh(c): return 'echo ' + sq(c) + ' | sh'
def w_printf_bash(c): return "printf '%s\\n' " + sq(c) + ' | bash'
def w_heredoc(c): return "sh <<'EOF'\n" + c + '\nEOF'
def w_b64(c): return 'echo ' + base64.b64encode(c.encode()).decode() + ' | base64 -d | sh'
def w_b64_subst(c): return 'bash -c "$(echo ' + base64.b64encode(c.encode()).decode() + ' | base64 --decode)"'
def w_subshell(c): return '(' + c + ('\n)' if '\n' in c else ')')
def w_group(c): return '{ ' + c + ('\n' if '\n' in c or c.endswith('&') else ';') + ' }'
def w_cd_chain(c): return 'cd /tmp && ' + c
def w_true_chain(c): return 'true; ' + c
def w_ls_chain(c): return 'ls -la && ' + c + ' && echo done'
def w_python(c): return 'python3 -c ' + sq('import os; os.system(' + repr(c) + ')') if '\n' not in c else None
def w_script(c): return 'script -qc ' + sq(c) + ' /dev/null'
def w_xargs_sh(c): return 'echo ' + sq(c) + ' | xargs -0 sh -c' if False else 'echo | xargs -I{} sh -c ' + sq(c)
def w_find_exec(c): return 'find . -maxdepth 0 -exec sh -c ' + sq(c) + ' \\;'


def _prog(c, fn):
    p, rest = _first_word(c)
    if not p or not simple(c) or '/' in p or p in ('sudo',):
        return None
    return fn(p, rest)


def p_empty_quotes(c): return _prog(c, lambda p, r: p[0] + "''" + p[1:] + r if len(p) > 1 else None)
def p_dquote(c): return _prog(c, lambda p, r: '"' + p + '"' + r)
def p_backslash(c): return _prog(c, lambda p, r: '\\' + p + r)
def p_inner_bs(c): return _prog(c, lambda p, r: p[0] + '\\' + p[1:] + r if len(p) > 1 else None)
def p_var(c): return _prog(c, lambda p, r: 'X=' + p + '; $X' + r)
def p_var_braced(c): return _prog(c, lambda p, r: 'cmd=' + p + '; "${cmd}"' + r)
def p_ansi_c(c): return _prog(c, lambda p, r: "$'" + ''.join('\\x%02x' % ord(ch) for ch in p) + "'" + r)
def p_which(c): return _prog(c, lambda p, r: '$(which ' + p + ')' + r)
def p_abs(c): return _prog(c, lambda p, r: ('/usr/bin/' if p not in ('rm', 'dd', 'chmod', 'chown', 'mv', 'cp', 'cat', 'echo', 'ln') else '/bin/') + p + r)
def p_busybox(c): return _prog(c, lambda p, r: 'busybox ' + p + r if p in ('rm', 'dd', 'chmod', 'chown', 'mv', 'cp', 'cat', 'find', 'nc', 'wget', 'tar', 'mkfs.ext2', 'truncate', 'shred') else None)
def p_set_args(c): return _prog(c, lambda p, r: 'set -- ' + p + r + '; "$@"' if '$' not in r and '"' not in r and "'" not in r else None)
def p_array(c): return _prog(c, lambda p, r: 'a=(' + p + r + '); "${a[@]}"' if '$' not in r and '"' not in r and "'" not in r else None)


def h_home_var(c):
    if re.search(r'(?<![\w/])~(?=/|\s|$)', c) and "'" not in c:
        return re.sub(r'(?<![\w/])~(?=/|\s|$)', '$HOME', c)
    return None


def h_home_braced(c):
    if re.search(r'(?<![\w/])~(?=/|\s|$)', c) and "'" not in c:
        return re.sub(r'(?<![\w/])~(?=/|\s|$)', '"${HOME}"', c)
    return None


def h_home_user(c):
    if re.search(r'(?<![\w/])(~|\$HOME|"\$HOME")(?=/|\s|$)', c) and "'" not in c:
        return re.sub(r'(?<![\w/])(~|\$HOME|"\$HOME")(?=/|\s|$)', '/home/$USER', c)
    return None


def h_home_tilde(c):
    if '$HOME' in c and "'" not in c:
        return c.replace('"$HOME"', '~').replace('${HOME}', '~').replace('$HOME', '~')
    return None


def h_sys_path(c):
    m = re.search(r'(?<=\s)/(etc|usr|var|boot|bin|lib|root|home)\b', c)
    if not m:
        return None
    forms = ['/./', '//', '/usr/../', '/tmp/../']
    f = forms[int(hashlib.sha256(c.encode()).hexdigest(), 16) % len(forms)]
    return c[:m.start()] + f + c[m.start() + 1:]


def h_root_dot(c):
    if re.search(r'\s/(\s|$)', c):
        return re.sub(r'\s/(\s|$)', lambda m: ' /.' + m.group(1), c, count=1) if False else re.sub(r'(\s)/(\s|$)', r'\1/usr/..\2', c, count=1)
    return None


def f_flags_split(c):
    if re.search(r'\brm -rf\b', c):
        return c.replace('rm -rf', 'rm -r -f', 1)
    if re.search(r'\brm -fr\b', c):
        return c.replace('rm -fr', 'rm --recursive --force', 1)
    return None


def f_flags_long(c):
    if re.search(r'\brm -r -f\b|\brm -rf\b', c):
        return re.sub(r'\brm (-r -f|-rf)\b', 'rm --recursive --force', c, count=1)
    return None


TRANSFORMS = [
    ('sudo wrapper', w_sudo), ('env wrapper', w_env), ('env -i wrapper', w_env_i), ('nice wrapper', w_nice),
    ('timeout wrapper', w_timeout), ('nohup background', w_nohup), ('command builtin', w_command),
    ('stdbuf wrapper', w_stdbuf), ('setsid wrapper', w_setsid), ('doas wrapper', w_doas),
    ('bash -c', w_bash_c), ('sh -c double-quoted', w_sh_c_dq), ('sudo sh -c', w_sudo_sh), ('eval', w_eval),
    ('eval double-quoted', w_eval_dq), ('here-string into bash', w_herestring), ('echo piped to sh', w_pipe_sh),
    ('printf piped to bash', w_printf_bash), ('heredoc into sh', w_heredoc), ('base64 piped to sh', w_b64),
    ('base64 command substitution', w_b64_subst), ('subshell', w_subshell), ('brace group', w_group),
    ('after cd', w_cd_chain), ('after true', w_true_chain), ('inside a chain', w_ls_chain),
    ('python os.system', w_python), ('script -c', w_script), ('xargs sh -c', w_xargs_sh), ('find -exec sh -c', w_find_exec),
    ("empty quotes in program", p_empty_quotes), ('quoted program', p_dquote), ('backslash program', p_backslash),
    ('backslash inside program', p_inner_bs), ('program in variable', p_var), ('program in braced variable', p_var_braced),
    ("$'..' program", p_ansi_c), ('$(which) program', p_which), ('absolute program path', p_abs), ('busybox applet', p_busybox),
    ('set -- and "$@"', p_set_args), ('bash array', p_array),
    ('~ as $HOME', h_home_var), ('~ as "${HOME}"', h_home_braced), ('home as /home/$USER', h_home_user),
    ('$HOME as ~', h_home_tilde), ('system path spelling', h_sys_path), ('/ as /usr/..', h_root_dot),
    ('split flags', f_flags_split), ('long flags', f_flags_long),
]


def variants(cmd, n, salt=''):
    """Up to n distinct variants, chosen deterministically from the applicable transforms."""
    h = hashlib.sha256((salt + cmd).encode()).digest()
    order = sorted(range(len(TRANSFORMS)), key=lambda i: hashlib.sha256(h + bytes([i])).digest())
    out = []
    seen = {cmd}
    for i in order:
        how, fn = TRANSFORMS[i]
        new = fn(cmd)
        if new and new not in seen:
            seen.add(new)
            out.append((how, new))
            if len(out) == n:
                break
    return out

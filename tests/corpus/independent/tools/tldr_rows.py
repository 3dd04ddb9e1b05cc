"""Rows from tldr pages (github:tldr-pages/tldr): every example of a chosen page,
placeholders filled with ordinary project values; a page's label is the default,
line rules drop examples that are ambiguous and relabel the ones that differ."""
import hashlib
import re
import subprocess

from sources import TLDR, tldr

VALS = {'remote_name': 'origin', 'local_branch': 'main', 'remote_branch': 'main', 'branch_name': 'feature/login',
        'branch': 'main', 'commit': 'HEAD~1', 'message': 'Fix typo in README', 'commit_message': 'Fix typo in README',
        'package': 'requests', 'package_name': 'lodash', 'module': 'express', 'module_name': 'express', 'url': 'https://example.com',
        'host': 'build01.example.com', 'remote_host': 'build01.example.com', 'user': 'deploy', 'username': 'deploy',
        'port': '8080', 'file': 'notes.txt', 'image': 'nginx:1.27', 'image_name': 'myapp', 'tag': 'v1.2.0',
        'container': 'web', 'container_name': 'web', 'name': 'myapp', 'namespace': 'staging', 'pod_name': 'web-7d9f8',
        'deployment_name': 'web', 'version': '1.2.0', 'pattern': 'TODO', 'search_pattern': 'TODO', 'search_string': 'TODO',
        'regex': 'fn main', 'service': 'nginx', 'service_name': 'nginx', 'unit': 'nginx.service', 'number': '5', 'n': '5',
        'count': '3', 'key': 'user.name', 'value': 'Jane Doe', 'region': 'us-east-1', 'bucket_name': 'my-bucket',
        'cluster_name': 'dev-cluster', 'project_id': 'my-project', 'resource_group': 'rg-app', 'filename': 'report.csv',
        'directory': 'src', 'dir': 'src', 'command': 'ls', 'program': 'ls', 'executable': 'python3', 'script': 'build',
        'script_name': 'build', 'test_name': 'parses_config', 'formula': 'ripgrep', 'cask': 'firefox', 'tag_name': 'v1.2.0',
        'pid': '4242', 'process_id': '4242', 'query': 'SELECT 1', 'database': 'app_dev', 'database_name': 'app_dev',
        'chart_name': 'web', 'release_name': 'web', 'repository_name': 'bitnami', 'arguments_source': 'git ls-files',
        'binary': './build/app', 'issue_number': '42', 'pr_number': '42', 'owner/repository': 'acme/app',
        'package1': 'ripgrep', 'repo_url': 'https://github.com/sharkdp/fd', 'replicas_count': '3', 'current_replicas': '2',
        'replica_name': 'web-5d8f', 'resource_type/resource_name': 'deployment/web', 'remote_branch_name': 'old-feature',
        'remote_username': 'deploy', 'proxy_username': 'deploy', 'proxy_host': 'bastion.example.com',
        'jump_host': 'bastion.example.com', 'rule_number': '3', 'id': '1500', 'shell': '/bin/bash', 'environment': 'ml',
        'dependency': 'httpx', 'dependency1': 'rich', 'project_name': 'demo', 'region_id': 'iad1',
        'one_time_password': '123456', 'configuration_file': '.pypirc', 'repository_url': 'https://test.pypi.org/legacy/',
        'deployables': 'app.yaml', 'password': '"$REGISTRY_TOKEN"', 'server': 'registry.example.com',
        'resource_type.resource_name[instance_index]': 'aws_instance.web', 'bucket_name1': 'my-bucket',
        'bucket_name2': 'my-bucket-copy', 'remote-location': 'site', 'variable': 'LOG_LEVEL'}


def inst(cmd, salt):
    def rep(m):
        t = m.group(1)
        if t.startswith('[') and t.endswith(']') and '|' in t:
            alts = t[1:-1].split('|')
            return alts[int(hashlib.sha1((salt + cmd).encode()).hexdigest(), 16) % len(alts)]
        if '|' in t:
            t = t.split('|')[0]
        t = t.split(' ')[0]
        if t in VALS:
            return VALS[t]
        if t.split('/')[0] in VALS and t.count('/') == 0:
            return VALS[t]
        if t.startswith('path/to/'):
            t2 = t[len('path/to/'):]
            if t2.endswith('directory') or t2.endswith('dir') or 'folder' in t2:
                return 'src'
            if '.' in t2:
                return t2.replace('_', '-')
            return t2.replace('_', '-') + ('.txt' if 'file' in t2 else '')
        return t
    return re.sub(r'\{\{(.*?)\}\}', rep, cmd)


def examples(page):
    src = tldr(page)
    path = src.split(':', 2)[2]
    text = subprocess.check_output(['git', '-C', TLDR, 'show', 'HEAD:' + path]).decode()
    for line in text.split('\n'):
        m = re.match(r'^`(.*)`$', line)
        if m:
            yield src, inst(m.group(1), page)


SKIP = re.compile(r'\.\.\.|printf -v|^<|^tldr |\binteractive\b|history -c|YYYY|\bsudo (date|strace|nice)\b|/dev/tty|'
                  r'stash (clear|drop)|--delete|remote remove|gcloud auth|az login|aws configure|az interactive|'
                  r'http\.server|exec --interactive|psql --command|redis-cli (redis_command|-a)|hostname new|'
                  r'make install|cp --interactive|\$\(id|\bdocker build github|git grep .*rev-list|'
                  r'\bflushall\b|\bdrop\b|--no-preserve-root|\brm -rf /\b|\btruncate\b')

SAFE = ['git-status', 'git-log', 'git-diff', 'git-show', 'git-branch', 'git-blame', 'git-grep', 'git-add', 'git-commit',
        'git-fetch', 'git-clone', 'git-switch', 'git-stash', 'git-tag', 'git-rev-parse', 'git-shortlog', 'ls', 'cat', 'grep',
        'rg', 'fd', 'head', 'tail', 'wc', 'sort', 'uniq', 'jq', 'du', 'df', 'ps', 'tree', 'diff', 'make', 'cmake',
        'cargo-build', 'cargo-test', 'cargo-clippy', 'cargo-fmt', 'go-build', 'go-test', 'go-vet', 'npm-run', 'npm-test',
        'pytest', 'tar', 'zip', 'unzip', 'sed', 'awk', 'cut', 'curl', 'wget', 'docker-ps', 'docker-logs', 'docker-images',
        'docker-build', 'kubectl-get', 'kubectl-describe', 'kubectl-logs', 'terraform-plan', 'terraform-fmt',
        'terraform-validate', 'eslint', 'prettier', 'tsc', 'mypy', 'black', 'which', 'file', 'stat', 'sha256sum',
        'md5sum', 'base64', 'printf', 'echo', 'date', 'mkdir', 'touch', 'cp', 'mv', 'man', 'gcc', 'clang', 'ninja',
        'mvn', 'gradle', 'pip-freeze', 'pip-show', 'pip-list', 'rustc', 'ping', 'dig', 'nslookup', 'lsof', 'netstat',
        'watch', 'timeout', 'uname', 'id', 'whoami', 'hostname', 'realpath', 'basename', 'dirname', 'xxd', 'hexdump',
        'strings', 'objdump', 'nm', 'gdb', 'valgrind', 'pkg-config', 'free', 'readelf', 'strace', 'ldd', 'git-remote',
        'uniq', 'tr', 'sqlite3', 'git-worktree', 'git-cherry-pick', 'git-merge', 'git-rebase', 'git-bisect', 'git-describe',
        'git-ls-files', 'git-config', 'docker-inspect', 'docker-exec', 'kubectl-explain', 'go-mod', 'go-fmt', 'cargo-check',
        'cargo-doc', 'cargo-tree', 'npm-ls', 'npm-outdated', 'npm-audit', 'npm-view', 'pre-commit', 'tox', 'ruff',
        'shellcheck', 'hadolint', 'clang-format', 'ctest', 'bazel', 'meson', 'gofmt', 'jest', 'vitest', 'node', 'python',
        'column', 'paste', 'comm', 'tee', 'find', 'locate', 'env', 'printenv', 'export', 'alias', 'type', 'top', 'uptime',
        'nproc', 'lscpu', 'lsblk', 'mount', 'ip', 'ss', 'openssl', 'ssh-keygen', 'gh-pr', 'gh-issue', 'gh-run', 'gh-repo',
        'patch', 'git-apply', 'git-am', 'git-format-patch', 'yq', 'xmllint', 'csvlook', 'bat', 'exa', 'eza', 'zoxide', 'fzf',
        'tmux', 'screen', 'vim', 'nano', 'code', 'sleep', 'seq', 'yes', 'true', 'test', 'expr', 'bc', 'cal', 'chmod']

CHANGING = ['apt-get', 'apt', 'brew', 'npm-install', 'pip-install', 'cargo-install', 'kubectl-apply', 'helm-install',
            'terraform-apply', 'gh-release', 'systemctl', 'npm-publish', 'cargo-publish', 'twine', 'aws-s3-cp',
            'aws-s3-sync', 'gcloud-app', 'fly', 'vercel', 'scp', 'ssh', 'rustup', 'yarn', 'pnpm', 'poetry', 'uv', 'bun',
            'helm', 'podman', 'git-push', 'docker-run', 'docker-container-run', 'docker-pull', 'docker-compose', 'pipx',
            'snap', 'dnf', 'pacman', 'gem-install', 'go-install', 'conda-install', 'kubectl-rollout', 'kubectl-scale',
            'docker-login', 'docker-image-push', 'rsync', 'service', 'ufw', 'useradd', 'crontab', 'chown']

# (pattern, label or None to drop) applied to both lists, first match wins
READ_ONLY = re.compile(r'\s(list|ls|search|show|info|status|view|outdated|doctor|why|help|history|cat|is-active|get|'
                       r'targets|logs?|ps|images|--failed|--list|-Q\w*|-Ss|-F|provides|browse|check|version|repl|'
                       r'--status-all|numbered|pipelines|get-pipeline|view-last-applied|-s|--show|list-\w+|download)(\s|$)')
DRY_RUN = re.compile(r'\s(--dry-run|-n)(\s|$)')
DROP_CHANGING = re.compile(r'-destroy|--rmi all|release delete|vercel remove|destroy-pipeline|^fly |rollout undo|'
                           r'pipx run|poetry run|uv run|bun run|bun test|rustup run|rustup doc|init\b|helm create|^[0-9*@]|crontab -r|'
                           r'^eval ')
LINE_RULES = [
    (re.compile(r'^mount$|^crontab -l$'), 'safe'),
    (re.compile(r'^sudo '), 'changing'),
    (re.compile(r'^git push .*(--force|-f\b|\+)'), None),
    (re.compile(r'^git push'), 'changing'),
    (re.compile(r'^git (reset|clean|checkout --|restore)'), None),
    (re.compile(r'\bpip install\b|\bpython -m pip install\b'), 'changing'),
    (re.compile(r'^(yarn|pnpm|bun) (global |add|remove|i\b|install|upgrade|update)|^poetry (add|install|update)|^uv (add|remove|sync)|^deno install'), 'changing'),
    (re.compile(r'^rustup (install|default|override|update)|^gcloud components update'), 'changing'),
    (re.compile(r'^cmake --install'), 'changing'),
    (re.compile(r'^helm (install|repo add|repo remove|repo up|dependency update|upgrade|uninstall|rollback)'), 'changing'),
    (re.compile(r'^podman (run|start|pull|rm|stop)'), 'changing'),
    (re.compile(r'^(sudo )?chown .*deploy'), 'changing'),
    (re.compile(r'^ssh |^scp |^(sudo )?(mount|ip a add|ip link set)\b'), 'changing'),
    (re.compile(r'^aws iam create|^aws dynamodb (wizard|update)'), 'changing'),
    (re.compile(r'^mysql < '), 'changing'),
    (re.compile(r'^gh (pr (create|merge|edit|review)|issue (create|reopen)|repo (create|fork|delete|archive|rename|edit|sync)|release (create|upload|delete))'), 'changing'),
    (re.compile(r'^gh repo delete'), None),
]


def rows():
    out = []
    seen = set()
    per_page = {}
    for pages, label in ((SAFE, 'safe'), (CHANGING, 'changing')):
        for page in pages:
            try:
                exs = list(examples(page))
            except KeyError:
                continue
            for src, cmd in exs:
                if SKIP.search(cmd) or cmd in seen or len(cmd) < 3:
                    continue
                lab = label
                if label == 'changing':
                    if DROP_CHANGING.search(cmd):
                        continue
                    if DRY_RUN.search(cmd):
                        lab = 'lookalike'
                    elif READ_ONLY.search(cmd) and not cmd.startswith(('ssh ', 'scp ')) or (cmd.startswith('rsync') and ':' not in cmd):
                        lab = 'safe'
                for pat, new in LINE_RULES if lab == label else []:
                    if pat.search(cmd):
                        lab = new
                        break
                if lab is None:
                    continue
                seen.add(cmd)
                per_page.setdefault((page, lab), []).append((lab, family_of(cmd, lab), src, cmd))
    for (page, lab), items in per_page.items():
        cap = CAPS[lab]
        items.sort(key=lambda r: hashlib.sha256(r[3].encode()).hexdigest())
        out.extend(items[:cap])
    return out


CAPS = {'safe': 2, 'changing': 5, 'lookalike': 2}


def family_of(cmd, label):
    w = cmd.split()
    p = w[0] if w else ''
    if p == 'sudo' and len(w) > 1:
        p = w[1]
    table = [
        (('git', 'gh'), 'vcs'),
        (('docker', 'podman', 'docker-compose'), 'container'),
        (('kubectl', 'helm'), 'k8s'),
        (('terraform', 'aws', 'gcloud', 'az', 'fly', 'vercel', 'heroku', 'pulumi'), 'cloud'),
        (('apt-get', 'apt', 'brew', 'pip', 'pipx', 'npm', 'yarn', 'pnpm', 'bun', 'poetry', 'uv', 'cargo', 'go', 'gem',
          'snap', 'dnf', 'pacman', 'conda', 'rustup', 'twine', 'deno'), 'package'),
        (('make', 'cmake', 'ninja', 'gcc', 'clang', 'rustc', 'mvn', 'gradle', 'tsc', 'bazel', 'meson'), 'build'),
        (('pytest', 'jest', 'vitest', 'ctest', 'tox'), 'test'),
        (('eslint', 'prettier', 'mypy', 'black', 'ruff', 'shellcheck', 'hadolint', 'clang-format', 'gofmt'), 'lint'),
        (('grep', 'rg', 'fd', 'find', 'locate', 'fzf'), 'search'),
        (('curl', 'wget', 'ping', 'dig', 'nslookup', 'ssh', 'scp', 'rsync', 'netstat', 'ss', 'ip', 'lsof'), 'network'),
        (('systemctl', 'service', 'ufw', 'useradd', 'crontab', 'mount', 'chown', 'chmod'), 'system'),
        (('psql', 'mysql', 'sqlite3', 'redis-cli', 'mongosh'), 'database'),
        (('python', 'python3', 'node', 'perl', 'ruby', 'php'), 'interpreter-code'),
        (('tar', 'zip', 'unzip', 'cp', 'mv', 'mkdir', 'touch', 'ln', 'tee', 'patch'), 'fs-write'),
    ]
    for names, fam in table:
        if p in names or any(p.startswith(n + '-') for n in names if n in ('cargo', 'go', 'npm', 'git', 'docker', 'kubectl')):
            return fam
    if p.startswith('cargo') or p.startswith('go'):
        return 'build'
    return 'inspect'

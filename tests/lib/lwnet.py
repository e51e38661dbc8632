# SPDX-License-Identifier: GPL-3.0-or-later
"""A small network of our own for Leakwatch's tests, with real servers.

The test process runs in a network namespace of its own (see enter()): that
namespace is the user's machine, with one LAN interface. A second namespace,
held by a child process, is the internet: coturn answers STUN there and
ip-echo.py answers "what is my address" over HTTPS, all on documentation
addresses. Nothing is added to the root namespace, and every process and
namespace goes away with the test, whichever way it ends.
"""

import ctypes
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SERVERS = os.path.join(os.path.dirname(HERE), "servers")

CLIENT4, CLIENT6 = "192.0.2.10", "2001:db8::10"
GATEWAY4, GATEWAY6 = "192.0.2.1", "2001:db8::1"
STUN4, STUN6 = "203.0.113.1", "2001:db8:113::1"
SILENT4, SILENT6 = "203.0.113.9", "2001:db8:113::9"    # routed, but nobody answers
ECHO4, ECHO6 = "203.0.113.5", "2001:db8:113::5"
PROXY4, PROXY6 = "203.0.113.8", "2001:db8:113::8"
PROXY_PORT = 3128
STUN_PORT = 3478

_libc = ctypes.CDLL(None, use_errno=True)
PR_SET_PDEATHSIG = 1


def _die_with_parent():
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def run(*args, **kwargs):
    kwargs.setdefault("check", True)
    return subprocess.run(list(args), **kwargs)


def enter():
    """Re-executes this script inside a new network namespace.

    Returns None once inside, or a reason string when no namespace can be
    made here (the caller reports the tests as skipped)."""
    if os.environ.get("LW_NETNS") == "1":
        return None
    missing = [tool for tool in ("unshare", "nsenter", "ip", "turnserver", "openssl")
               if shutil.which(tool) is None]
    if missing:
        return "missing tools: " + ", ".join(missing)
    env = dict(os.environ, LW_NETNS="1")
    attempts = [["unshare", "--net", "--map-root-user"]]
    if os.geteuid() == 0:
        attempts.append(["unshare", "--net"])
    for prefix in attempts:
        probe = subprocess.run(prefix + ["true"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        if probe.returncode == 0:
            os.execvpe(prefix[0], prefix + [sys.executable] + sys.argv, env)
    return "cannot create a network namespace (needs root or unprivileged user namespaces)"


class Net:
    """The client namespace (this process) wired to an internet namespace."""

    def __init__(self, ipv6=True):
        self.ipv6 = ipv6
        self.tmp = tempfile.mkdtemp(prefix="lw-net-")
        self.procs = []
        self.holder = None
        self.echo_ports = {}

    # --- plumbing ------------------------------------------------------

    def inet(self, *args, **kwargs):
        """Runs a command in the internet namespace."""
        return run("nsenter", "-t", str(self.holder.pid), "-n", *args, **kwargs)

    def spawn_inet(self, args, log):
        proc = subprocess.Popen(["nsenter", "-t", str(self.holder.pid), "-n"] + args,
                                stdout=log, stderr=subprocess.STDOUT,
                                preexec_fn=_die_with_parent)
        self.procs.append(proc)
        return proc

    def up(self):
        for key in ("all", "default"):
            _sysctl(f"net.ipv6.conf.{key}.accept_dad", "0")
        run("ip", "link", "set", "lo", "up")

        self.holder = subprocess.Popen(
            ["unshare", "--net", "sh", "-c", "echo ready; exec sleep 86400"],
            stdout=subprocess.PIPE, preexec_fn=_die_with_parent)
        self.holder.stdout.readline()
        pid = str(self.holder.pid)

        self.inet("sh", "-c", "ip link set lo up; "
                  "echo 0 > /proc/sys/net/ipv6/conf/all/accept_dad; "
                  "echo 0 > /proc/sys/net/ipv6/conf/default/accept_dad")
        run("ip", "link", "add", "lan0", "type", "veth", "peer", "name", "wan0", "netns", pid)
        run("ip", "link", "set", "lan0", "up")
        run("ip", "addr", "add", CLIENT4 + "/24", "dev", "lan0")
        run("ip", "route", "add", "default", "via", GATEWAY4)
        self.inet("ip", "link", "set", "wan0", "up")
        self.inet("ip", "addr", "add", GATEWAY4 + "/24", "dev", "wan0")
        for addr in (STUN4, SILENT4, ECHO4, PROXY4):
            self.inet("ip", "addr", "add", addr + "/32", "dev", "lo")
        if self.ipv6:
            run("ip", "-6", "addr", "add", CLIENT6 + "/64", "dev", "lan0", "nodad")
            run("ip", "-6", "route", "add", "default", "via", GATEWAY6)
            self.inet("ip", "-6", "addr", "add", GATEWAY6 + "/64", "dev", "wan0", "nodad")
            for addr in (STUN6, SILENT6, ECHO6, PROXY6):
                self.inet("ip", "-6", "addr", "add", addr + "/128", "dev", "lo", "nodad")

        run(os.path.join(SERVERS, "make-certs.sh"), self.tmp, ECHO4, ECHO6)
        self.ca = os.path.join(self.tmp, "ca.pem")
        self.start_stun()
        self.start_echo("server")
        return self

    def down(self):
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self.holder is not None:
            self.holder.kill()
            self.holder.wait()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        try:
            return self.up()
        except BaseException:
            self.down()
            raise

    def __exit__(self, *exc):
        self.down()

    # --- servers -------------------------------------------------------

    def start_stun(self):
        log = open(os.path.join(self.tmp, "coturn.log"), "w")
        args = ["turnserver", "-n", "--stun-only", "--no-cli", "--no-tls", "--no-dtls",
                "--listening-port", str(STUN_PORT), "--listening-ip", STUN4,
                "--log-file", "stdout", "--simple-log", "--no-software-attribute",
                "--pidfile", os.path.join(self.tmp, "turnserver.pid")]
        if self.ipv6:
            args += ["--listening-ip", STUN6]
        self.stun_proc = self.spawn_inet(args, log)
        _wait_for(lambda: self._stun_answers(), "coturn to answer")

    def stop_stun(self):
        """Stops coturn: STUN goes unanswered until start_stun()."""
        self.stun_proc.terminate()
        self.stun_proc.wait(timeout=10)

    def _stun_answers(self):
        # A STUN binding request, by hand: 20 bytes, magic cookie, random id.
        request = b"\x00\x01\x00\x00\x21\x12\xa4\x42" + os.urandom(12)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(0.2)
            try:
                s.sendto(request, (STUN4, STUN_PORT))
                return s.recv(512)[:2] == b"\x01\x01"
            except OSError:
                return False

    def start_fake_stun(self, answer, family=4):
        """Starts a STUN server that answers ANSWER as the mapped address
        of every request (tests/servers/fake-stun.py), on the STUN
        address of FAMILY and a port of its own; returns "HOST:PORT"."""
        self.fake_stuns = getattr(self, "fake_stuns", 0) + 1
        port = STUN_PORT + 100 + self.fake_stuns
        host = STUN4 if family == 4 else STUN6
        ready = os.path.join(self.tmp, f"fake-stun-{port}.ready")
        log = open(os.path.join(self.tmp, f"fake-stun-{port}.log"), "w")
        self.spawn_inet([sys.executable, os.path.join(SERVERS, "fake-stun.py"), "--bind", host,
                         "--port", str(port), "--answer", answer, "--ready-file", ready], log)
        _wait_for(lambda: os.path.exists(ready), "the fake STUN server to listen")
        return f"{host}:{port}" if family == 4 else f"[{host}]:{port}"

    def start_echo(self, cert):
        """Starts an HTTPS echo that presents CERT (server, untrusted,
        wrongname or expired) on both families; returns its port."""
        ready = os.path.join(self.tmp, f"echo-{cert}.port")
        log = open(os.path.join(self.tmp, f"echo-{cert}.log"), "w")
        binds = ["--bind", ECHO4] + (["--bind", ECHO6] if self.ipv6 else [])
        self.spawn_inet([sys.executable, os.path.join(SERVERS, "ip-echo.py"),
                         "--cert", os.path.join(self.tmp, cert + ".pem"),
                         "--key", os.path.join(self.tmp, cert + ".key"),
                         "--ready-file", ready] + binds, log)
        _wait_for(lambda: os.path.exists(ready), f"the {cert} echo to listen")
        with open(ready) as f:
            port = int(f.read())
        self.echo_ports[cert] = port
        return port

    def start_proxy(self):
        """Starts an HTTP CONNECT proxy on PROXY4; returns its URL."""
        ready = os.path.join(self.tmp, "proxy.port")
        if not os.path.exists(ready):
            log = open(os.path.join(self.tmp, "proxy.log"), "w")
            self.spawn_inet([sys.executable, os.path.join(SERVERS, "connect-proxy.py"),
                             "--listen", PROXY4, "--port", str(PROXY_PORT), "--source4", PROXY4,
                             "--source6", PROXY6, "--ready-file", ready], log)
            _wait_for(lambda: os.path.exists(ready), "the proxy to listen")
        return f"http://{PROXY4}:{PROXY_PORT}"

    def echo_url(self, path="/", family=4, cert="server"):
        if cert not in self.echo_ports:
            self.start_echo(cert)
        host = ECHO4 if family == 4 else f"[{ECHO6}]"
        return f"https://{host}:{self.echo_ports[cert]}{path}"

    def stun(self, family=4):
        return f"{STUN4}:{STUN_PORT}" if family == 4 else f"[{STUN6}]:{STUN_PORT}"

    # --- running Leakwatch ---------------------------------------------

    def check(self, *args, stun=None, urls=None, timeout=None, ca=True, env=None):
        """Runs `leakwatch --check --json` here; returns (exit code, report
        or None, seconds taken, stderr)."""
        cmd = [leakwatch(), "--check", "--json"]
        for server in (stun if stun is not None else [self.stun(4)] + ([self.stun(6)] if self.ipv6 else [])):
            cmd += ["--stun", server]
        for url in (urls if urls is not None else [self.echo_url("/", 4)] + ([self.echo_url("/json", 6)] if self.ipv6 else [])):
            cmd += ["--ip-url", url]
        if ca:
            cmd += ["--ca-file", self.ca]
        if timeout is not None:
            cmd += ["--timeout", str(timeout)]
        cmd += list(args)
        # A history of this network's own, never the user's.
        env = dict({"XDG_DATA_HOME": os.path.join(self.tmp, "data")}, **(env or {}))
        return run_leakwatch(cmd, env=env)


def leakwatch():
    return os.environ.get("LEAKWATCH", os.path.join(os.getcwd(), "src", "service", "leakwatch"))


def run_leakwatch(cmd, env=None, timeout=60):
    started = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                          env=dict(os.environ, **(env or {})))
    took = time.monotonic() - started
    report = None
    if proc.stdout.strip().startswith("{"):
        report = json.loads(proc.stdout)
    return proc.returncode, report, took, proc.stderr


def _sysctl(key, value):
    path = "/proc/sys/" + key.replace(".", "/")
    try:
        with open(path, "w") as f:
            f.write(value)
    except OSError:
        pass


def _wait_for(predicate, what, seconds=10):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise RuntimeError(f"timed out waiting for {what}")

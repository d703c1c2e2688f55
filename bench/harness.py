#!/usr/bin/env python3
"""Archway data-plane benchmark: Archway against Envoy, nginx and HAProxy on one machine.

Started by bench/run.sh, which installs the peers and the load tools first. This file generates
every configuration from bench/templates (numbers and fixed paths only), starts the backend and the
proxies for one scenario at a time, runs the load interleaved over rounds, stops everything, and
writes results.json, results.csv and summary.md. Standard library only.
"""

import argparse
import base64
import csv
import datetime
import http.client
import json
import os
import re
import shlex
import shutil
import signal
import socket
import statistics
import string
import subprocess
import sys
import time

BENCH = os.path.dirname(os.path.abspath(__file__))
TEMPLATES = os.path.join(BENCH, "templates")
HOST = "127.0.0.1"
SNI = "bench.example.com"

# Ports: the backend, then one block of ports per target (http, h2c, https, passthrough, admin).
BACKEND = {"http": 18080, "h2c": 18081, "tls": 18443}
PORT_BASE = {"archway": 20000, "envoy": 21000, "nginx": 22000, "haproxy": 23000,
             "archway-1route": 24000, "archway-b": 25000}
PORT_OFFSET = {"http": 0, "h2c": 1, "https": 2, "pass": 3, "admin": 9}

PROXIES = ["archway", "envoy", "nginx", "haproxy"]
ALL_TARGETS = PROXIES + ["direct"]
# In the route-scale scenarios a second Archway with one route runs beside the one under test and
# is measured in the same rounds, so that "RPS at N routes / RPS at 1 route" is a ratio of runs
# seconds apart, like every other ratio, not of scenarios minutes apart on a drifting machine.
ONE_ROUTE = "archway-1route"
# With --archway-b, another build of Archway (another checkout's launcher) runs beside the one
# under test in every scenario Archway runs in, measured in the same rounds: a change is judged
# by per-round ratios of the two builds, on the same configuration and the same machine minutes.
OTHER_BUILD = "archway-b"
# All three run with --archway-java-opts and --archway-args.
ARCHWAYS = ("archway", ONE_ROUTE, OTHER_BUILD)
SUMMARY_TARGETS = ["archway", ONE_ROUTE, OTHER_BUILD, "envoy", "nginx", "haproxy", "direct"]


def port(target, kind):
    if target == "direct":
        return {"http": BACKEND["http"], "h2c": BACKEND["h2c"], "https": BACKEND["tls"],
                "pass": BACKEND["tls"]}[kind]
    return PORT_BASE[target] + PORT_OFFSET[kind]


# Every "full" configuration also answers this path itself with a 302 to LOCAL_LOCATION
# (Gateway API's RequestRedirect filter; nginx's return; HAProxy's http-request redirect; Envoy's
# redirect route action).
LOCAL_PREFIX = "/local/"
LOCAL_PATH = LOCAL_PREFIX + "hello"
LOCAL_LOCATION = "http://" + SNI + "/"


# --------------------------------------------------------------------------------------------
# Scenarios. "config" is "full" (1 route; HTTP, h2c, HTTPS and TLS passthrough listeners) or a
# route count (HTTP listener only). "route" is the index of the route the load hits.

SCENARIOS = {
    "h1-keepalive": dict(
        config="full", tool="wrk", listener="http", conns=64, path="/svc/0/hello",
        what="HTTP/1.1 keep-alive, small response (wrk, 64 connections): requests/s"),
    "h1-close": dict(
        config="full", tool="wrk", listener="http", conns=32, path="/svc/0/hello", close=True,
        what="HTTP/1.1, a new connection per request (wrk, `Connection: close`, 32 connections):"
             " requests/s"),
    "h2c": dict(
        config="full", tool="h2load", listener="h2c", conns=8, streams=16, path="/svc/0/hello",
        what="HTTP/2 cleartext, prior knowledge, multiplexed (h2load, 8 connections x 16"
             " streams): requests/s"),
    # The same loads as h1-keepalive and h2c, answered by the proxy itself (a redirect: the one
    # answer all four make without an upstream), so that each proxy's CPU per request splits
    # into its client side and what forwarding to the upstream and back adds ("upstream half"
    # in the summary).
    "h1-local": dict(
        config="full", tool="wrk", listener="http", conns=64, path=LOCAL_PATH, expect=302,
        targets=PROXIES,
        what="HTTP/1.1 keep-alive as h1-keepalive, answered by the proxy itself (a 302 redirect,"
             " no upstream): requests/s"),
    "h2c-local": dict(
        config="full", tool="h2load", listener="h2c", conns=8, streams=16, path=LOCAL_PATH,
        expect=302, targets=PROXIES,
        what="HTTP/2 cleartext as h2c, answered by the proxy itself (a 302 redirect, no"
             " upstream): requests/s"),
    "https": dict(
        config="full", tool="h2load", listener="https", conns=32, streams=1, h1=True,
        path="/svc/0/hello", tls=True,
        what="HTTPS (TLS 1.3) HTTP/1.1 keep-alive, small response (h2load --h1, 32"
             " connections): requests/s"),
    "https-h2": dict(
        config="full", tool="h2load", listener="https", conns=8, streams=16, path="/svc/0/hello",
        tls=True,
        what="HTTPS (TLS 1.3) HTTP/2 via ALPN, multiplexed (h2load, 8 connections x 16 streams):"
             " requests/s"),
    "tls-passthrough": dict(
        config="full", tool="h2load", listener="pass", conns=8, streams=1, h1=True,
        path="/svc/0/1m", tls=True, body_mib=1,
        what="TLS passthrough by SNI to the backend's TLS port, 1 MiB responses (h2load --h1,"
             " 8 connections): MiB/s"),
    "stream-1m": dict(
        config="full", tool="wrk", listener="http", conns=8, path="/svc/0/1m", body_mib=1,
        what="HTTP/1.1 keep-alive, a 1 MiB response streamed through (wrk, 8 connections):"
             " MiB/s"),
    "routes-1": dict(
        config=1, tool="wrk", listener="http", conns=64, route=0,
        what="HTTP/1.1 keep-alive with 1 route (HTTP listener only): requests/s; peak RSS"),
    "routes-1k": dict(
        config=1000, tool="wrk", listener="http", conns=64, route=999, one_route=True,
        what="as routes-1 with 1,000 routes, the request hitting the last-defined route"),
    "routes-10k": dict(
        config=10000, tool="wrk", listener="http", conns=64, route=9999, one_route=True,
        # round_factor multiplies --rounds. This target compares two processes of one program,
        # whose rates drift 10 to 15 % apart either way from round to round on this machine
        # (docs/benchmarks.md, "Route scale at one fixed rate"): a median of three such ratios
        # falls below 0.95x by chance too often to say whether the target is met.
        round_factor=2,
        what="as routes-1 with 10,000 routes, the request hitting the last-defined route;"
             " peak RSS; twice the rounds"),
    "latency": dict(
        config="full", tool="openloop", listener="http", conns=32, path="/svc/0/hello",
        fractions=(0.25, 0.5),
        what="latency below saturation: open-loop at 25 % and 50 % of Envoy's h1-keepalive"
             " saturation rate (bench/tools/openloop, 32 connections): p50/p99/p99.9"),
    "control-plane": dict(
        config=None, tool=None, targets=["archway"], sizes=(10, 10000),
        what="Archway only: time from a file change (write + rename) to the first 200 on the"
             " new route, at 10 and 10,000 routes"),
}
DEFAULT_ORDER = list(SCENARIOS)


def scenario_path(sc, target=None):
    if "route" in sc:
        if target == ONE_ROUTE:
            return "/svc/0/hello"
        return "/svc/%d/hello" % sc["route"]
    return sc["path"]


# --------------------------------------------------------------------------------------------
# Processes. Every server is started in its own session; its process group id is written to
# pids.txt so run.sh's EXIT trap can end it even if this script is killed.

class Procs:
    def __init__(self, pid_file):
        self.pid_file = pid_file
        self.live = {}

    def start(self, name, argv, log, cpus=None, env=None):
        if cpus:
            argv = ["taskset", "-c", cpus] + argv
        out = open(log, "ab")
        p = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             start_new_session=True, env=env)
        out.close()
        self.live[name] = p
        with open(self.pid_file, "a") as f:
            f.write("%d\n" % p.pid)
        return p

    def stop(self, name):
        p = self.live.pop(name, None)
        if p is None:
            return
        for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
            if p.poll() is not None:
                break
            try:
                os.killpg(p.pid, sig)
            except ProcessLookupError:
                break
            try:
                p.wait(wait)
            except subprocess.TimeoutExpired:
                pass
        # Children left in the group (nginx workers) go with a last SIGKILL to the group.
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def stop_all(self):
        for name in list(self.live):
            self.stop(name)


def tree_pids(pid):
    pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        pids.append(p)
        try:
            for task in os.listdir("/proc/%d/task" % p):
                with open("/proc/%d/task/%s/children" % (p, task)) as f:
                    todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return pids


def vm_hwm_mib(pid):
    """Peak RSS (VmHWM) of a process and its children, summed, in MiB."""
    total = 0
    for p in tree_pids(pid):
        try:
            with open("/proc/%d/status" % p) as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return round(total / 1024.0, 1)


CLK_TCK = os.sysconf("SC_CLK_TCK")

# Steal time at or above this share of the machine's CPU time during a measured run is reported
# by scenario in the summary, and a saturated round with such a run is measured again: the host
# took that time from the machine, and the round says more about the host than about the proxies
# (docs/benchmarks.md, "Steal time").
STEAL_WARN_PCT = 5


def steal_jiffies():
    """Steal and all CPU time so far of the whole machine, in jiffies (/proc/stat's cpu line)."""
    with open("/proc/stat") as f:
        # user nice system idle iowait irq softirq steal (guest time is counted in user already)
        fields = [int(x) for x in f.readline().split()[1:9]]
    return fields[7], sum(fields)


def cpu_times(pid):
    """User and system CPU time so far of a process and its children, all threads, in seconds."""
    user = system = 0
    for p in tree_pids(pid):
        try:
            with open("/proc/%d/stat" % p) as f:
                # After the command name in parentheses: state is field 3, utime 14, stime 15.
                fields = f.read().rsplit(")", 1)[1].split()
            user += int(fields[11])
            system += int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return user / float(CLK_TCK), system / float(CLK_TCK)


def port_free(p):
    s = socket.socket()
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((HOST, p))
        return True
    except OSError:
        return False
    finally:
        s.close()


def run_bounded(argv, timeout, cpus=None):
    if cpus:
        argv = ["taskset", "-c", cpus] + argv
    p = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         stdin=subprocess.DEVNULL, start_new_session=True, text=True)
    try:
        out, _ = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, _ = p.communicate()
        return 124, out
    return p.returncode, out


# --------------------------------------------------------------------------------------------
# Configuration generation.

def render(name, **values):
    with open(os.path.join(TEMPLATES, name)) as f:
        return string.Template(f.read()).substitute(**values)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def make_tls(run, env):
    d = os.path.join(run, "tls")
    os.makedirs(d, exist_ok=True)
    cert, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
    if not os.path.exists(cert):
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-nodes", "-days", "30", "-subj", "/CN=" + SNI, "-addext",
             "subjectAltName=DNS:" + SNI, "-keyout", key, "-out", cert],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(os.path.join(d, "combined.pem"), "w") as f:
            f.write(open(cert).read() + open(key).read())


def user_line():
    return "user root;" if os.geteuid() == 0 else ""


def gen_backend(run, env):
    d = os.path.join(run, "backend")
    os.makedirs(os.path.join(d, "tmp"), exist_ok=True)
    os.makedirs(os.path.join(d, "files"), exist_ok=True)
    blob = os.path.join(d, "files", "1m.bin")
    if not os.path.exists(blob):
        with open(blob, "wb") as f:
            f.write(b"x" * (1 << 20))
    write(os.path.join(d, "nginx.conf"),
          render("backend-nginx.conf", run=run, user=user_line(), backend_http=BACKEND["http"],
                 backend_h2c=BACKEND["h2c"], backend_tls=BACKEND["tls"]))
    return ["nginx", "-p", d, "-c", os.path.join(d, "nginx.conf"),
            "-e", os.path.join(d, "error.log")]


def gen_nginx(run, env, workers, routes, full):
    d = os.path.join(run, "nginx")
    os.makedirs(os.path.join(d, "tmp"), exist_ok=True)
    locs = "".join("    location /svc/%d/ {\n      proxy_pass http://app;\n    }\n" % i
                   for i in range(routes))
    extra = ""
    if full:
        locs += "    location %s {\n      return 302 %s;\n    }\n" % (LOCAL_PREFIX, LOCAL_LOCATION)
        extra = ("    listen 127.0.0.1:%d http2 backlog=4096;\n"
                 "    listen 127.0.0.1:%d ssl http2 backlog=4096;"
                 % (port("nginx", "h2c"), port("nginx", "https")))
    write(os.path.join(d, "nginx.conf"),
          render("nginx.conf", run=run, user=user_line(), workers=workers,
                 stream_module=env["stream_module"], backend_http=BACKEND["http"],
                 backend_tls=BACKEND["tls"], http_port=port("nginx", "http"),
                 pass_port=port("nginx", "pass"), extra_listens=extra, routes=locs))
    return ["nginx", "-p", d, "-c", os.path.join(d, "nginx.conf"),
            "-e", os.path.join(d, "error.log")]


def gen_haproxy(run, env, workers, routes, full):
    d = os.path.join(run, "haproxy")
    os.makedirs(d, exist_ok=True)
    # One map entry per route, looked up by path prefix: what an operator (or HAProxy's own
    # ingress controller) writes for many routes; one ACL rule per route costs far more.
    entries = "".join("/svc/%d/ app\n" % i for i in range(routes))
    rules = "  use_backend %%[path,map_beg(%s)]\n" % os.path.join(d, "routes.map")
    extra, backends = "", ""
    if full:
        # Through the map too, so that no other request is tested against it on its way.
        entries += "%s local\n" % LOCAL_PREFIX
        backends = ("backend local\n  http-request redirect location %s code 302\n"
                    % LOCAL_LOCATION)
        extra = ("  bind 127.0.0.1:%d proto h2 backlog 4096\n"
                 "  bind 127.0.0.1:%d ssl crt %s alpn h2,http/1.1 backlog 4096"
                 % (port("haproxy", "h2c"), port("haproxy", "https"),
                    os.path.join(run, "tls", "combined.pem")))
    write(os.path.join(d, "routes.map"), entries)
    write(os.path.join(d, "haproxy.cfg"),
          render("haproxy.cfg", run=run, workers=workers, backend_http=BACKEND["http"],
                 backend_tls=BACKEND["tls"], http_port=port("haproxy", "http"),
                 pass_port=port("haproxy", "pass"), extra_binds=extra, routes=rules,
                 extra_backends=backends))
    return ["haproxy", "-db", "-f", os.path.join(d, "haproxy.cfg")]


def gen_envoy(run, env, workers, routes, full):
    d = os.path.join(run, "envoy")
    os.makedirs(d, exist_ok=True)
    rts = "".join("              - match: {prefix: /svc/%d/}\n"
                  "                route: {cluster: app}\n" % i for i in range(routes))
    extra, tls = "", ""
    if full:
        rts += ("              - match: {prefix: %s}\n"
                "                redirect: {scheme_redirect: http, host_redirect: %s,"
                " path_redirect: /, response_code: FOUND}\n" % (LOCAL_PREFIX, SNI))
        extra = ("    additional_addresses:\n"
                 "    - address:\n"
                 "        socket_address: {address: 127.0.0.1, port_value: %d}"
                 % port("envoy", "h2c"))
        tls = render("envoy-tls-listeners.yaml", run=run, https_port=port("envoy", "https"),
                     pass_port=port("envoy", "pass"), routes=rts)
    write(os.path.join(d, "envoy.yaml"),
          render("envoy.yaml", admin_port=port("envoy", "admin"), http_port=port("envoy", "http"),
                 additional_addresses=extra, routes=rts, tls_listeners=tls,
                 backend_http=BACKEND["http"], backend_tls=BACKEND["tls"]))
    return [env["envoy"], "-c", os.path.join(d, "envoy.yaml"), "--concurrency", str(workers),
            "--disable-hot-restart", "--log-level", "warn"]


# One HTTPRoute matching a path prefix; what it does with the request follows. %(hostnames)s is
# empty (every hostname) or a hostnames list.
ARCHWAY_ROUTE_HEAD = """---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: %(name)s
  namespace: default
spec:
%(hostnames)s  parentRefs:
%(parents)s  rules:
  - matches:
    - path:
        type: PathPrefix
        value: %(prefix)s
"""
ARCHWAY_ROUTE = ARCHWAY_ROUTE_HEAD + """    backendRefs:
    - group: archway.dev
      kind: Backend
      name: app
"""
ARCHWAY_LOCAL_ROUTE = ARCHWAY_ROUTE_HEAD + """    filters:
    - type: RequestRedirect
      requestRedirect:
        scheme: http
        hostname: %(host)s
        path:
          type: ReplaceFullPath
          replaceFullPath: /
        statusCode: 302
"""


# Routes of a hostname no request names: --one-route-ballast gives them to the 1-route Archway so
# that its heap holds a 10,000-route configuration while its lookup stays that of one route.
BALLAST_HOST = "ballast.invalid"


def archway_routes(routes, sections, local=False, ballast=0):
    parents = "".join("  - name: bench\n    sectionName: %s\n" % s for s in sections)
    text = "".join(ARCHWAY_ROUTE % dict(name="route-%d" % i, parents=parents, hostnames="",
                                        prefix="/svc/%d" % i) for i in range(routes))
    text += "".join(ARCHWAY_ROUTE % dict(name="ballast-%d" % i, parents=parents,
                                         hostnames="  hostnames:\n  - %s\n" % BALLAST_HOST,
                                         prefix="/svc/%d" % i) for i in range(ballast))
    if local:
        text += ARCHWAY_LOCAL_ROUTE % dict(name="local", parents=parents, hostnames="",
                                           prefix=LOCAL_PREFIX.rstrip("/"), host=SNI)
    return text


def gen_archway(run, env, workers, routes, full, target="archway", launcher="archway",
                ballast=0):
    d = os.path.join(run, target, "config")
    os.makedirs(d, exist_ok=True)
    extra = ""
    sections = ["http"]
    if full:
        sections = ["http", "h2c", "https"]
        extra = ("  - name: h2c\n    protocol: HTTP\n    port: %d\n"
                 "  - name: https\n    protocol: HTTPS\n    port: %d\n"
                 "    tls:\n      mode: Terminate\n      certificateRefs:\n"
                 "      - name: bench-cert\n"
                 "  - name: tls\n    protocol: TLS\n    port: %d\n"
                 "    tls:\n      mode: Passthrough\n"
                 % (port(target, "h2c"), port(target, "https"), port(target, "pass")))
        tls_dir = os.path.join(run, "tls")
        b64 = lambda p: base64.b64encode(open(os.path.join(tls_dir, p), "rb").read()).decode()
        write(os.path.join(d, "tls.yaml"),
              render("archway-tls.yaml", cert_b64=b64("cert.pem"), key_b64=b64("key.pem"),
                     backend_tls=BACKEND["tls"]))
    write(os.path.join(d, "gateway.yaml"),
          render("archway-gateway.yaml", http_port=port(target, "http"), extra_listeners=extra,
                 backend_http=BACKEND["http"]))
    write(os.path.join(d, "routes.yaml"), archway_routes(routes, sections, local=full,
                                                             ballast=ballast))
    return [env[launcher], "run", "-f", d, "--workers", str(workers),
            "--admin-address", "%s:%d" % (HOST, port(target, "admin"))]


def gen_archway_one_route(run, env, workers, routes, full, ballast=0):
    return gen_archway(run, env, workers, routes, full, target=ONE_ROUTE, ballast=ballast)


def gen_archway_other_build(run, env, workers, routes, full):
    return gen_archway(run, env, workers, routes, full, target=OTHER_BUILD, launcher="archway_b")


# The 1-route Archway is started apart (Bench.start_target): it takes --one-route-ballast.
GENERATORS = {"nginx": gen_nginx, "haproxy": gen_haproxy, "envoy": gen_envoy,
              "archway": gen_archway, OTHER_BUILD: gen_archway_other_build}


# --------------------------------------------------------------------------------------------
# Probes and load tools.

def url(target, sc):
    listener = sc["listener"]
    p = port(target, listener)
    scheme = "https" if sc.get("tls") else "http"
    host = SNI if sc.get("tls") else HOST
    return "%s://%s:%d%s" % (scheme, host, p, scenario_path(sc, target)), p


def curl_argv(target, sc, *extra):
    """curl sending what the scenario's load sends to its URL, with extra options."""
    u, p = url(target, sc)
    argv = ["curl", "-s", "--max-time", "3", *extra]
    if sc["listener"] == "h2c":
        argv.append("--http2-prior-knowledge")
    if sc.get("tls"):
        argv += ["-k", "--tlsv1.3", "--resolve", "%s:%d:%s" % (SNI, p, HOST)]
    return argv + [u]


def probe(target, sc):
    """One request the way the scenario's load sends it; returns the HTTP status or 0."""
    rc, out = run_bounded(curl_argv(target, sc, "-o", "/dev/null", "-w", "%{http_code}"), 10)
    try:
        return int(out.strip()[-3:])
    except ValueError:
        return 0


def forwarding_mismatch(target, sc):
    """None if the target forwards the X-Forwarded-* headers every target must send (the
    backend's /svc/0/forwarded echoes them), else what it forwarded. The same work per request
    includes these headers: Archway and Envoy Gateway add them by default. X-Forwarded-For
    must hold one address, not necessarily 127.0.0.1: Envoy appends its host's own address for a
    client on loopback."""
    if sc["listener"] == "pass" or target == "direct":
        return None
    proto = "https" if sc.get("tls") else "http"
    check = {k: v for k, v in sc.items() if k != "route"}
    check["path"] = "/svc/0/forwarded"
    rc, out = run_bounded(curl_argv(target, check), 10)
    got = out.strip()
    if re.fullmatch(r"for=[0-9A-Fa-f.:]+ proto=%s" % proto, got):
        return None
    return "forwarded %r, every target must forward 'for=<client address> proto=%s'" % (got, proto)


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def to_ms(text):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", text)
    return float(m.group(1)) * UNITS[m.group(2)] if m else None


def parse_wrk(out):
    r = {}
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    r["rps"] = float(m.group(1)) if m else None
    for pct, key in (("50", "p50_ms"), ("99", "p99_ms")):
        m = re.search(r"^\s+%s%%\s+(\S+)" % pct, out, re.M)
        r[key] = to_ms(m.group(1)) if m else None
    m = re.search(r"(\d+) requests in", out)
    r["requests"] = int(m.group(1)) if m else 0
    errs = 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        # wrk counts a server closing a `Connection: close` exchange as a read error; count
        # only connect errors, write errors and timeouts.
        errs = int(m.group(1)) + int(m.group(3)) + int(m.group(4))
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    r["errors"] = errs + (int(m.group(1)) if m else 0)
    return r


def parse_h2load(out, redirects_expected=False):
    r = {}
    m = re.search(r"finished in [\d.]+\w+, ([\d.]+) req/s", out)
    r["rps"] = float(m.group(1)) if m else None
    m = re.search(r"requests: (\d+) total, \d+ started, (\d+) done, (\d+) succeeded, (\d+) failed,"
                  r" (\d+) errored, (\d+) timeout", out)
    r["requests"] = int(m.group(3)) if m else 0
    r["errors"] = (int(m.group(4)) + int(m.group(5)) + int(m.group(6))) if m else 0
    m = re.search(r"status codes: \d+ 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx", out)
    if m:
        counted = m.groups()[1:] if redirects_expected else m.groups()
        r["errors"] += sum(int(x) for x in counted)
    m = re.search(r"time for request:\s+\S+\s+\S+\s+(\S+)", out)
    r["mean_ms"] = to_ms(m.group(1)) if m else None
    m = re.search(r"TLS Protocol: (\S+)", out)
    if m:
        r["tls"] = m.group(1)
    return r


def load_argv(target, sc, seconds, env, threads, rate=None):
    u, p = url(target, sc)
    tool = sc["tool"]
    if tool == "wrk":
        argv = ["wrk", "-t%d" % threads, "-c%d" % sc["conns"], "-d%ds" % seconds, "--latency"]
        if sc.get("close"):
            argv += ["-H", "Connection: close"]
        return argv + [u]
    if tool == "h2load":
        argv = ["h2load", "-t%d" % threads, "-c%d" % sc["conns"], "-m%d" % sc.get("streams", 1),
                "-D%d" % seconds]
        if sc.get("h1"):
            argv.append("--h1")
        if sc.get("fixed_rate"):
            # h2load paces each connection: the total rate split evenly, rounded up.
            argv.append("--rps=%d" % -(-sc["fixed_rate"] // sc["conns"]))
        if sc.get("tls"):
            argv.append("--connect-to=%s:%d" % (HOST, p))
        return argv + [u]
    if tool == "openloop":
        return [env["openloop"], "-addr", "%s:%d" % (HOST, p), "-path", scenario_path(sc, target),
                "-c", str(sc["conns"]), "-rate", "%d" % rate, "-d", "%ds" % seconds]
    raise ValueError(tool)


def paceable(sc):
    """Whether --rate can pace the scenario: h2load paces its own, and wrk's keep-alive loads
    become the same load from h2load --h1 (wrk has no rate); a new connection per request, the
    latency scenario's open loop and the control plane are not paced."""
    return sc.get("tool") == "h2load" or (sc.get("tool") == "wrk" and not sc.get("close"))


def paced(sc, rate):
    """The scenario as --rate measures it: h2load (--h1 for HTTP/1.1) at a fixed rate."""
    if sc["tool"] == "wrk":
        return dict(sc, tool="h2load", h1=True, streams=1, fixed_rate=rate)
    return dict(sc, fixed_rate=rate)


def run_load(target, sc, seconds, env, cpus, threads, rate=None):
    argv = load_argv(target, sc, seconds, env, threads, rate)
    rc, out = run_bounded(argv, seconds + 30, cpus)
    if sc["tool"] == "wrk":
        r = parse_wrk(out)
    elif sc["tool"] == "h2load":
        r = parse_h2load(out, redirects_expected=300 <= sc.get("expect", 200) < 400)
    else:
        try:
            j = json.loads(out.strip().splitlines()[-1])
            r = dict(rps=j["achieved_rps"], p50_ms=j["p50_ms"], p99_ms=j["p99_ms"],
                     p999_ms=j["p999_ms"], max_ms=j["max_ms"], requests=j["requests"],
                     errors=j["errors"] + j["non_2xx"], target_rps=j["target_rps"])
        except (ValueError, IndexError, KeyError):
            r = dict(rps=None, errors=0, requests=0)
    if sc.get("body_mib") and r.get("rps") is not None:
        r["mib_s"] = round(r["rps"] * sc["body_mib"], 1)
    r["rc"] = rc
    if r.get("rps") is None:
        r["output"] = out[-2000:]
    return r


# --------------------------------------------------------------------------------------------
# Running one scenario.

class Bench:
    def __init__(self, args, env, out):
        self.args, self.env, self.out = args, env, out
        self.run_dir = os.path.join(out, "run")
        os.makedirs(self.run_dir, exist_ok=True)
        self.procs = Procs(os.path.join(out, "pids.txt"))
        self.results = []   # one dict per measurement
        self.stolen = []    # the measurements of rounds measured again for steal time
        self.rounds_again = 0
        self.memory = []    # {scenario, workers, target, vmhwm_mib}
        self.status = []    # {scenario, workers, target, status, detail}
        self.startup = []   # {scenario, workers, target, ready_s}
        self.control = []   # control-plane results
        self.envoy_saturation = {}

    def log(self, msg):
        line = "[%s] %s" % (datetime.datetime.now().strftime("%H:%M:%S"), msg)
        print(line, flush=True)
        with open(os.path.join(self.out, "bench.log"), "a") as f:
            f.write(line + "\n")

    def cpus(self, workers):
        """proxy, backend, load cpu lists (None when pinning does not apply) and load threads."""
        n = len(os.sched_getaffinity(0))
        cpu = sorted(os.sched_getaffinity(0))
        if self.args.no_pin or n < workers + 1:
            return None, None, None, max(1, min(2, n))
        proxy = ",".join(str(c) for c in cpu[:workers])
        if n >= workers + 2:
            backend = str(cpu[workers])
            load = ",".join(str(c) for c in cpu[workers + 1:])
            return proxy, backend, load, n - workers - 1
        shared = str(cpu[workers])
        return proxy, shared, shared, 1

    def start_backend(self, run, workers):
        _, bcpu, _, _ = self.cpus(workers)
        make_tls(run, self.env)
        argv = gen_backend(run, self.env)
        self.procs.start("backend", argv, os.path.join(run, "backend", "out.log"), bcpu)
        deadline = time.time() + 15
        while time.time() < deadline:
            if probe("direct", dict(listener="http", path="/svc/0/hello")) == 200:
                return
            time.sleep(0.1)
        raise RuntimeError("the backend (nginx) did not answer; see %s/backend" % run)

    def start_target(self, target, sc, run, workers, routes, full):
        pcpu = self.cpus(workers)[0]
        ballast = 0
        if target == ONE_ROUTE:
            routes, ballast = 1, self.args.one_route_ballast
            argv = gen_archway_one_route(run, self.env, workers, routes, full, ballast=ballast)
        else:
            argv = GENERATORS[target](run, self.env, workers, routes, full)
        log = os.path.join(run, target, "out.log")
        env = None
        if target in ARCHWAYS and self.args.archway_java_opts:
            env = dict(os.environ, ARCHWAY_JAVA_OPTS=self.args.archway_java_opts)
        if target in ARCHWAYS and self.args.archway_args:
            argv = argv + shlex.split(self.args.archway_args)
        t0 = time.time()
        proc = self.procs.start(target, argv, log, pcpu, env)
        limit = 60 + (routes + ballast) * 0.02
        while time.time() - t0 < limit:
            if proc.poll() is not None:
                return None, "exited with %s (see %s)" % (proc.returncode, os.path.relpath(log, self.out))
            if probe(target, dict(listener="http", path="/svc/%d/hello" % (routes - 1))) == 200:
                return time.time() - t0, None
            time.sleep(0.2)
        return None, "no 200 on its HTTP listener within %d s" % limit

    def scenario(self, name, workers):
        sc = SCENARIOS[name]
        if name == "control-plane":
            return self.control_plane(workers)
        routes = 1 if sc["config"] == "full" else sc["config"]
        full = sc["config"] == "full"
        run = os.path.join(self.run_dir, "%s-w%d" % (name, workers))
        os.makedirs(run, exist_ok=True)
        make_tls(run, self.env)
        pcpu, bcpu, lcpu, threads = self.cpus(workers)
        targets = [t for t in self.args.targets if t in sc.get("targets", ALL_TARGETS)]
        if sc.get("one_route") and "archway" in targets:
            targets.insert(targets.index("archway") + 1, ONE_ROUTE)
        if self.args.archway_b and "archway" in targets:
            targets.insert(targets.index("archway") + 1, OTHER_BUILD)
        self.log("== %s, %d worker(s): %s" % (name, workers, sc["what"]))
        try:
            self.start_backend(run, workers)
            live = []
            for t in targets:
                if t == "direct":
                    live.append(t)
                    continue
                ready, err = self.start_target(t, sc, run, workers, routes, full)
                if err:
                    self.note(name, workers, t, "failed", err)
                    self.procs.stop(t)
                    continue
                self.startup.append(dict(scenario=name, workers=workers, target=t,
                                         ready_s=round(ready, 2)))
                code = probe(t, sc)
                if code != sc.get("expect", 200):
                    if t == "archway" and sc.get("tls"):
                        self.note(name, workers, t, "not available yet",
                                  "probe answered %s" % (code or "no connection"))
                    else:
                        self.note(name, workers, t, "failed", "probe answered %s" % code)
                    self.procs.stop(t)
                    continue
                mismatch = None if "expect" in sc else forwarding_mismatch(t, sc)
                if mismatch:
                    self.note(name, workers, t, "failed", mismatch)
                    self.procs.stop(t)
                    continue
                live.append(t)
            if sc["tool"] == "openloop":
                self.latency_rounds(name, sc, workers, live, lcpu)
            else:
                self.rounds(name, sc, workers, live, lcpu, threads)
            for t in live:
                if t in self.procs.live:
                    self.memory.append(dict(scenario=name, workers=workers, target=t,
                                            vmhwm_mib=vm_hwm_mib(self.procs.live[t].pid)))
        finally:
            self.procs.stop_all()

    def note(self, scenario, workers, target, status, detail):
        self.log("   %s: %s (%s)" % (target, status, detail))
        self.status.append(dict(scenario=scenario, workers=workers, target=target, status=status,
                                detail=detail))

    def measured_load(self, t, sc, lcpu, threads, rate=None):
        """One measured load run, with the CPU time the target's processes used during it."""
        proc = self.procs.live.get(t)
        before, t0 = (cpu_times(proc.pid) if proc else None), time.time()
        steal0 = steal_jiffies()
        res = run_load(t, sc, self.args.duration, self.env, lcpu, threads, rate)
        steal1 = steal_jiffies()
        if steal1[1] > steal0[1]:
            res["steal_pct"] = round(100.0 * (steal1[0] - steal0[0]) / (steal1[1] - steal0[1]), 1)
        if proc and res.get("rps") is not None:
            user, system = (a - b for a, b in zip(cpu_times(proc.pid), before))
            used = user + system
            res["cpu_pct"] = round(100.0 * used / (time.time() - t0), 1)
            if res.get("requests"):
                res["cpu_us_per_req"] = round(1e6 * used / res["requests"], 1)
                res["cpu_user_us_per_req"] = round(1e6 * user / res["requests"], 2)
                res["cpu_system_us_per_req"] = round(1e6 * system / res["requests"], 2)
        return res

    def rounds(self, name, sc, workers, live, lcpu, threads):
        for t in live:
            run_load(t, sc, self.args.warmup, self.env, lcpu, threads)
        # --rate: the measured runs (not the warm-up) at one fixed rate for every target, so that
        # CPU per request compares work, not how much of it each wake-up found waiting.
        measured = paced(sc, self.args.rate) if self.args.rate else sc
        for r in range(self.args.rounds * sc.get("round_factor", 1)):
            def one_round(r=r):
                got = []
                for t in self.round_order(live, r):
                    res = self.measured_load(t, measured, lcpu, threads)
                    res.update(scenario=name, workers=workers, target=t, round=r)
                    got.append(res)
                    self.log("   round %d %-8s %s" % (r + 1, t, brief(res)))
                return got
            # Only saturated rounds are measured again: below saturation (--rate) the CPUs sleep
            # and wake all the time, and on this machine the hypervisor counts its delay in
            # waking a CPU as steal time, so some is expected there (docs/benchmarks.md, "Steal
            # time").
            retries = 0 if self.args.rate else self.args.steal_retries
            self.results.extend(self.unstolen(one_round, "round %d" % (r + 1), retries))

    def unstolen(self, measure_round, label, retries):
        """The measurements of one round, measured again (up to `retries` times) while the
        hypervisor took STEAL_WARN_PCT or more of the machine from any of them: every ratio is
        taken within a round, and a round where the host slowed one target and not the next
        measures the host. If no attempt is clean, the one whose worst run lost least is kept.
        The set-aside measurements are kept in results.json ("stolen")."""
        attempts = []
        for attempt in range(retries + 1):
            got = measure_round()
            for x in got:
                x["attempt"] = attempt + 1
            worst = max((x.get("steal_pct") or 0 for x in got), default=0)
            attempts.append((worst, attempt, got))
            if worst < STEAL_WARN_PCT:
                break
            if attempt < retries:
                self.rounds_again += 1
                self.log("   %s again: %.0f %% steal in it" % (label, worst))
        kept = min(attempts)
        for other in attempts:
            if other is not kept:
                self.stolen.extend(other[2])
        if len(attempts) > 1:
            self.log("   %s: attempt %d kept (%.0f %% steal at most)" % (label, kept[1] + 1, kept[0]))
        return kept[2]

    @staticmethod
    def round_order(live, r):
        """The targets in the order of round r: Archway and the Archway it is compared with in
        that round (the other build, or the 1-route Archway of a route-scale scenario) swap
        places every other round, so that neither always runs on the heels of the other
        (docs/benchmarks.md, *Route scale at one fixed rate*)."""
        partner = next((t for t in (OTHER_BUILD, ONE_ROUTE) if t in live), None)
        if r % 2 == 0 or "archway" not in live or partner is None:
            return live
        order = list(live)
        a, b = order.index("archway"), order.index(partner)
        order[a], order[b] = order[b], order[a]
        return order

    def envoy_rate(self, workers, sc, lcpu, threads, live):
        key = workers
        if key in self.envoy_saturation:
            return self.envoy_saturation[key]
        xs = [x["rps"] for x in self.results if x["scenario"] == "h1-keepalive"
              and x["workers"] == workers and x["target"] == "envoy" and x.get("rps")]
        if xs:
            rate = statistics.median(xs)
        elif "envoy" in live:
            probe_sc = dict(SCENARIOS["h1-keepalive"], listener="http")
            rs = [run_load("envoy", probe_sc, self.args.duration, self.env, lcpu, threads)
                  .get("rps") or 0 for _ in range(2)]
            rate = max(rs)
        else:
            rate = 0
        self.envoy_saturation[key] = rate
        return rate

    def latency_rounds(self, name, sc, workers, live, lcpu):
        threads = self.cpus(workers)[3]
        sat = self.envoy_rate(workers, sc, lcpu, threads, live)
        if not sat:
            self.note(name, workers, "all", "skipped", "no Envoy saturation rate to set the load")
            return
        self.log("   Envoy saturation (h1-keepalive median): %.0f req/s" % sat)
        warm = dict(SCENARIOS["h1-keepalive"], path=sc["path"])
        for t in live:
            run_load(t, warm, self.args.warmup, self.env, lcpu, threads)
        for frac in sc["fractions"]:
            rate = int(sat * frac)
            sub = "%s@%d%%" % (name, int(frac * 100))
            for r in range(self.args.rounds):
                for t in live:
                    # Two unmeasured seconds at the same rate first, for every target: this
                    # machine's hypervisor makes memory that sat untouched slow to touch again
                    # (docs/benchmarks.md, "Latency"), and a target idles while the others run.
                    # Not measured again for steal time: below saturation it is expected (see
                    # rounds()).
                    run_load(t, sc, LATENCY_LEAD_IN_S, self.env, lcpu, threads, rate)
                    res = self.measured_load(t, sc, lcpu, threads, rate)
                    res.update(scenario=sub, workers=workers, target=t, round=r)
                    self.results.append(res)
                    self.log("   %s round %d %-8s %s" % (sub, r + 1, t, brief(res)))

    def control_plane(self, workers):
        sc = SCENARIOS["control-plane"]
        if "archway" not in self.args.targets:
            return
        changes = self.args.changes
        for size in sc["sizes"]:
            name = "control-plane-%d" % size
            run = os.path.join(self.run_dir, "%s-w%d" % (name, workers))
            os.makedirs(run, exist_ok=True)
            self.log("== %s, %d worker(s): %d changes" % (name, workers, changes))
            try:
                self.start_backend(run, workers)
                ready, err = self.start_target("archway", sc, run, workers, size, False)
                if err:
                    self.note(name, workers, "archway", "failed", err)
                    continue
                self.startup.append(dict(scenario=name, workers=workers, target="archway",
                                         ready_s=round(ready, 2)))
                cfg = os.path.join(run, "archway", "config")
                # Serving starts before the start-up's statuses are rendered (seconds at 10,000
                # routes): a change is measured against a gateway that has finished starting.
                started = wait_for_line(os.path.join(run, "archway", "out.log"),
                                        "configuration applied", 120)
                self.log("   start-up done (statuses rendered): %s" % ("yes" if started else
                                                                       "not seen in 120 s"))
                # The data plane scenarios are warmed up before they are measured; so is this
                # one: the first changes run while the JIT still compiles the translator. They
                # are reported apart (cold_ms), not mixed into the percentiles.
                cold = []
                for k in range(self.args.change_warmup):
                    ms = self.one_change(cfg, run, k)
                    cold.append(ms)
                    self.log("   warm-up change %d: %s" % (k + 1, "%.1f ms" % ms if ms
                                                          else "timed out"))
                    time.sleep(0.3)
                times = []
                for k in range(self.args.change_warmup, self.args.change_warmup + changes):
                    ms = self.one_change(cfg, run, k)
                    times.append(ms)
                    self.log("   change %d: %s" % (k + 1, "%.1f ms" % ms if ms else "timed out"))
                    time.sleep(0.3)
                ok = sorted(x for x in times if x is not None)
                entry = dict(scenario=name, workers=workers, routes=size, changes=changes,
                             timeouts=changes - len(ok), samples_ms=[round(x, 1) for x in times
                                                                     if x is not None],
                             cold_ms=[round(x, 1) if x is not None else None for x in cold])
                if ok:
                    entry.update(median_ms=round(statistics.median(ok), 1),
                                 p99_ms=round(nearest_rank(ok, 0.99), 1),
                                 max_ms=round(ok[-1], 1), min_ms=round(ok[0], 1))
                    # The stricter reading of the target: every change since start, the slow
                    # first ones included (a timed-out warm-up change counts as a miss below).
                    every = sorted(ok + [x for x in cold if x is not None])
                    entry.update(p99_all_ms=round(nearest_rank(every, 0.99), 1),
                                 cold_timeouts=sum(1 for x in cold if x is None))
                self.control.append(entry)
                self.memory.append(dict(scenario=name, workers=workers, target="archway",
                                        vmhwm_mib=vm_hwm_mib(self.procs.live["archway"].pid)))
            finally:
                self.procs.stop_all()

    def one_change(self, cfg, run, k):
        """Write a route file beside the others (write + rename), time the first 200 on it."""
        text = ARCHWAY_ROUTE % dict(name="probe", prefix="/svc/%d" % (100000 + k), hostnames="",
                                    parents="  - name: bench\n    sectionName: http\n")
        tmp = os.path.join(run, "probe.yaml.tmp")
        with open(tmp, "w") as f:
            f.write(text)
        path = "/svc/%d/hello" % (100000 + k)
        conn = http.client.HTTPConnection(HOST, port("archway", "http"), timeout=2)
        os.replace(tmp, os.path.join(cfg, "probe.yaml"))
        t0 = time.monotonic()
        deadline = t0 + 10
        try:
            while time.monotonic() < deadline:
                try:
                    conn.request("GET", path)
                    resp = conn.getresponse()
                    resp.read()
                    if resp.status == 200:
                        return (time.monotonic() - t0) * 1000
                except (OSError, http.client.HTTPException):
                    conn.close()
                    conn = http.client.HTTPConnection(HOST, port("archway", "http"), timeout=2)
                time.sleep(0.002)
            return None
        finally:
            conn.close()


# Seconds of unmeasured open-loop load before each measured latency run (see latency_rounds).
LATENCY_LEAD_IN_S = 2


def wait_for_line(path, text, timeout):
    """Whether a line containing text appears in the file at path within timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(path, errors="replace") as f:
                if text in f.read():
                    return True
        except OSError:
            pass
        time.sleep(0.1)
    return False


def cold_brief(cold):
    """The warm-up changes in a few words: how many, their median and their maximum."""
    done = sorted(x for x in cold if x is not None)
    if not done:
        return "%d, none answered" % len(cold) if cold else ""
    text = "%d: %.0f, %.0f" % (len(cold), statistics.median(done), done[-1])
    missed = len(cold) - len(done)
    return text + (" (%d timed out)" % missed if missed else "")


def nearest_rank(sorted_xs, q):
    k = max(0, min(len(sorted_xs) - 1, int(-(-q * len(sorted_xs) // 1)) - 1))
    return sorted_xs[k]


def brief(r):
    if r.get("rps") is None:
        return "no result (rc %s): %s" % (r.get("rc"), (r.get("output") or "").strip()[-300:])
    s = "%.0f req/s" % r["rps"]
    if r.get("mib_s") is not None:
        s += ", %.0f MiB/s" % r["mib_s"]
    for k in ("p50_ms", "p99_ms", "p999_ms"):
        if r.get(k) is not None:
            s += ", %s %.2f ms" % (k[:-3], r[k])
    if r.get("cpu_pct") is not None:
        s += ", CPU %.0f %%" % r["cpu_pct"]
    if r.get("cpu_us_per_req") is not None:
        s += " (%.1f us/req)" % r["cpu_us_per_req"]
    if r.get("errors"):
        s += ", %d errors" % r["errors"]
    if (r.get("steal_pct") or 0) >= STEAL_WARN_PCT:
        s += ", steal %.0f %%" % r["steal_pct"]
    return s


# --------------------------------------------------------------------------------------------
# Summaries.

def metric_of(scenario):
    if scenario.startswith("latency"):
        return "p99_ms", "p99 ms (lower is better)"
    if SCENARIOS.get(scenario, {}).get("body_mib"):
        return "mib_s", "MiB/s"
    return "rps", "req/s"


# A paced run that served less than this share of the pace did other work than its round's
# partner: its CPU a request is not comparable.
PACE_KEPT_SHARE = 0.98


def clean_round(runs, rate):
    """Whether a paced round's runs lost under STEAL_WARN_PCT % to steal and all kept the pace."""
    return all(x.get("steal_pct", 0) < STEAL_WARN_PCT and x["rps"] >= PACE_KEPT_SHARE * rate
               for x in runs)


def summarize(results, rate=None):
    """Per (scenario, workers, target): median, min, max, spread and per-round ratios."""
    rows = []
    keys = []
    for x in results:
        k = (x["scenario"], x["workers"])
        if k not in keys:
            keys.append(k)
    for scenario, workers in keys:
        metric, label = metric_of(scenario)
        by_target = {}
        for x in results:
            if x["scenario"] == scenario and x["workers"] == workers and x.get(metric) is not None:
                by_target.setdefault(x["target"], {})[x["round"]] = x
        for target in SUMMARY_TARGETS:
            if target not in by_target:
                continue
            rounds = by_target[target]
            vals = [rounds[r][metric] for r in sorted(rounds)]
            med = statistics.median(vals)
            row = dict(scenario=scenario, workers=workers, target=target, metric=label,
                       median=med, min=min(vals), max=max(vals), rounds=len(vals),
                       spread_pct=round(100.0 * (max(vals) - min(vals)) / med, 1) if med else None,
                       errors=sum(rounds[r].get("errors", 0) for r in rounds))
            for other in ("envoy", "nginx", "haproxy", "direct", ONE_ROUTE, OTHER_BUILD):
                if other in by_target and other != target:
                    ratios = [rounds[r][metric] / by_target[other][r][metric]
                              for r in rounds if r in by_target[other]
                              and by_target[other][r][metric]]
                    if ratios:
                        row["x_" + other] = round(statistics.median(ratios), 3)
            if target == "archway":
                # At a fixed rate (--rate) every target serves the same requests: CPU is what
                # tells them apart, per round, as the throughput ratios do at saturation.
                for other in CPU_PEERS:
                    if other not in by_target:
                        continue
                    b = by_target[other]
                    paired = [r for r in rounds if r in b and rounds[r].get("cpu_us_per_req")
                              and b[r].get("cpu_us_per_req")]
                    ratios = [rounds[r]["cpu_us_per_req"] / b[r]["cpu_us_per_req"] for r in paired]
                    if ratios:
                        row["cpu_x_" + other] = round(statistics.median(ratios), 3)
                        row["cpu_rounds_" + other] = len(ratios)
                        row["cpu_lower_rounds_" + other] = "%d of %d" % (
                            sum(q < 1 for q in ratios), len(ratios))
                    # The host's steal time inflates a paced run's CPU a request unevenly (more
                    # for a larger process: docs/benchmarks.md, "Route scale: the lookup or the
                    # heap"), so the ratio is also given over the rounds free of it.
                    clean = [q for r, q in zip(paired, ratios)
                             if rate and clean_round((rounds[r], b[r]), rate)]
                    if clean:
                        row["cpu_x_clean_" + other] = round(statistics.median(clean), 3)
                        row["cpu_clean_rounds_" + other] = len(clean)
            for k in ("p50_ms", "p99_ms", "p999_ms", "cpu_pct", "cpu_us_per_req",
                      "cpu_user_us_per_req", "cpu_system_us_per_req"):
                ks = [rounds[r][k] for r in rounds if rounds[r].get(k) is not None]
                if ks:
                    row[k] = round(statistics.median(ks), 3)
            steals = [rounds[r]["steal_pct"] for r in rounds if "steal_pct" in rounds[r]]
            if steals:
                row["steal_pct_max"] = max(steals)
            rows.append(row)
    return rows


# The targets whose CPU a request Archway's is compared with, round by round.
CPU_PEERS = (OTHER_BUILD, ONE_ROUTE, "envoy", "nginx", "haproxy")


LOCAL_PAIRS = (("h1-keepalive", "h1-local"), ("h2c", "h2c-local"))


def upstream_split(rows):
    """Per target, CPU us per request answering locally (its client side), and what proxying adds
    to it (the upstream half): the proxied scenario's medians minus the local one's, in all, in
    user space and in the kernel."""
    kinds = ("cpu_us_per_req", "cpu_user_us_per_req", "cpu_system_us_per_req")
    cpu = {(r["scenario"], r["workers"], r["target"]): [r.get(k) for k in kinds] for r in rows}
    out = []
    for w in sorted({r["workers"] for r in rows}):
        for t in PROXIES:
            split = dict(workers=w, target=t)
            for proxied, local in LOCAL_PAIRS:
                own, whole = cpu.get((local, w, t)), cpu.get((proxied, w, t))
                if own and whole and None not in own + whole:
                    split[local] = own
                    split[proxied] = whole
                    split[proxied + "_upstream"] = [round(a - b, 2) for a, b in zip(whole, own)]
            if len(split) > 2:
                out.append(split)
    return out


def cpu_cell(v):
    """'all (user + system)' from [all, user, system], or empty."""
    return "%.1f (%.1f + %.1f)" % tuple(v) if v else ""


def attach_rss(rows, memory):
    """Each row gets the target's peak RSS at the end of its scenario (latency@N% share one)."""
    rss = {(m["scenario"], m["workers"], m["target"]): m["vmhwm_mib"] for m in memory}
    for r in rows:
        peak = rss.get((r["scenario"].split("@")[0], r["workers"], r["target"]))
        if peak is not None:
            r["rss_mib"] = peak


def fmt(v, digits=0):
    if v is None:
        return ""
    if isinstance(v, float):
        if digits == 0 and abs(v) < 100:
            return "%.2f" % v
        return ("%%.%df" % digits) % v
    return str(v)


# The scenarios whose throughput ratios the targets are; see targets_check.
THROUGHPUT_TARGET_SCENARIOS = ("h1-keepalive", "routes-1", "routes-10k", "tls-passthrough")


def targets_check(rows, control, memory, paced=False):
    """The issue's targets, each met / not met / not measured. Paced runs (--rate) measure none of
    the throughput targets: every target serves the pace, so their ratios are 1 by construction."""
    def row(s, w, t):
        if paced and s in THROUGHPUT_TARGET_SCENARIOS:
            return None
        for r in rows:
            if r["scenario"] == s and r["workers"] == w and r["target"] == t:
                return r
        return None
    out = []
    for w in sorted({r["workers"] for r in rows} | {c["workers"] for c in control}):
        a = row("h1-keepalive", w, "archway")
        for peer, key in (("Envoy", "x_envoy"), ("nginx", "x_nginx")):
            v = a.get(key) if a else None
            out.append(("HTTP/1.1 keep-alive RPS >= 1.0x %s (%d worker%s)" % (peer, w, "s" * (w > 1)),
                        v is not None and v >= 1.0, "%.2fx" % v if v is not None else None))
        a, e = row("latency@50%", w, "archway"), row("latency@50%", w, "envoy")
        if a and e:
            out.append(("p99 at half of Envoy's saturation rate <= Envoy's (%d)" % w,
                        a["median"] <= e["median"],
                        "%.2f ms vs %.2f ms" % (a["median"], e["median"])))
        else:
            out.append(("p99 at half of Envoy's saturation rate <= Envoy's (%d)" % w, False, None))
        r1, r10 = row("routes-1", w, "archway"), row("routes-10k", w, "archway")
        if r10 and r10.get("x_" + ONE_ROUTE) is not None:
            v = r10["x_" + ONE_ROUTE]
            out.append(("RPS at 10,000 routes >= 0.95x RPS at 1 route (%d)" % w, v >= 0.95,
                        "%.2fx (per round, beside a 1-route Archway)" % v))
        elif r1 and r10:
            v = r10["median"] / r1["median"]
            out.append(("RPS at 10,000 routes >= 0.95x RPS at 1 route (%d)" % w, v >= 0.95,
                        "%.2fx (routes-10k / routes-1)" % v))
        else:
            out.append(("RPS at 10,000 routes >= 0.95x RPS at 1 route (%d)" % w, False, None))
        p = row("tls-passthrough", w, "archway")
        v = p.get("x_direct") if p else None
        out.append(("TLS passthrough >= 0.9x direct (%d)" % w, v is not None and v >= 0.9,
                    "%.2fx" % v if v is not None else None))
        c = [x for x in control if x["workers"] == w and x["routes"] == 10000 and "p99_ms" in x]
        if c:
            # Met only if it holds for every change since start, the warm-up ones included.
            strict = max(c[0]["p99_ms"], c[0].get("p99_all_ms", c[0]["p99_ms"]))
            out.append(("file change to serving <= 200 ms p99 at 10,000 routes (%d)" % w,
                        strict <= 200 and not c[0]["timeouts"] and not c[0].get("cold_timeouts"),
                        "%.0f ms (%.0f ms after the warm-up changes)"
                        % (c[0].get("p99_all_ms", c[0]["p99_ms"]), c[0]["p99_ms"])))
        else:
            out.append(("file change to serving <= 200 ms p99 at 10,000 routes (%d)" % w,
                        False, None))
    return out


def clean_cell(row, peer):
    """The ratio over the rounds free of steal time, for a paced summary line."""
    if row.get("cpu_x_clean_" + peer) is None:
        return "no round free of steal time at the pace"
    return "%sx over the %d free of steal time at the pace" % (
        fmt(row["cpu_x_clean_" + peer], 3), row["cpu_clean_rounds_" + peer])


def steal_line(rows):
    """Where the hypervisor took CPU time from the machine during measured runs, by scenario."""
    measured = [r for r in rows if "steal_pct_max" in r]
    if not measured:
        return None
    worst = {}
    for r in measured:
        if r["steal_pct_max"] >= STEAL_WARN_PCT:
            key = "%s w%d" % (r["scenario"], r["workers"])
            worst[key] = max(worst.get(key, 0), r["steal_pct_max"])
    head = ("Steal time (the machine's CPU time spent waiting for the hypervisor during a"
            " measured run; below saturation partly its delay in waking a CPU): ")
    if not worst:
        return head + "under %d %% in every run." % STEAL_WARN_PCT
    return head + "%d %% or more in %s (the most in one run); at saturation such rounds" \
        " measure the host as much as the proxies." % (STEAL_WARN_PCT, "; ".join(
            "%s %.0f %%" % kv for kv in worst.items()))


def markdown(meta, rows, split, status, memory, control, startup, checks):
    L = []
    L.append("# Archway data-plane bench, %s" % meta["started"])
    L.append("")
    more = ["%s %d" % (n, meta["rounds"] * SCENARIOS[n]["round_factor"])
            for n in meta["scenarios"] if SCENARIOS.get(n, {}).get("round_factor")]
    L.append("Machine: %s, %s CPUs, kernel %s. Rounds: %d%s x %d s (warm-up %d s). Pinning: %s."
             % (meta["cpu_model"], meta["cpus"], meta["kernel"], meta["rounds"],
                " (%s)" % ", ".join(more) if more else "", meta["duration"], meta["warmup"],
                meta["pinning"]))
    L.append("Versions: " + ", ".join("%s %s" % kv for kv in meta["versions"].items()) + ".")
    L.append("Load average at start: %s; at end: %s." % (meta["loadavg_start"],
                                                         meta.get("loadavg_end")))
    if meta.get("rate"):
        L.append("Measured runs paced at %d req/s (`--rate`; h2load, with `--h1` in place of wrk):"
                 " req/s is that pace, and CPU us/req is the figure to compare." % meta["rate"])
    if meta.get("one_route_ballast"):
        L.append("The 1-route Archway (`%s`) also held %d routes on a hostname no request names"
                 " (`--one-route-ballast`)." % (ONE_ROUTE, meta["one_route_ballast"]))
    L.append("")
    L.append("Median over rounds; min-max and spread ((max-min)/median); ratios are medians of"
             " per-round ratios (same round, run back to back). CPU: user plus system time of the"
             " proxy's processes during the run (/proc/PID/stat), as a share of one CPU and per"
             " request (per MiB for the 1 MiB scenarios). On loopback the kernel charges the"
             " receiving side's TCP work to the sender: the figure includes it for what the proxy"
             " sends and leaves it out for what the proxy receives.")
    L.append("")
    L.append("| scenario | workers | target | metric | median | min-max | spread | x Envoy |"
             " x nginx | x HAProxy | x direct | p50 ms | p99 ms | p99.9 ms | CPU % |"
             " CPU us/req | RSS MiB | errors |")
    L.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        L.append("| %s | %d | %s | %s | %s | %s-%s | %s%% | %s | %s | %s | %s | %s | %s | %s | %s"
                 " | %s | %s | %s |"
                 % (r["scenario"], r["workers"], r["target"], r["metric"], fmt(r["median"]),
                    fmt(r["min"]), fmt(r["max"]), fmt(r["spread_pct"], 1),
                    fmt(r.get("x_envoy"), 2), fmt(r.get("x_nginx"), 2),
                    fmt(r.get("x_haproxy"), 2), fmt(r.get("x_direct"), 2),
                    fmt(r.get("p50_ms"), 2), fmt(r.get("p99_ms"), 2), fmt(r.get("p999_ms"), 2),
                    "" if r.get("cpu_pct") is None else "%.0f" % r["cpu_pct"],
                    fmt(r.get("cpu_us_per_req"), 1), fmt(r.get("rss_mib"), 1), r["errors"]))
    steal = steal_line(rows)
    if steal:
        L.append("")
        L.append(steal + (" Rounds measured again for steal time (at most %d times each, the"
                          " set-aside ones in results.json's `stolen`): %d."
                          % (meta["steal_retries"], meta["rounds_measured_again"])
                          if meta.get("steal_retries") else ""))
    scale = [r for r in rows if r["target"] == "archway" and r.get("x_" + ONE_ROUTE) is not None]
    if scale and not meta.get("rate"):
        L.append("")
        L.append("Route scale, Archway at N routes / the 1-route Archway measured in the same"
                 " rounds (median of per-round ratios): " + "; ".join(
                     "%s w%d %.2fx" % (r["scenario"], r["workers"], r["x_" + ONE_ROUTE])
                     for r in scale) + ".")
    elif scale:
        L.append("")
        L.append("Route scale at %d req/s, CPU a request at N routes over the 1-route Archway's"
                 " (median of per-round ratios; below 1 is less): %s." % (meta["rate"], "; ".join(
                     "%s w%d %sx over %s rounds (%s)" % (
                         r["scenario"], r["workers"], fmt(r.get("cpu_x_" + ONE_ROUTE), 3),
                         r.get("cpu_rounds_" + ONE_ROUTE, "?"),
                         clean_cell(r, ONE_ROUTE))
                     for r in scale)))
    peers = [p for p in CPU_PEERS if p not in (OTHER_BUILD, ONE_ROUTE)
             and any(r.get("cpu_x_" + p) is not None for r in rows)]
    if meta.get("rate") and peers:
        ref = "nginx" if "nginx" in peers else peers[0]
        L.append("")
        L.append("At %d req/s, CPU a request (user + system us, medians over the rounds) and"
                 " Archway's over each peer's (medians of per-round ratios; below 1 is less):"
                 % meta["rate"])
        L.append("")
        L.append("| scenario | workers | Archway | " + " | ".join(peers) + " | "
                 + " | ".join("Archway x %s" % p for p in peers)
                 + " | rounds Archway used less CPU than %s |" % ref)
        L.append("|---|---|---|" + "---|" * (2 * len(peers) + 1))
        by_key = {(r["scenario"], r["workers"], r["target"]): r for r in rows}
        for r in rows:
            if r["target"] != "archway" or not any(r.get("cpu_x_" + p) for p in peers):
                continue
            cpu = ["%s + %s" % (fmt(x.get("cpu_user_us_per_req"), 1),
                                fmt(x.get("cpu_system_us_per_req"), 1)) if x else ""
                   for x in [r] + [by_key.get((r["scenario"], r["workers"], p)) for p in peers]]
            L.append("| %s | %d | %s | %s | %s |"
                     % (r["scenario"], r["workers"], " | ".join(cpu),
                        " | ".join(fmt(r.get("cpu_x_" + p), 3) for p in peers),
                        r.get("cpu_lower_rounds_" + ref, "")))
    other = {(r["scenario"], r["workers"]): r for r in rows if r["target"] == OTHER_BUILD}
    if other:
        L.append("")
        L.append("Archway (at `%s`) against the other build (`%s`, at `%s`), measured in the"
                 " same rounds%s:"
                 % (meta.get("commit", "?"), OTHER_BUILD, meta.get("commit_b") or "?",
                    ", at %d req/s" % meta["rate"] if meta.get("rate") else ""))
        L.append("")
        L.append("| scenario | workers | x %s | CPU us/req, Archway | CPU us/req, %s |"
                 " CPU x %s | rounds Archway used less CPU | CPU x %s, rounds free of steal time"
                 " at the pace |" % (OTHER_BUILD, OTHER_BUILD, OTHER_BUILD, OTHER_BUILD))
        L.append("|---|---|---|---|---|---|---|---|")
        for r in rows:
            b = other.get((r["scenario"], r["workers"]))
            if r["target"] == "archway" and b:
                L.append("| %s | %d | %s | %s | %s | %s | %s | %s |"
                         % (r["scenario"], r["workers"], fmt(r.get("x_" + OTHER_BUILD), 3),
                            fmt(r.get("cpu_us_per_req"), 1), fmt(b.get("cpu_us_per_req"), 1),
                            fmt(r.get("cpu_x_" + OTHER_BUILD), 3),
                            r.get("cpu_lower_rounds_" + OTHER_BUILD, ""),
                            "%sx (%d rounds)" % (fmt(r["cpu_x_clean_" + OTHER_BUILD], 3),
                                                   r["cpu_clean_rounds_" + OTHER_BUILD])
                            if r.get("cpu_x_clean_" + OTHER_BUILD) is not None else ""))
        L.append("")
        L.append("(Ratios are medians of per-round ratios, Archway over %s; at a fixed rate the"
                 " throughput ratio is 1 by construction and the CPU ratio is the one to read.)"
                 % OTHER_BUILD)
    if split:
        L.append("")
        L.append("CPU us per request, all (user + system): answered by the proxy itself (the *-local"
                 " scenarios: its client side), proxied, and what forwarding to the upstream and"
                 " back adds (the upstream half: proxied minus local, medians over the rounds):")
        L.append("")
        L.append("| workers | target | h1-local | h1-keepalive | upstream half (h1) | h2c-local |"
                 " h2c | upstream half (h2c) |")
        L.append("|---|---|---|---|---|---|---|---|")
        for x in split:
            L.append("| %d | %s | %s | %s | %s | %s | %s | %s |"
                     % (x["workers"], x["target"], cpu_cell(x.get("h1-local")),
                        cpu_cell(x.get("h1-keepalive")), cpu_cell(x.get("h1-keepalive_upstream")),
                        cpu_cell(x.get("h2c-local")), cpu_cell(x.get("h2c")),
                        cpu_cell(x.get("h2c_upstream"))))
    if status:
        L.append("")
        L.append("| scenario | workers | target | status | detail |")
        L.append("|---|---|---|---|---|")
        for s in status:
            L.append("| %s | %d | %s | %s | %s |" % (s["scenario"], s["workers"], s["target"],
                                                     s["status"], s["detail"]))
    mem = [m for m in memory if m["scenario"] in ("routes-1", "routes-10k", "h1-keepalive")
           or m["scenario"].startswith("control-plane")]
    if mem:
        L.append("")
        L.append("Peak RSS (VmHWM, process and children, MiB) at the end of the scenario:")
        L.append("")
        # The 1-route Archway and the other build get a column only when the run measured them.
        columns = [t for t in SUMMARY_TARGETS
                   if t in PROXIES or any(x["target"] == t for x in mem)]
        L.append("| scenario | workers | " + " | ".join(columns) + " |")
        L.append("|---|---|" + "---|" * len(columns))
        seen = []
        for m in mem:
            k = (m["scenario"], m["workers"])
            if k in seen:
                continue
            seen.append(k)
            vals = {x["target"]: x["vmhwm_mib"] for x in mem
                    if (x["scenario"], x["workers"]) == k}
            L.append("| %s | %d | %s |" % (k[0], k[1], " | ".join(fmt(vals.get(t), 1)
                                                                  for t in columns)))
    if control:
        L.append("")
        L.append("Control plane (Archway): file change (write + rename) to the first 200 on the"
                 " new route:")
        L.append("")
        L.append("| routes | workers | changes | median ms | p99 ms | min ms | max ms | timeouts"
                 " | warm-up changes, not counted (count: median, max ms)"
                 " | p99 ms of all, warm-up included |")
        L.append("|---|---|---|---|---|---|---|---|---|---|")
        for c in control:
            L.append("| %d | %d | %d | %s | %s | %s | %s | %d | %s | %s |"
                     % (c["routes"], c["workers"], c["changes"], fmt(c.get("median_ms"), 1),
                        fmt(c.get("p99_ms"), 1), fmt(c.get("min_ms"), 1), fmt(c.get("max_ms"), 1),
                        c["timeouts"], cold_brief(c.get("cold_ms", [])),
                        fmt(c.get("p99_all_ms"), 1)))
    if startup:
        L.append("")
        L.append("Start to first 200 (s): " + "; ".join(
            "%s/%s w%d %.1f" % (s["scenario"], s["target"], s["workers"], s["ready_s"])
            for s in startup if s["scenario"] in ("routes-10k", "control-plane-10000")))
    if checks:
        L.append("")
        if meta.get("rate"):
            L.append("A paced run (`--rate`) measures none of the throughput targets: every"
                     " target serves the pace.")
            L.append("")
        L.append("| target from the issue | result | met |")
        L.append("|---|---|---|")
        for what, met, value in checks:
            L.append("| %s | %s | %s |" % (what, value or "not measured",
                                           ("met" if met else "not met") if value else "-"))
    L.append("")
    return "\n".join(L)


# --------------------------------------------------------------------------------------------

def versions(env):
    def first(argv):
        try:
            rc, out = run_bounded(argv, 60)
            return out.strip().splitlines()[0] if out.strip() else "?"
        except OSError:
            return "?"
    v = {}
    v["archway"] = first([env["archway"], "version"])
    if env.get("archway_b"):
        v["archway-b"] = first([env["archway_b"], "version"])
    v["envoy"] = re.sub(r"^.*version: \S+?/([\d.]+)/.*$", r"\1",
                        first([env["envoy"], "--version"]) if True else "")
    v["nginx"] = first(["nginx", "-v"]).replace("nginx version: nginx/", "")
    v["haproxy"] = first(["haproxy", "-v"]).split()[2]
    v["wrk"] = first(["wrk", "-v"]).split()[1]
    v["h2load"] = first(["h2load", "--version"]).split()[-1]
    return v


def machine():
    model = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return model, len(os.sched_getaffinity(0)), os.uname().release


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--scenarios", default=",".join(DEFAULT_ORDER))
    ap.add_argument("--rounds", type=int)
    ap.add_argument("--duration", type=int)
    ap.add_argument("--warmup", type=int)
    ap.add_argument("--workers", default="1")
    ap.add_argument("--targets", default=",".join(ALL_TARGETS))
    ap.add_argument("--changes", type=int)
    ap.add_argument("--change-warmup", type=int)
    ap.add_argument("--no-pin", action="store_true")
    ap.add_argument("--out", required=True)
    ap.add_argument("--archway-java-opts", default=os.environ.get("ARCHWAY_JAVA_OPTS", ""))
    ap.add_argument("--archway-args", default="",
                    help="extra arguments for `archway run`, e.g. --busy-poll")
    ap.add_argument("--strict", action="store_true",
                    help="exit 1 unless every target ran every round of every scenario without "
                         "an error (CI's bench smoke test)")
    ap.add_argument("--archway-b", default=os.environ.get("BENCH_ARCHWAY_B"),
                    help="another build's launcher, run beside Archway in every scenario")
    ap.add_argument("--steal-retries", type=int,
                    help="measure a saturated round again, at most this many times, while the"
                         " hypervisor took %d %% or more of the machine's CPU time in it (default"
                         " 2; 0 with --quick)" % STEAL_WARN_PCT)
    ap.add_argument("--one-route-ballast", type=int, default=0, metavar="N",
                    help="give the 1-route Archway of routes-1k and routes-10k N more routes on"
                         " a hostname no request names (%s): a heap of that size, the lookup"
                         " of one route" % BALLAST_HOST)
    ap.add_argument("--rate", type=int,
                    help="measure at this many requests/s over all connections (h2load; "
                         "h2load --h1 in place of wrk)")
    args = ap.parse_args()
    if args.rate is not None:
        can = [n for n, sc in SCENARIOS.items() if paceable(sc)]
        cannot = [s for s in args.scenarios.split(",") if s and s not in can]
        if args.rate <= 0 or cannot:
            ap.error("--rate N (N > 0) paces %s; not %s"
                     % (",".join(can), ",".join(cannot) or "0"))
    if args.quick:
        args.rounds = args.rounds or 2
        args.duration = args.duration or 2
        args.warmup = args.warmup if args.warmup is not None else 2
        args.changes = args.changes or 3
        args.change_warmup = args.change_warmup if args.change_warmup is not None else 1
    else:
        args.rounds = args.rounds or 5
        args.duration = args.duration or 10
        args.warmup = args.warmup if args.warmup is not None else 30
        # 100 changes: the nearest-rank p99 of 20 would be their maximum.
        args.changes = args.changes or 100
        # The first 30 to 40 changes after start at 10,000 routes are slower (docs/benchmarks.md,
        # "control plane over 100 changes"): reported apart, as the data plane's warm-up run is
        # not measured.
        args.change_warmup = args.change_warmup if args.change_warmup is not None else 40
    if args.steal_retries is None:
        args.steal_retries = 0 if args.quick else 2
    args.targets = [t for t in args.targets.split(",") if t]
    for t in args.targets:
        if t not in ALL_TARGETS:
            ap.error("--targets: %s (expected some of %s)" % (t, ",".join(ALL_TARGETS)))
    peers = [t for t in args.targets if t in PROXIES and t != "archway"]
    if "--busy-poll" in shlex.split(args.archway_args) and peers:
        # Every target of a scenario stays up while the others are measured, pinned to the same
        # CPUs: a busy-polling Archway would take the CPU from the peer being measured.
        ap.error("--archway-args=--busy-poll keeps Archway's CPUs busy while the other proxies "
                 "(%s) are measured on them; compare with --targets archway,direct"
                 % ",".join(peers))
    names = [s for s in args.scenarios.split(",") if s]
    for s in names:
        if s not in SCENARIOS:
            ap.error("--scenarios: %s (expected some of %s)" % (s, ",".join(SCENARIOS)))
    workers = [int(w) for w in args.workers.split(",")]

    env = dict(archway=os.environ["BENCH_ARCHWAY"], archway_b=args.archway_b,
               envoy=os.environ["BENCH_ENVOY"],
               openloop=os.environ["BENCH_OPENLOOP"],
               stream_module=os.environ.get("BENCH_NGINX_STREAM_MODULE",
                                            "/usr/lib/nginx/modules/ngx_stream_module.so"))
    os.makedirs(args.out, exist_ok=True)
    bench = Bench(args, env, args.out)

    busy = [p for t in PROXIES + [ONE_ROUTE, OTHER_BUILD] for p in (port(t, k) for k in PORT_OFFSET)
            if not port_free(p)]
    busy += [p for p in BACKEND.values() if not port_free(p)]
    if busy:
        sys.exit("bench: ports in use on %s: %s (another bench running?)" % (HOST, busy))

    def stop(signum, frame):
        raise KeyboardInterrupt()
    signal.signal(signal.SIGTERM, stop)

    model, ncpu, kernel = machine()
    p, b, l, _ = bench.cpus(workers[0])
    meta = dict(started=datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                cpu_model=model, cpus=ncpu, kernel=kernel, rounds=args.rounds,
                duration=args.duration, warmup=args.warmup, workers=workers,
                scenarios=names, targets=args.targets, quick=args.quick,
                archway_java_opts=args.archway_java_opts, archway_args=args.archway_args,
                archway_b=args.archway_b, rate=args.rate, steal_retries=args.steal_retries,
                one_route_ballast=args.one_route_ballast,
                commit_b=os.environ.get("BENCH_COMMIT_B") if args.archway_b else None,
                pinning=("proxy on CPU %s, backend on CPU %s, load on CPU %s at %d worker(s)"
                         % (p, b, l, workers[0])) if p else "none",
                loadavg_start=open("/proc/loadavg").read().split()[0:3],
                versions=versions(env), commit=os.environ.get("BENCH_COMMIT", "?"))
    bench.log("bench: %s" % json.dumps(meta))
    interrupted = False
    try:
        for w in workers:
            for s in names:
                try:
                    bench.scenario(s, w)
                except RuntimeError as e:
                    bench.log("   %s: %s" % (s, e))
                    bench.status.append(dict(scenario=s, workers=w, target="all",
                                             status="failed", detail=str(e)))
    except KeyboardInterrupt:
        interrupted = True
        bench.log("interrupted: writing what was measured")
    finally:
        bench.procs.stop_all()
    meta["loadavg_end"] = open("/proc/loadavg").read().split()[0:3]
    meta["rounds_measured_again"] = bench.rounds_again
    meta["interrupted"] = interrupted
    rows = summarize(bench.results, rate=args.rate)
    attach_rss(rows, bench.memory)
    checks = targets_check(rows, bench.control, bench.memory, paced=args.rate is not None)
    split = upstream_split(rows)
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump(dict(meta=meta, summary=rows, results=bench.results, stolen=bench.stolen,
                       status=bench.status,
                       memory=bench.memory, control_plane=bench.control, startup=bench.startup,
                       upstream_split=split,
                       targets=[dict(target=a, met=b, value=c) for a, b, c in checks]),
                  f, indent=1)
    with open(os.path.join(args.out, "results.csv"), "w", newline="") as f:
        cols = ["scenario", "workers", "target", "metric", "median", "min", "max", "spread_pct",
                "rounds", "x_envoy", "x_nginx", "x_haproxy", "x_direct", "x_" + OTHER_BUILD,
                *("cpu_x_" + p for p in CPU_PEERS),
                "p50_ms", "p99_ms",
                "p999_ms", "cpu_pct", "cpu_us_per_req", "rss_mib", "errors", "steal_pct_max"]
        w = csv.DictWriter(f, fieldnames=cols, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow(r)
    md = markdown(meta, rows, split, bench.status, bench.memory, bench.control, bench.startup,
                  checks)
    with open(os.path.join(args.out, "summary.md"), "w") as f:
        f.write(md)
    print()
    print(md)
    if interrupted:
        return 130
    if args.strict:
        found = problems(bench.results, bench.status, bench.control)
        for p in found:
            bench.log("strict: %s" % p)
        bench.log("strict: %s" % ("%d problem(s)" % len(found) if found else "every run was clean"))
        return 1 if found else 0
    return 0


def problems(results, status, control):
    """What keeps a run from being complete and clean; --strict fails on any of it. Speed is
    not judged: the smoke test checks that every proxy was set up, answered and carried the
    load, not how fast, on a machine whose speed it does not know."""
    out = ["%s, %s: %s (%s)" % (x["scenario"], x["target"], x["status"], x["detail"])
           for x in status]
    for x in results:
        run = "%s, %s, round %d" % (x["scenario"], x["target"], x["round"] + 1)
        if x.get("rps") is None:
            out.append("%s: no result from the load generator (exit %s)" % (run, x.get("rc")))
        elif x.get("errors"):
            out.append("%s: %d failed requests" % (run, x["errors"]))
    for c in control:
        if "p99_ms" not in c or c["timeouts"] or c.get("cold_timeouts"):
            out.append("%s: %d of the changes never served" % (
                c["scenario"], c["timeouts"] + c.get("cold_timeouts", 0)))
    return out


if __name__ == "__main__":
    sys.exit(main())

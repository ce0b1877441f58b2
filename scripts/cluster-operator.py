#!/usr/bin/env python3
"""The cluster drill's night operator (used by scripts/cluster-drill): the demo's operator logs
in once (the session lives in PostgreSQL, so it holds on every node) and, with a few viewers at
once, works through the supervision queue until the deadline — each look-in started through a
random node of the cluster, its picture read through a random node (often not the camera's:
frames then cross NATS), and "seen, OK" recorded through another; a node that refuses the
connection (killed, not yet back) is passed over for another, as a load balancer does. One viewer watches its first
look-in to the end, so the gateway's 30-second limit is checked across the kills too. Beside
them, a watcher per node holds the console's live view (server-sent events) open, and opens it
again when its node comes back.

It only records what happened, with wall-clock times: scripts/cluster-drill judges it against
the times of its kills. Standard library only.

  cluster-operator.py --nodes http://127.0.0.1:A,http://127.0.0.1:B,... --credentials FILE
                      --duration SECONDS --out FILE [--viewers 3] [--view-seconds 3]

It stops at the end of the duration or on SIGTERM, and then writes --out.
"""
import argparse
import base64
import hashlib
import hmac
import http.client
import json
import random
import re
import signal
import struct
import threading
import time
import urllib.parse

BOUNDARY = b"--vakaframe"
# Set at the end of the duration, or by SIGTERM / SIGINT (the drill's end).
STOP = threading.Event()


def totp(secret):
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    o = digest[-1] & 15
    return "%06d" % ((struct.unpack(">I", digest[o:o + 4])[0] & 0x7FFFFFFF) % 1000000)


class Node:
    def __init__(self, url):
        u = urllib.parse.urlparse(url)
        self.url, self.host, self.port = url, u.hostname, u.port

    def conn(self, timeout=5):
        return http.client.HTTPConnection(self.host, self.port, timeout=timeout)


class Operator:
    def __init__(self, nodes, username, password, secret):
        self.nodes = nodes
        self.username, self.password, self.secret = username, password, secret
        self.cookie = None

    def request(self, node, method, path, body=None, form=None):
        """(status, headers, body bytes); raises OSError when the node is down."""
        c = node.conn()
        try:
            headers = {}
            if self.cookie:
                headers["Cookie"] = self.cookie
            data = None
            if form is not None:
                data = urllib.parse.urlencode(form)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            elif body is not None:
                data = json.dumps(body)
                headers["Content-Type"] = "application/json"
            c.request(method, path, body=data, headers=headers)
            r = c.getresponse()
            return r.status, r.getheaders(), r.read()
        finally:
            c.close()

    def request_any(self, method, path, body=None):
        """As a load balancer would: through a random node, another when one refuses the
        connection (down; nothing was sent). Returns (node, status, body)."""
        for node in random.sample(self.nodes, len(self.nodes)):
            try:
                st, _, data = self.request(node, method, path, body=body)
                return node, st, data
            except ConnectionRefusedError:
                continue
        raise ConnectionRefusedError("no node answers")

    def take_cookie(self, headers):
        for k, v in headers:
            if k.lower() == "set-cookie" and "session" in v.split("=", 1)[0]:
                self.cookie = v.split(";", 1)[0]

    def login(self):
        for _ in range(40):
            node = random.choice(self.nodes)
            try:
                self.cookie = None
                st, h, _ = self.request(node, "POST", "/login",
                                        form={"username": self.username, "password": self.password})
                self.take_cookie(h)
                if st != 303 or not self.cookie:
                    raise RuntimeError(f"login: {st}")
                st, h, page = self.request(node, "GET", "/login/code")
                m = re.search(rb'name="_csrf" value="([^"]+)"', page)
                if st != 200 or not m:
                    raise RuntimeError(f"login code page: {st}")
                st, h, _ = self.request(node, "POST", "/login/code",
                                        form={"code": totp(self.secret), "_csrf": m.group(1).decode()})
                self.take_cookie(h)
                st, _, _ = self.request(node, "GET", "/api/v1/me")
                if st == 200:
                    return
                raise RuntimeError(f"after login /api/v1/me: {st}")
            except (OSError, RuntimeError, http.client.HTTPException):
                time.sleep(0.5)
        raise SystemExit("the operator could not log in on any node")


def view(op, path, seconds):
    """Reads the look-in's picture through a random node (another when one refuses the
    connection) for `seconds` (None: to its end). Returns (node, frames, how it ended: viewed |
    ended | error: ..., seconds of picture)."""
    for node in random.sample(op.nodes, len(op.nodes)):
        # Longer than the 5 s a node waits for another node's frames before it ends a picture.
        c = node.conn(timeout=8)
        try:
            c.connect()
            break
        except ConnectionRefusedError:
            c.close()
    else:
        return None, 0, "error: no node answers", 0.0
    return (node, *read_picture(op, c, path, seconds))


def read_picture(op, c, path, seconds):
    t0 = time.time()
    frames = 0
    try:
        c.request("GET", path, headers={"Cookie": op.cookie})
        r = c.getresponse()
        if r.status != 200:
            return 0, f"refused {r.status} {r.read()[:200]!r}", 0.0
        buf = b""
        while True:
            if seconds is not None and time.time() - t0 >= seconds:
                return frames, "viewed", time.time() - t0
            chunk = r.read1(65536)
            if not chunk:
                return frames, "ended", time.time() - t0
            buf += chunk
            frames += buf.count(BOUNDARY)
            buf = buf[-len(BOUNDARY):]
    except (OSError, http.client.HTTPException) as e:
        return frames, f"error: {type(e).__name__}", time.time() - t0
    finally:
        c.close()


def viewer(op, k, view_seconds, claimed, lock, looks, outcomes, watch_to_end):
    while not STOP.is_set():
        try:
            node, st, body = op.request_any("GET", "/api/v1/supervision/queue")
        except (OSError, http.client.HTTPException):
            time.sleep(0.2)
            continue
        if st == 401:
            op.login()
            continue
        if st != 200:
            time.sleep(0.2)
            continue
        with lock:
            free = [i for i in json.loads(body) if i["can_look_in"] and i["task_id"] not in claimed]
            item = random.choice(free) if free else None
            if item:
                claimed.add(item["task_id"])
        if item is None:
            time.sleep(0.5)
            continue
        task = item["task_id"]
        started = time.time()
        try:
            node, st, body = op.request_any("POST", f"/api/v1/supervision/tasks/{task}/look-in",
                                            body={})
        except (OSError, http.client.HTTPException) as e:
            looks.append({"viewer": k, "task": task, "start": started, "end": time.time(),
                          "via": node.url, "ended": f"error starting: {type(e).__name__}", "frames": 0})
            continue
        if st != 201:
            # Refused (e.g. the camera is between nodes after a kill): said, nothing changed.
            looks.append({"viewer": k, "task": task, "start": started, "end": time.time(),
                          "via": node.url, "ended": f"refused {st}", "frames": 0,
                          "problem": body[:300].decode(errors="replace")})
            with lock:
                claimed.discard(task)
            continue
        look = json.loads(body)
        to_end = watch_to_end and not any(l.get("to_end") for l in looks if l["viewer"] == k)
        through, frames, ended, seen = view(op, look["stream"], None if to_end else view_seconds)
        looks.append({"viewer": k, "task": task, "start": started, "end": time.time(),
                      "via": node.url, "through": through and through.url, "ended": ended,
                      "frames": frames,
                      "seconds": seen, "to_end": to_end, "limit": look["limit_seconds"]})
        if frames == 0:
            continue
        # What was seen, through any node that answers.
        try:
            at, st, body = op.request_any("POST", f"/api/v1/supervision/tasks/{task}/outcome",
                                          body={"outcome": "seen_ok"})
            outcomes.append({"task": task, "at": time.time(), "via": at.url, "status": st,
                             "body": body[:300].decode(errors="replace")})
        except (OSError, http.client.HTTPException) as e:
            # The node died with the request: whether it was recorded is the database's.
            outcomes.append({"task": task, "at": time.time(), "status": None,
                             "body": f"error: {type(e).__name__}"})


def watch(op, node, record):
    """Holds the console's live view on `node` open; records when it was open and its updates."""
    while not STOP.is_set():
        c = node.conn(timeout=20)
        opened = None
        try:
            c.request("GET", "/supervision/events",
                      headers={"Cookie": op.cookie, "Accept": "text/event-stream"})
            r = c.getresponse()
            if r.status != 200:
                raise OSError(f"status {r.status}")
            opened = [time.time(), None]
            record["open"].append(opened)
            while not STOP.is_set():
                line = r.readline()
                if not line:
                    break
                if line.startswith(b"event: update"):
                    record["updates"].append(time.time())
        except (OSError, http.client.HTTPException):
            pass
        finally:
            if opened is not None:
                opened[1] = time.time()
            c.close()
        time.sleep(0.2)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--nodes", required=True)
    p.add_argument("--credentials", required=True)
    p.add_argument("--user", default="operator")
    p.add_argument("--duration", type=float, required=True)
    p.add_argument("--viewers", type=int, default=3)
    p.add_argument("--view-seconds", type=float, default=3.0)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    creds = json.load(open(a.credentials))
    user = next(u for u in creds["users"] if u["username"] == a.user)
    nodes = [Node(u) for u in a.nodes.split(",")]
    op = Operator(nodes, user["username"], user["password"], user["totp_secret"])
    op.login()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: STOP.set())
    claimed, lock, looks, outcomes = set(), threading.Lock(), [], []
    live = {n.url: {"updates": [], "open": []} for n in nodes}
    threads = [threading.Thread(target=watch, args=(op, n, live[n.url]), daemon=True)
               for n in nodes]
    # The viewer that watches a look-in to its limit does so only when the drill is long
    # enough to see the limit and then some.
    threads += [threading.Thread(target=viewer, args=(op, k, a.view_seconds, claimed, lock,
                                                      looks, outcomes, k == 0 and a.duration > 45),
                                 daemon=True)
                for k in range(a.viewers)]
    for t in threads:
        t.start()
    STOP.wait(a.duration)
    STOP.set()
    for t in threads:
        t.join(timeout=5)
    end = time.time()
    for v in live.values():
        for seg in v["open"]:
            seg[1] = seg[1] or end
    json.dump({"looks": looks, "outcomes": outcomes, "live": live}, open(a.out, "w"), indent=1)


if __name__ == "__main__":
    main()

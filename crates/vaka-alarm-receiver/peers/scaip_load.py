#!/usr/bin/env python3
"""SCAIP load for scripts/crash-test: one kept TCP connection per unit, each sending SIP MESSAGEs
with an application/scaip+xml <mrq> without pause, while the server is killed and restarted.

A message counts as acknowledged only when its 200 OK came back; its `cid ref` line is then
appended to the journal and fsynced. A message whose answer did not come (the connection broke,
the server died) is sent again with the same ref on a new connection, as a unit does: the
receiver must store it once. The receiver's own MESSAGE (<mrs>) is answered 200 OK.

Standard library only (no SIP package is on PyPI that sends SCAIP).

    scaip_load.py --host 127.0.0.1 --port 5060 --units 26317,26318 --duration 60 --journal FILE
"""
import argparse
import json
import os
import re
import socket
import sys
import time


def message(cid, ref, local, n):
    body = (f"<mrq><ref>{ref}</ref><cid>{cid}</cid><dty>0004</dty><mty>ME</mty>"
            f"<stc>0010</stc><crd>gsm:+4670000{n % 10000:04d}</crd></mrq>")
    return (f"MESSAGE sip:vaka@127.0.0.1 SIP/2.0\r\n"
            f"Via: SIP/2.0/TCP {local};branch=z9hG4bKload{ref}x{n}\r\n"
            f"Max-Forwards: 70\r\nFrom: <sip:{cid}@127.0.0.1>;tag=l{n}\r\n"
            f"To: <sip:vaka@127.0.0.1>\r\nCall-ID: {ref}x{n}@load\r\nCSeq: 1 MESSAGE\r\n"
            f"Content-Type: application/scaip+xml\r\nContent-Length: {len(body)}\r\n\r\n{body}"
            ).encode()


def frames(buf):
    """Splits whole SIP messages off the front of buf: (messages, rest)."""
    out = []
    while True:
        end = buf.find(b"\r\n\r\n")
        if end < 0:
            return out, buf
        head = buf[:end].decode(errors="replace")
        m = re.search(r"(?im)^content-length:\s*(\d+)", head)
        length = int(m.group(1)) if m else 0
        if len(buf) < end + 4 + length:
            return out, buf
        out.append(head)
        buf = buf[end + 4 + length:]


def ok_to(head):
    keep = [l for l in head.split("\r\n")[1:]
            if l.split(":", 1)[0].strip().lower() in ("via", "from", "to", "call-id", "cseq")]
    return ("SIP/2.0 200 OK\r\n" + "\r\n".join(keep) + "\r\nContent-Length: 0\r\n\r\n").encode()


def run(args):
    units = [u for u in args.units.split(",") if u]
    deadline = time.monotonic() + args.duration
    journal = os.open(args.journal, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    state = {u: {"n": 0, "sock": None, "buf": b"", "sent": None} for u in units}
    acked = resent = 0
    while time.monotonic() < deadline:
        for cid in units:
            s = state[cid]
            ref = f"L{cid}x{s['n']}"
            try:
                if s["sock"] is None:
                    s["sock"] = socket.create_connection((args.host, args.port), timeout=2)
                    s["buf"] = b""
                    if s["sent"] == ref:
                        resent += 1
                sock = s["sock"]
                local = "%s:%d" % sock.getsockname()
                sock.sendall(message(cid, ref, local, s["n"]))
                s["sent"] = ref
                answered = False
                while not answered:
                    chunk = sock.recv(65536)
                    if not chunk:
                        raise ConnectionError("closed")
                    heads, s["buf"] = frames(s["buf"] + chunk)
                    for head in heads:
                        if head.startswith("SIP/2.0 "):
                            if head.startswith("SIP/2.0 200") and f"{ref}x" in head:
                                answered = True
                        else:
                            sock.sendall(ok_to(head))
                os.write(journal, f"{cid} {ref}\n".encode())
                os.fsync(journal)
                acked += 1
                s["n"] += 1
            except (OSError, ConnectionError):
                if s["sock"] is not None:
                    s["sock"].close()
                s["sock"] = None
                time.sleep(0.05)
    print(json.dumps({"acknowledged": acked, "sent_again": resent}))


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--units", required=True)
    p.add_argument("--duration", type=float, default=30)
    p.add_argument("--journal", required=True)
    run(p.parse_args())
    sys.exit(0)

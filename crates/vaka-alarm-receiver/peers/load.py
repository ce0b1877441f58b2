#!/usr/bin/env python3
"""Load driver for the DC-09 receiver crash test.

    load.py --host H --port P --accounts A1,A2,... [--key-hex HEX | --key-ascii TEXT]
            --connections C --duration SECONDS --journal FILE
            [--encoder my_dc09_spt|siadc09|mixed] [--receiver HEX|none] [--line HEX|none]
            [--seq-start K] [--backoff-ms 100] [--pause-ms 0] [--no-verify]
            [--receivers H1:P1,H2:P2,...]

C kept-open TCP connections (one thread each) send events stop-and-wait, as fast as answers come.
Frames are encoded by my_dc09_spt / siadc09 right before each send (fresh timestamp).

For every ACK (right token, echoed seq) one line "ACCOUNT SEQ DATA" is appended to the journal
and flushed + fsynced before the next event, so after the receiver is kill -9'ed the journal lists
exactly the events that were acknowledged.

Like a real dialler: when the connection breaks, or no answer comes within 2 s, reconnect after a
100 ms backoff and RESEND the same unacknowledged event (same seq, same data, fresh timestamp and,
when encrypted, fresh pad) until it is ACKed or the duration ends. A NAK is answered by resending
the same event (after the backoff) on the same connection; a DUH ends that event without a journal
line.

Primary and backup receivers (--receivers, instead of --host/--port): connection i starts at
receiver i % n and, when its connection breaks, cannot connect or gets no answer, moves on to the
next receiver and resends the pending event there, as a dialler with a backup receiver does. A
cluster's nodes must then recognise an event another node already stored.

--pause-ms: a pause after each ACK (a slower, longer run within one account's sequence numbers).

Sequence numbers: connection i uses account A[i % len(A)]. When several connections share an
account they get disjoint seq ranges inside K..9999, so (account, seq) is unique for the whole run;
a connection stops when its range is used up (never wraps).

Prints one JSON summary to stdout at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import sys
import threading
import time

import peerlib
from peerlib import FrameBuilder, StreamReader

ANSWER_TIMEOUT = 2.0
CONNECT_TIMEOUT = 2.0
_ANSWER = re.compile(rb'"(\*?)(ACK|NAK|DUH|RSP)"(\d{4})')


class Journal:
    def __init__(self, path: str):
        self.f = open(path, "a", encoding="ascii")
        self.lock = threading.Lock()

    def acked(self, account: str, seq: int, data: str):
        with self.lock:
            self.f.write(f"{account} {seq} {data}\n")
            self.f.flush()
            os.fsync(self.f.fileno())

    def close(self):
        self.f.close()


class Stats:
    FIELDS = ("sent", "acked", "resent", "reconnects", "connect_failures", "timeouts",
              "broken", "nak", "duh", "bad_answers", "siadc09_errors", "echo_errors")

    def __init__(self):
        self.lock = threading.Lock()
        for f in self.FIELDS:
            setattr(self, f, 0)
        self.pending_at_end: list[dict] = []
        self.exhausted = 0
        self.problem_examples: list[str] = []

    def inc(self, name: str, n: int = 1):
        with self.lock:
            setattr(self, name, getattr(self, name) + n)

    def problem(self, text: str):
        with self.lock:
            if len(self.problem_examples) < 10 and text not in self.problem_examples:
                self.problem_examples.append(text)


def seq_ranges(accounts: list[str], connections: int, seq_start: int):
    """(account, first_seq, last_seq) per connection; disjoint for connections sharing an
    account."""
    out = []
    for i in range(connections):
        acct = accounts[i % len(accounts)]
        sharing = len(range(i % len(accounts), connections, len(accounts)))
        idx = i // len(accounts)
        size = (9999 - seq_start + 1) // sharing
        if size < 1:
            raise SystemExit("too many connections per account for the sequence space")
        first = seq_start + idx * size
        out.append((acct, first, first + size - 1))
    return out


def worker(i: int, args, key, acct: str, first: int, last: int, deadline: float,
           stop: threading.Event, journal: Journal, stats: Stats):
    builder = FrameBuilder(args.encoder, acct, key, args.receiver, args.line, timestamps=True)
    backoff = args.backoff_ms / 1000.0
    pause = args.pause_ms / 1000.0
    receivers = args.receiver_list
    current = i % len(receivers)
    sock = None
    reader = None
    connected_once = False
    seq = first
    pending = None  # seq of the unacknowledged event
    attempts = 0    # sends of the pending event so far

    def drop():
        nonlocal sock, reader, current
        # The next connection goes to the backup receiver (the next in the list).
        current = (current + 1) % len(receivers)
        if sock is not None:
            try:
                sock.close()
            except OSError:
                pass
        sock, reader = None, None

    def finished() -> bool:
        return stop.is_set() or time.monotonic() >= deadline

    try:
        while True:
            if pending is None:
                if seq > last:
                    with stats.lock:
                        stats.exhausted += 1
                    break
                if finished():
                    break
                pending, attempts = seq, 0
            elif finished():
                frame = builder.event(pending, FrameBuilder.token_for(pending), pending // 2)
                with stats.lock:
                    stats.pending_at_end.append({"account": acct, "seq": pending,
                                                 "data": frame.data, "sends": attempts})
                break
            if sock is None:
                try:
                    sock = socket.create_connection(receivers[current],
                                                    timeout=CONNECT_TIMEOUT)
                    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    reader = StreamReader(sock)
                    if connected_once:
                        stats.inc("reconnects")
                    connected_once = True
                except OSError:
                    stats.inc("connect_failures")
                    sock = None
                    current = (current + 1) % len(receivers)
                    time.sleep(backoff)
                    continue
            # Same seq and same content on every resend; the library gives it a fresh
            # timestamp (and, encrypted, a fresh pad).
            frame = builder.event(pending, FrameBuilder.token_for(pending), pending // 2)
            try:
                sock.sendall(frame.raw)
            except OSError:
                stats.inc("broken")
                drop()
                time.sleep(backoff)
                continue
            stats.inc("sent")
            if attempts:
                stats.inc("resent")
            attempts += 1
            answer = reader.read_answer(ANSWER_TIMEOUT)
            if answer is None or not answer.endswith(b"\r"):
                # Timeout (or connection closed / partial answer): reconnect and resend.
                stats.inc("timeouts" if not reader.closed else "broken")
                drop()
                time.sleep(backoff)
                continue
            m = _ANSWER.search(answer)
            kind = m.group(2).decode() if m else None
            if args.verify:
                rec = peerlib.check_answer(frame, answer, key)
                if not rec["siadc09_ok"]:
                    stats.inc("siadc09_errors")
                    stats.problem(f"siadc09: {rec['siadc09_error']}: {rec['answer']}")
                if not rec["echo_ok"]:
                    stats.inc("echo_errors")
                    stats.problem(f"echo: sent {rec['frame']} got {rec['answer']}")
                for p in rec["problems"]:
                    if not p.startswith("header echo") and not p.startswith("siadc09 cannot"):
                        stats.problem(p)
            if kind == "ACK" and int(m.group(3)) == pending:
                journal.acked(acct, pending, frame.data)
                stats.inc("acked")
                pending = None
                seq += 1
                if pause:
                    time.sleep(pause)
            elif kind == "NAK":
                stats.inc("nak")
                time.sleep(backoff)
            elif kind == "DUH" and int(m.group(3)) == pending:
                stats.inc("duh")
                pending = None
                seq += 1
            else:
                # Unknown answer, or ACK/DUH for another seq: treat as a broken exchange.
                stats.inc("bad_answers")
                stats.problem(f"unexpected answer to seq {pending}: {peerlib.escape(answer)}")
                drop()
                time.sleep(backoff)
    finally:
        drop()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--receivers", help="H1:P1,H2:P2,...: primary and backup receivers")
    p.add_argument("--pause-ms", type=float, default=0.0)
    p.add_argument("--accounts", required=True, help="comma-separated hex accounts")
    p.add_argument("--key-hex")
    p.add_argument("--key-ascii")
    p.add_argument("--connections", type=int, required=True)
    p.add_argument("--duration", type=float, required=True)
    p.add_argument("--journal", required=True)
    p.add_argument("--encoder", choices=peerlib.ENCODERS, default="mixed")
    p.add_argument("--receiver", default="none")
    p.add_argument("--line", default="0")
    p.add_argument("--seq-start", type=int, default=1)
    p.add_argument("--backoff-ms", type=float, default=100.0)
    p.add_argument("--no-verify", dest="verify", action="store_false",
                   help="skip siadc09 decoding of answers (less CPU)")
    args = p.parse_args()
    if args.receivers:
        args.receiver_list = []
        for r in args.receivers.split(","):
            host, _, port = r.rpartition(":")
            if not host or not port.isdigit():
                p.error(f"--receivers: {r!r} is not HOST:PORT")
            args.receiver_list.append((host, int(port)))
    elif args.host and args.port:
        args.receiver_list = [(args.host, args.port)]
    else:
        p.error("give --host and --port, or --receivers")
    key = peerlib.load_key(args.key_hex, args.key_ascii)
    args.receiver = peerlib.parse_hex_opt(args.receiver)
    args.line = peerlib.parse_hex_opt(args.line)
    accounts = [a for a in args.accounts.split(",") if a]
    if not accounts or args.connections < 1:
        p.error("need accounts and at least one connection")
    if not 1 <= args.seq_start <= 9999:
        p.error("--seq-start must be 1..9999")
    ranges = seq_ranges(accounts, args.connections, args.seq_start)
    notes = set()
    for acct in accounts:
        notes.update(FrameBuilder(args.encoder, acct, key, args.receiver, args.line).notes)

    journal = Journal(args.journal)
    stats = Stats()
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    start = time.monotonic()
    deadline = start + args.duration
    threads = [threading.Thread(target=worker, daemon=True,
                                args=(i, args, key, acct, first, last, deadline, stop, journal,
                                      stats))
               for i, (acct, first, last) in enumerate(ranges)]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        for t in threads:
            t.join(timeout=0.2)
    elapsed = time.monotonic() - start
    journal.close()
    out = {f: getattr(stats, f) for f in Stats.FIELDS}
    out.update({
        "connections": args.connections,
        "accounts": accounts,
        "seq_ranges": [{"account": a, "first": f, "last": l} for a, f, l in ranges],
        "key_bits": None if key is None else len(key) * 8,
        "encoder": args.encoder,
        "seconds": round(elapsed, 3),
        "acked_per_s": round(stats.acked / elapsed, 1) if elapsed else None,
        "exhausted_connections": stats.exhausted,
        "pending_at_end": stats.pending_at_end,
        "journal": os.path.abspath(args.journal),
        "problem_examples": stats.problem_examples,
        "note": "; ".join(sorted(notes)),
    })
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())

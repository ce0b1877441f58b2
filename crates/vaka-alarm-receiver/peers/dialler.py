#!/usr/bin/env python3
"""SIA DC-09 dialler: sends frames ENCODED BY my_dc09_spt / siadc09 (PyPI) to any DC-09 receiver
and checks every answer with siadc09's strict decoder.

    dialler.py --host H --port P --account ACCT [--key-hex HEX | --key-ascii TEXT]
               [--scenario NAME] [--count N] [--udp] [--json] [--seq-start K] [--resend]
               [--encoder my_dc09_spt|siadc09|mixed] [--receiver HEX|none] [--line HEX|none]
               [--no-timestamp] [--clock-offset S]

Scenarios: per-connection, kept-open, pipelined, null, skew, dialler (see README.md).
stdout holds exactly one JSON object (one line with --json, indented otherwise); without --json
a line per message also goes to stderr. Exit code 0 unless the script itself failed.
"""

from __future__ import annotations

import argparse
import datetime
import json
import logging
import re
import socket
import sys

import peerlib
from peerlib import Frame, FrameBuilder, StreamReader, Tally, check_answer

ANSWER_TIMEOUT = 5.0
SCENARIOS = ("per-connection", "kept-open", "pipelined", "null", "skew", "dialler")
SKEW_S = 300.0


def seq_at(start: int, i: int) -> int:
    """i-th sequence number from start, 1..9999 wrapping to 1 (as my_dc09_spt does)."""
    return (start - 1 + i) % 9999 + 1


class Run:
    def __init__(self, args, key):
        self.args = args
        self.key = key
        self.records: list[dict] = []
        self.raw_answers: list[bytes | None] = []  # parallel to records
        self.notes: list[str] = []
        self.closed_by_peer = False

    # -------------------------------------------------------------------- transport helpers
    def tcp(self) -> socket.socket:
        s = socket.create_connection((self.args.host, self.args.port), timeout=ANSWER_TIMEOUT)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return s

    def udp(self) -> socket.socket:
        s = socket.socket(socket.AF_INET if ":" not in self.args.host else socket.AF_INET6,
                          socket.SOCK_DGRAM)
        # connect() so that only datagrams from the receiver are read and ICMP errors surface.
        s.connect((self.args.host, self.args.port))
        return s

    @staticmethod
    def udp_answer(s: socket.socket) -> bytes | None:
        s.settimeout(ANSWER_TIMEOUT)
        try:
            return s.recv(65535)
        except (socket.timeout, TimeoutError):
            return None

    def record(self, frame: Frame, answer: bytes | None, *, error: str | None = None,
               resend: bool = False) -> dict:
        rec = check_answer(frame, answer, self.key, datetime.datetime.now(datetime.UTC))
        if error:
            rec["send_error"] = error
            rec["problems"].append(f"transport: {error}")
        if resend:
            rec["resend"] = True
        self.records.append(rec)
        self.raw_answers.append(answer)
        if not self.args.json:
            print(f"seq {rec['seq']:4d} {rec['token']:7s} {rec['encoder']:11s} -> "
                  f"{rec['answer_kind'] or '-':4s} siadc09_ok={rec['siadc09_ok']} "
                  f"echo_ok={rec['echo_ok']} {'; '.join(rec['problems'])}", file=sys.stderr)
        return rec

    def repeats(self) -> tuple[bool, ...]:
        return (False, True) if self.args.resend else (False,)

    # -------------------------------------------------------------------- scenarios
    def event_frames(self, builder: FrameBuilder, count: int):
        """Generator so that every frame is built (timestamped) just before it is sent."""
        for i in range(count):
            seq = seq_at(self.args.seq_start, i)
            yield builder.event(seq, FrameBuilder.token_for(i), i // 2,
                                offset_s=self.args.clock_offset)

    def per_connection(self, frames):
        for frame in frames:
            for resend in self.repeats():
                answer, error = None, None
                s = None
                try:
                    if self.args.udp:
                        s = self.udp()
                        s.send(frame.raw)
                        answer = self.udp_answer(s)
                    else:
                        s = self.tcp()
                        s.sendall(frame.raw)
                        answer = StreamReader(s).read_answer(ANSWER_TIMEOUT)
                except OSError as exc:
                    error = f"{exc.__class__.__name__}: {exc}"
                finally:
                    if s is not None:
                        s.close()
                self.record(frame, answer, error=error, resend=resend)

    def kept_open(self, frames):
        try:
            s = self.udp() if self.args.udp else self.tcp()
        except OSError as exc:
            for frame in frames:
                self.record(frame, None, error=f"connect: {exc.__class__.__name__}: {exc}")
            return
        reader = None if self.args.udp else StreamReader(s)
        try:
            for frame in frames:
                for resend in self.repeats():
                    answer, error = None, None
                    try:
                        if self.args.udp:
                            s.send(frame.raw)
                            answer = self.udp_answer(s)
                        else:
                            s.sendall(frame.raw)
                            answer = reader.read_answer(ANSWER_TIMEOUT)
                    except OSError as exc:
                        error = f"{exc.__class__.__name__}: {exc}"
                    self.record(frame, answer, error=error, resend=resend)
        finally:
            if reader is not None and reader.closed:
                self.closed_by_peer = True
            s.close()

    def pipelined(self, frames):
        frames = [f for f in frames for _ in self.repeats()]
        answers: list[bytes | None] = [None] * len(frames)
        error = None
        try:
            s = self.tcp()
        except OSError as exc:
            for f in frames:
                self.record(f, None, error=f"connect: {exc.__class__.__name__}: {exc}")
            return
        reader = StreamReader(s)
        try:
            # All frames in ONE sendall: the receiver gets several frames per read.
            s.sendall(b"".join(f.raw for f in frames))
            pending = list(range(len(frames)))
            while pending:
                ans = reader.read_answer(ANSWER_TIMEOUT)
                if ans is None:
                    break  # no further answers within the timeout: the rest stay null
                # Match by echoed seq when possible (answers should come in order anyway);
                # otherwise (e.g. NAK with seq 0000) give it to the oldest unanswered frame.
                m = re.search(rb'"\*?[A-Z]+"(\d{4})', ans)
                idx = next((i for i in pending if m and frames[i].seq == int(m.group(1))),
                           pending[0])
                answers[idx] = ans
                pending.remove(idx)
        except OSError as exc:
            error = f"{exc.__class__.__name__}: {exc}"
        finally:
            self.closed_by_peer = reader.closed
            s.close()
        seen = set()
        for f, ans in zip(frames, answers):
            resend = f.seq in seen and self.args.resend
            seen.add(f.seq)
            self.record(f, ans, error=error if ans is None else None, resend=resend)

    def skew(self, builder: FrameBuilder):
        self.notes.append(f"skew: event timestamps {-SKEW_S:+.0f} s and {SKEW_S:+.0f} s from our "
                          "clock, one connection each; expected answer NAK carrying the "
                          "receiver's clock (answer_timestamp / answer_clock_diff_s)")
        if self.key is None and not self.args.timestamps:
            self.notes.append("--no-timestamp: clear frames carry no timestamp, skew is moot")
        frames = [builder.event(seq_at(self.args.seq_start, i), FrameBuilder.token_for(i), 0,
                                offset_s=off) for i, off in enumerate((-SKEW_S, SKEW_S))]
        self.per_connection(frames)
        for rec, raw in zip(self.records, self.raw_answers):
            if raw is not None and rec["answer_kind"] == "NAK" and not rec["siadc09_ok"]:
                # Second opinion: my_dc09_spt's dc09answer() is what its dialler uses to learn
                # the receiver clock from a NAK.
                kind, off, err = peerlib.spt_answer_offset(raw, rec["seq"], self.key)
                rec["my_dc09_spt_answer"] = kind
                rec["my_dc09_spt_clock_diff_s"] = None if off is None else round(off, 3)
                rec["my_dc09_spt_error"] = err

    def dialler(self):
        """Drive my_dc09_spt's own dialler class `dc09_spt` (my_dc09_spt/dc09_spt.py)."""
        from my_dc09_spt.comm.transpath import TransPath
        from my_dc09_spt.dc09_spt import dc09_spt

        a = self.args
        if self.key is not None and len(self.key) == 24:
            self.notes.append("my_dc09_spt's dialler supports only AES-128/256 keys (16/32 "
                              "bytes); nothing sent")
            return
        log: list[dict] = []

        class RecordingConn:
            """Wraps the library's TransPathTCP/UDP connection object and records the bytes;
            all sending/receiving is still done by the library."""

            def __init__(self, conn):
                self.conn = conn

            def _log(self, msg):
                # The library hands out connection objects even when connect() failed (their
                # socket `s` is None and nothing goes on the wire); record real sends only.
                if getattr(self.conn, "s", None) is not None:
                    log.append({"frame": msg, "answer": None})
                    return True
                return False

            def sendAndReceive(self, msg, max_answ=1024):  # noqa: N802 - library API name
                logged = self._log(msg)
                ans = self.conn.sendAndReceive(msg, max_answ)
                if logged:
                    log[-1]["answer"] = ans
                return ans

            def send(self, msg):
                self._log(msg)
                return self.conn.send(msg)

            def receive(self, length=1024):
                ans = self.conn.receive(length)
                if log:
                    log[-1]["answer"] = ans
                return ans

            def disconnect(self):
                return self.conn.disconnect()

        class RecordingTransPath(TransPath):
            def connect(self):
                conn = super().connect()
                return None if conn is None else RecordingConn(conn)

        spt = dc09_spt(a.account, receiver=a.receiver, line=a.line)
        ptype = "UDP" if a.udp else "TCP"
        # set_path() is the library's way to point the dialler at a receiver; we then swap in
        # the same TransPath with recording connections.
        spt.set_path("main", "primary", a.host, a.port, account=a.account, key=self.key,
                     receiver=a.receiver, line=a.line, type=ptype)
        lib_path = spt.tpaths["main"]["primary"]["path"]
        path = RecordingTransPath(a.host, a.port, a.account, key=self.key, receiver=a.receiver,
                                  line=a.line, timeout=lib_path.timeout, type=ptype)
        if a.clock_offset:
            # The path offset is what the dialler adds to its clock (learned from answers).
            path.set_offset(a.clock_offset)
        spt.tpaths["main"]["primary"]["path"] = path
        # send_msg() numbers messages with msg_nr += 1 (1..9999); start where we were told.
        spt.msg_nr = a.seq_start - 1
        self.notes.append(
            "dialler: my_dc09_spt.dc09_spt.send_msg() per event (synchronous: it queues the "
            "event, starts its event_thread and joins it); one path main/primary "
            f"{ptype}; the library opens a new connection per message and reads ONE recv(512) "
            "as the answer; clear frames carry no timestamp (library never adds one)")
        lib_acked = 0
        workaround = 0
        # my_dc09_spt reports transport and answer errors only through logging.error() on the
        # root logger; collect them per event.
        lib_log = peerlib._ListHandler()
        lib_log.setLevel(logging.WARNING)
        logging.getLogger().addHandler(lib_log)
        for i in range(a.count):
            token = FrameBuilder.token_for(i)
            content = i // 2
            if token == "SIA-DCS":
                area, code, zone = peerlib.SIA_EVENTS[content % len(peerlib.SIA_EVENTS)]
                params = {"area": area, "code": code, "zone": zone}
                data = peerlib.dc03_msg.dc03event(a.account, params)[:-1]
            else:
                q, ev, group, zone = peerlib.CID_EVENTS[content % len(peerlib.CID_EVENTS)]
                params = {"q": q, "code": ev, "area": group, "zone": zone}
                data = peerlib.dc05_msg.dc05event(a.account, params)[:-1]
            first = len(log)
            lib_log.messages.clear()
            try:
                spt.send_msg(token, params)
                ok, err = True, None
                lib_acked += 1
            except Exception as exc:  # noqa: BLE001 - the library reports failure by raising
                ok, err = False, f"{exc.__class__.__name__}: {exc}"
            exchanges = log[first:]
            if not ok and spt.send is not None:
                # QUIRK: the failed event_thread keeps its exception and every later send_msg()
                # re-raises it from send.join() before sending anything (the dialler is wedged
                # for good). Forget the dead thread so the next event is really sent.
                spt.send = None
                workaround += 1
            if not exchanges:
                rec = {"seq": spt.msg_nr, "token": token, "data": data, "encoder": "my_dc09_spt",
                       "frame": None, "answer": None, "answer_kind": None,
                       "answer_encrypted": None, "siadc09_ok": False,
                       "siadc09_error": "nothing sent", "echo_ok": False,
                       "answer_timestamp": None, "answer_clock_diff_s": None,
                       "problems": ["library sent nothing"]}
                self.records.append(rec)
                exchanges_recs = [rec]
            else:
                exchanges_recs = []
                for n, ex in enumerate(exchanges):
                    m = re.search(rb'"\*?[A-Z-]+"(\d{4})', ex["frame"])
                    seq = int(m.group(1)) if m else spt.msg_nr
                    # (timestamps are the library's: --clock-offset only seeds the path offset,
                    # which the library then corrects from every answer)
                    frame = Frame(seq, token, data, ex["frame"], "my_dc09_spt")
                    exchanges_recs.append(self.record(frame, ex["answer"], resend=n > 0))
            for rec in exchanges_recs:
                rec["library_acked"] = ok
                rec["library_error"] = err
                rec["library_log"] = list(lib_log.messages)
        logging.getLogger().removeHandler(lib_log)
        if workaround:
            self.notes.append(f"dialler: {workaround} send_msg() failure(s); after each we reset "
                              "dc09_spt.send=None, otherwise every later send_msg() re-raises "
                              "the stale exception without sending")
        self.library_acked = lib_acked
        self.notes.append(f"dialler: library reported {lib_acked}/{a.count} events acknowledged")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--host", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--account", required=True, help="hex account, e.g. 1234")
    p.add_argument("--key-hex", help="AES key as 32/48/64 hex digits (decoded to 16/24/32 bytes)")
    p.add_argument("--key-ascii", help="AES key as 16/24/32 characters used as bytes "
                                       "(pysiaalarm/Ajax style)")
    p.add_argument("--scenario", choices=SCENARIOS, default="per-connection")
    p.add_argument("--count", type=int, default=10)
    p.add_argument("--udp", action="store_true", help="UDP instead of TCP (not for pipelined)")
    p.add_argument("--json", action="store_true", help="compact JSON only, no per-message lines")
    p.add_argument("--seq-start", type=int, default=1, help="first sequence number (1..9999)")
    p.add_argument("--resend", action="store_true", help="send every frame twice (same bytes)")
    p.add_argument("--encoder", choices=peerlib.ENCODERS, default="mixed",
                   help="library that encodes the frames (mixed: seq%%4 in 1,2 -> my_dc09_spt, "
                        "else siadc09)")
    p.add_argument("--receiver", default="none", help="R field, hex, or 'none' (default)")
    p.add_argument("--line", default="0", help="L field, hex (default 0), or 'none' (bare "
                                               "'#acct' from my_dc09_spt)")
    p.add_argument("--no-timestamp", dest="timestamps", action="store_false",
                   help="clear frames without timestamp (encrypted ones always carry one)")
    p.add_argument("--clock-offset", type=float, default=0.0,
                   help="seconds added to every timestamp we send (skew scenario sets its own)")
    args = p.parse_args()

    if not 1 <= args.seq_start <= 9999:
        p.error("--seq-start must be 1..9999")
    if args.udp and args.scenario == "pipelined":
        p.error("pipelined is a TCP scenario")
    key = peerlib.load_key(args.key_hex, args.key_ascii)
    args.receiver = peerlib.parse_hex_opt(args.receiver)
    args.line = peerlib.parse_hex_opt(args.line)

    run = Run(args, key)
    run.library_acked = None
    if args.scenario != "dialler":
        builder = FrameBuilder(args.encoder, args.account, key, args.receiver, args.line,
                               timestamps=args.timestamps)
        run.notes.extend(builder.notes)
    if args.scenario == "per-connection":
        run.per_connection(run.event_frames(builder, args.count))
    elif args.scenario == "kept-open":
        run.kept_open(run.event_frames(builder, args.count))
    elif args.scenario == "pipelined":
        run.pipelined(list(run.event_frames(builder, args.count)))
    elif args.scenario == "null":
        run.kept_open(builder.null(seq_at(args.seq_start, i), offset_s=args.clock_offset)
                      for i in range(args.count))
    elif args.scenario == "skew":
        run.skew(builder)
    elif args.scenario == "dialler":
        run.dialler()

    tally = Tally()
    for rec in run.records:
        tally.add(rec)
    if run.closed_by_peer:
        run.notes.append("the receiver closed the connection")
    if args.resend:
        run.notes.append("--resend: every frame sent twice with the same bytes; the second "
                         "record has resend=true")
    out = {
        "scenario": args.scenario,
        "host": args.host,
        "port": args.port,
        "transport": "udp" if args.udp else "tcp",
        "account": args.account,
        "key_bits": None if key is None else len(key) * 8,
        "encoder": "my_dc09_spt" if args.scenario == "dialler" else builder.encoder,
        "sent": run.records,
        "acked": tally.acked,
        "nak": tally.nak,
        "duh": tally.duh,
        "rsp": tally.rsp,
        "other": tally.other,
        "no_answer": tally.no_answer,
        "siadc09_failures": sum(1 for r in run.records if r["answer"] and not r["siadc09_ok"]),
        "echo_failures": sum(1 for r in run.records if r["answer"] and not r["echo_ok"]),
        "connection_closed_by_peer": run.closed_by_peer,
        "library_acked": run.library_acked,
        "note": "; ".join(run.notes),
    }
    if args.json:
        print(json.dumps(out))
    else:
        print(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Shared helpers for the SIA DC-09 peer scripts (dialler.py, load.py).

Everything that goes on the wire is ENCODED BY A THIRD-PARTY LIBRARY:

* my_dc09_spt 0.2.2  (`dc09_msg.dc09block`, payloads from `dc03_msg.dc03event` /
  `dc05_msg.dc05event`), or
* siadc09 1.0.1      (`message.EventMessage` / `message.NullMessage` `.encode()`).

Every answer is checked with siadc09's strict decoder `message.parse_frame`.

Nothing here knows about a particular receiver: the scripts must work against any DC-09 receiver
(our Rust one, pysiaalarm, ...).
"""

from __future__ import annotations

import datetime
import logging
import re
import socket
import time
from dataclasses import dataclass, field

from my_dc09_spt.msg.dc03_msg import dc03_msg
from my_dc09_spt.msg.dc05_msg import dc05_msg
from my_dc09_spt.msg.dc09_msg import dc09_msg
from siadc09 import message as s_message
from siadc09.account import Account as SAccount
from siadc09.admcid import parse_admcid
from siadc09.siadcs import parse_siadcs
from siadc09.util import totimestamp

UTC = datetime.UTC

ENCODERS = ("my_dc09_spt", "siadc09", "mixed")

# Event content cycled through by the scripts (home-care flavoured; every code is in the common
# SIA/CID tables, so a receiver has no reason to DUH them).
#   SIA-DCS: (area, DC-03 code, zone)       -> data "#ACCT|Nri<area>/<code><zone>"
#   ADM-CID: (qualifier, event, group, zone) -> data "#ACCT|<q><eee> <gg> <zzz>"
SIA_EVENTS = [
    ("1", "MA", "001"),  # medical alarm (personal alarm button)
    ("1", "QA", "002"),  # emergency alarm
    ("1", "FA", "003"),  # fire alarm
    ("1", "YT", "004"),  # battery trouble
    ("1", "RP", "000"),  # automatic test
]
CID_EVENTS = [
    ("1", "100", "01", "001"),  # medical
    ("1", "101", "01", "002"),  # personal emergency
    ("1", "110", "01", "003"),  # fire
    ("3", "100", "01", "001"),  # medical restore
    ("1", "602", "00", "000"),  # periodic test report
]

_ANSWER_TOKEN = re.compile(rb'"(\*?)(ACK|NAK|DUH|RSP)"')
_HEADER_SPAN = re.compile(rb'"\*?[A-Z0-9-]+"([^\[]*)\[')


# ------------------------------------------------------------------------------------ keys

def load_key(key_hex: str | None, key_ascii: str | None) -> bytes | None:
    """Key bytes from --key-hex (decoded, siadc09/ioBroker style) or --key-ascii (the string's
    bytes, pysiaalarm/Ajax style). Both must give 16, 24 or 32 bytes."""
    if key_hex and key_ascii:
        raise SystemExit("give either --key-hex or --key-ascii, not both")
    if key_hex:
        try:
            key = bytes.fromhex(key_hex)
        except ValueError as exc:
            raise SystemExit(f"--key-hex is not hex: {exc}") from exc
    elif key_ascii:
        key = key_ascii.encode("ascii")
    else:
        return None
    if len(key) not in (16, 24, 32):
        raise SystemExit(f"key must be 16, 24 or 32 bytes (AES-128/192/256), got {len(key)}")
    return key


def parse_hex_opt(text: str | None) -> int | None:
    """--receiver / --line value: hex digits, or 'none' to omit the field."""
    if text is None or text.lower() == "none":
        return None
    return int(text, 16)


def siadc09_account_text(account: str) -> str:
    """How siadc09 writes `#acct`: it keeps the account as an integer and prints '%03X', so
    leading zeros are lost and hex letters become uppercase."""
    return "%03X" % int(account, 16)


# ------------------------------------------------------------------------------------ frames

@dataclass
class Frame:
    seq: int
    token: str      # "SIA-DCS" | "ADM-CID" | "NULL"
    data: str       # data field text without brackets, "" for NULL
    raw: bytes      # complete frame LF..CR as encoded by the library
    encoder: str    # "my_dc09_spt" | "siadc09"
    offset_s: float = 0.0  # timestamp offset from our clock used when building


class FrameBuilder:
    """Builds request frames with the PyPI libraries.

    encoder: "my_dc09_spt", "siadc09" or "mixed" (alternates library every two messages so that
    both libraries produce both SIA-DCS and ADM-CID: seq%4 in {1,2} -> my_dc09_spt, else siadc09).

    Library quirks handled here:
    * my_dc09_spt supports only AES-128/256 keys (16/32 bytes); with a 24-byte key "mixed" falls
      back to siadc09 only.
    * my_dc09_spt never puts a timestamp in a CLEAR frame (only encrypted ones carry one). When
      `timestamps` is on we append `_HH:MM:SS,MM-DD-YYYY` (text made by siadc09.util.totimestamp)
      to the payload handed to `dc09block`; the header, length and CRC are still computed by
      my_dc09_spt. With timestamps off, clear my_dc09_spt frames are exactly what its dialler sends.
    * my_dc09_spt omits R when receiver is None and omits L when line is None (bare "#acct").
      siadc09 always writes L (L0 when no prefix) and cannot omit it.
    * siadc09 writes the account as '%03X' of an integer (no leading zeros, uppercase).
    * Encrypted frames always carry a timestamp (both libraries take it from the clock; we pass an
      offset for the skew scenario).
    """

    def __init__(self, encoder: str, account: str, key: bytes | None, receiver: int | None,
                 line: int | None, timestamps: bool = True):
        if encoder not in ENCODERS:
            raise ValueError(encoder)
        self.notes: list[str] = []
        if key is not None and len(key) == 24 and encoder != "siadc09":
            if encoder == "my_dc09_spt":
                raise SystemExit("my_dc09_spt supports AES-128/256 keys only (16 or 32 bytes)")
            self.notes.append("24-byte key: my_dc09_spt supports only AES-128/256, all frames "
                              "encoded by siadc09")
            encoder = "siadc09"
        int(account, 16)  # both libraries need a hex account
        if encoder != "my_dc09_spt" and siadc09_account_text(account) != account:
            if encoder == "siadc09":
                raise SystemExit(f"siadc09 would write account {account!r} as "
                                 f"{siadc09_account_text(account)!r}; use my_dc09_spt")
            self.notes.append(f"account {account!r} is written differently by siadc09 "
                              f"({siadc09_account_text(account)!r}); all frames encoded by "
                              "my_dc09_spt")
            encoder = "my_dc09_spt"
        if encoder != "my_dc09_spt" and line is None:
            self.notes.append("siadc09 cannot omit L: its frames carry L0 although --line none")
        self.encoder = encoder
        self.account = account
        self.key = key
        self.receiver = receiver
        self.line = line
        self.timestamps = timestamps
        self.s_account = SAccount(acct=int(account, 16), pref=line, rcvr=receiver, key=key)

    def library_for(self, seq: int) -> str:
        if self.encoder == "mixed":
            return "my_dc09_spt" if seq % 4 in (1, 2) else "siadc09"
        return self.encoder

    @staticmethod
    def token_for(index: int) -> str:
        return "SIA-DCS" if index % 2 == 0 else "ADM-CID"

    def event(self, seq: int, token: str, content: int, offset_s: float = 0.0) -> Frame:
        """One SIA-DCS or ADM-CID event; content selects the row of SIA_EVENTS / CID_EVENTS."""
        lib = self.library_for(seq)
        acct = self.account if lib == "my_dc09_spt" else siadc09_account_text(self.account)
        if token == "SIA-DCS":
            area, code, zone = SIA_EVENTS[content % len(SIA_EVENTS)]
            if lib == "my_dc09_spt":
                # dc03event returns "#acct|Nri<area><code><zone>]" (no '/' between blocks).
                payload = dc03_msg.dc03event(acct, {"area": area, "code": code, "zone": zone})
            else:
                payload = f"#{acct}|Nri{area}/{code}{zone}"
        elif token == "ADM-CID":
            q, ev, group, zone = CID_EVENTS[content % len(CID_EVENTS)]
            if lib == "my_dc09_spt":
                payload = dc05_msg.dc05event(acct, {"q": q, "code": ev, "area": group,
                                                    "zone": zone})
            else:
                payload = f"#{acct}|{q}{ev} {group} {zone}"
        else:
            raise ValueError(token)
        if lib == "my_dc09_spt":
            return self._spt(seq, token, payload, offset_s)
        data = parse_siadcs(payload.encode()) if token == "SIA-DCS" else \
            parse_admcid(payload.encode())
        msg = s_message.EventMessage(self.s_account, config={
            "idtoken": token, "data": data, "seqno": seq,
            "timestamp": self._ts(offset_s) if (self.timestamps or self.key) else None})
        raw = msg.encode(encrypt=self.key is not None)
        return Frame(seq, token, data.pack(brackets=False).decode("ascii"), raw, lib, offset_s)

    def null(self, seq: int, offset_s: float = 0.0) -> Frame:
        """A NULL (link test / heartbeat) frame with the given sequence number."""
        lib = self.library_for(seq)
        if lib == "my_dc09_spt":
            # dc09poll() would always use seq 0000; dc09block(seq, "NULL", "]") is the same frame
            # with our sequence number.
            return self._spt(seq, "NULL", "]", offset_s)
        ts = self._ts(offset_s) if (self.timestamps or self.key) else None
        raw = s_message.NullMessage(self.s_account, timestamp=ts, seqno=seq).encode(
            encrypt=self.key is not None)
        return Frame(seq, "NULL", "", raw, lib, offset_s)

    def _spt(self, seq: int, token: str, payload: str, offset_s: float) -> Frame:
        # payload ends with ']' (my_dc09_spt convention: the closing bracket of the data field).
        data_text = payload[:-1]
        if self.key is None:
            spt = dc09_msg(self.account, key=None, receiver=self.receiver, line=self.line)
            if self.timestamps:
                payload = payload + "_" + totimestamp(self._ts(offset_s))
        else:
            # dc09crypt() stamps utcnow()+offset itself.
            spt = dc09_msg(self.account, key=self.key, receiver=self.receiver, line=self.line,
                           offset=offset_s)
        raw = spt.dc09block(seq, token, payload).encode("ascii")
        return Frame(seq, token, data_text, raw, "my_dc09_spt", offset_s)

    @staticmethod
    def _ts(offset_s: float) -> datetime.datetime:
        return datetime.datetime.now(UTC) + datetime.timedelta(seconds=offset_s)


# ------------------------------------------------------------------------------------ I/O

class StreamReader:
    """Reads CR-terminated answers from a TCP socket; keeps extra bytes for the next answer."""

    def __init__(self, sock: socket.socket):
        self.sock = sock
        self.buf = b""
        self.closed = False

    def read_answer(self, timeout: float) -> bytes | None:
        """Next answer up to and including CR. On timeout or EOF return whatever partial bytes
        arrived (e.g. a bare '"ACK"' without framing), or None if nothing did."""
        deadline = time.monotonic() + timeout
        while True:
            i = self.buf.find(b"\r")
            if i >= 0:
                ans, self.buf = self.buf[:i + 1], self.buf[i + 1:]
                return ans
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self.closed:
                break
            self.sock.settimeout(remaining)
            try:
                chunk = self.sock.recv(4096)
            except (socket.timeout, TimeoutError):
                break
            except OSError:
                self.closed = True
                break
            if not chunk:
                self.closed = True
                break
            self.buf += chunk
        if self.buf:
            ans, self.buf = self.buf, b""
            return ans
        return None


def escape(raw: bytes | None) -> str | None:
    """Bytes as readable ASCII: \\n, \\r, \\\\ and \\xNN for other non-printables."""
    if raw is None:
        return None
    out = []
    for b in raw:
        if b == 0x0A:
            out.append("\\n")
        elif b == 0x0D:
            out.append("\\r")
        elif b == 0x5C:
            out.append("\\\\")
        elif 0x20 <= b < 0x7F:
            out.append(chr(b))
        else:
            out.append("\\x%02x" % b)
    return "".join(out)


# ------------------------------------------------------------------------------------ checks

class _ListHandler(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


# siadc09 logs soft findings (e.g. "Short pad length: 3", "Missing timestamp on encrypted
# message") at DEBUG and still returns a message; we capture them as problems.
_S_LOG = logging.getLogger("siadc09.message")
# siadc09 forces its loggers to DEBUG; my_dc09_spt calls logging.info()/error() on the root logger,
# which installs a stderr handler (logging.basicConfig) on first use. Keep siadc09's debug chatter
# out of it: we collect those lines ourselves.
for _name in ("siadc09.message", "siadc09.siadcs"):
    logging.getLogger(_name).propagate = False


def siadc09_decode(raw: bytes, key: bytes | None):
    """(message or None, error text or None, debug notes) from siadc09 parse_frame."""
    handler = _ListHandler()
    _S_LOG.addHandler(handler)
    try:
        msg = s_message.parse_frame(raw, key)
        return msg, None, handler.messages
    except Exception as exc:  # noqa: BLE001 - any decoder failure is a finding
        return None, f"{exc.__class__.__name__}: {exc}", handler.messages
    finally:
        _S_LOG.removeHandler(handler)


def header_span(raw: bytes | None) -> bytes | None:
    """The text between the closing quote of the ID token and '[': seq, R, L, #acct."""
    if raw is None:
        return None
    m = _HEADER_SPAN.search(raw)
    return m.group(1) if m else None


def raw_kind(raw: bytes | None) -> tuple[str | None, bool]:
    """Answer token found in the raw bytes (fallback when siadc09 cannot decode)."""
    if not raw:
        return None, False
    m = _ANSWER_TOKEN.search(raw)
    if not m:
        return None, False
    return m.group(2).decode(), bool(m.group(1))


_KIND_BY_CLASS = {
    "AckMessage": "ACK",
    "NakMessage": "NAK",
    "DuhMessage": "DUH",
    "RspMessage": "RSP",
}


def check_answer(frame: Frame, answer: bytes | None, key: bytes | None,
                 received_at: datetime.datetime | None = None) -> dict:
    """The answer record for one request frame (see README for the fields)."""
    rec = {
        "seq": frame.seq,
        "token": frame.token,
        "data": frame.data,
        "encoder": frame.encoder,
        "frame": escape(frame.raw),
        "answer": escape(answer),
        "answer_kind": None,
        "answer_encrypted": None,
        "siadc09_ok": False,
        "siadc09_error": None,
        "echo_ok": False,
        "answer_timestamp": None,
        "answer_clock_diff_s": None,
        "problems": [],
    }
    if frame.offset_s:
        rec["offset_s"] = frame.offset_s
    if answer is None:
        rec["siadc09_error"] = "no answer"
        rec["problems"].append("no answer")
        return rec
    received_at = received_at or datetime.datetime.now(UTC)
    msg, err, debug = siadc09_decode(answer, key)
    rec["siadc09_ok"] = msg is not None
    rec["siadc09_error"] = err
    if msg is not None:  # on failure the debug lines only repeat the error
        rec["problems"].extend(f"siadc09: {d}" for d in debug)
    kind, enc = raw_kind(answer)
    if msg is not None:
        kind = _KIND_BY_CLASS.get(type(msg).__name__)
        enc = bool(msg.encrypted)
        if kind is None:
            rec["problems"].append(f"answer decodes as {type(msg).__name__} "
                                   f"{msg.idtoken!r}, not ACK/NAK/DUH/RSP")
        ts = msg.timestamp
        if ts is not None:
            rec["answer_timestamp"] = totimestamp(ts)
            rec["answer_clock_diff_s"] = round((ts - received_at).total_seconds(), 3)
    elif kind is not None:
        rec["problems"].append("siadc09 cannot decode the answer; kind taken from raw bytes")
    rec["answer_kind"] = kind
    rec["answer_encrypted"] = enc if kind else None

    # Echo: seq, R, L and #acct exactly as the library wrote them in the request. A NAK carries
    # seq 0000 (DC-09), so for NAK we expect "0000" + R, L, #acct of the request (the form siadc09
    # and our codec emit; the classic "R0L0A0" form without #acct does not echo).
    req_span, ans_span = header_span(frame.raw), header_span(answer)
    want_span = req_span
    if kind == "NAK" and req_span is not None:
        want_span = b"0000" + req_span[4:]
    rec["echo_ok"] = want_span is not None and ans_span == want_span
    if not rec["echo_ok"]:
        rec["problems"].append(
            f"header echo mismatch: expected {escape(want_span)!r}, got {escape(ans_span)!r}")
    if msg is not None and kind in ("ACK", "DUH", "RSP"):
        want = (frame.seq, int(frame.raw.split(b"#", 1)[1].split(b"[", 1)[0], 16))
        got = (msg.seq, msg.account.acct)
        if want != got:
            rec["problems"].append(f"siadc09 decodes seq/account {got}, expected {want}")

    if key is not None and kind == "ACK" and not enc:
        rec["problems"].append("clear ACK to an encrypted request (must be *ACK)")
    if enc and msg is not None and msg.timestamp is None:
        rec["problems"].append("encrypted answer without timestamp")
    if kind == "NAK" and rec["answer_timestamp"] is None and msg is not None:
        rec["problems"].append("NAK without timestamp")
    return rec


def spt_answer_offset(answer: bytes, seq: int, key: bytes | None) -> tuple[str | None, float | None,
                                                                              str | None]:
    """my_dc09_spt's own answer check `dc09_msg.dc09answer` (what its dialler would conclude):
    (kind, receiver clock offset in s, error). Used as a second opinion, e.g. for NAK forms that
    siadc09 refuses. my_dc09_spt only knows 16/32-byte keys."""
    if key is not None and len(key) == 24:
        return None, None, "my_dc09_spt supports AES-128/256 only"
    try:
        kind, offset = dc09_msg("0", key=key).dc09answer(seq, answer.decode("latin-1"))
        return kind, offset, None
    except Exception as exc:  # noqa: BLE001
        return None, None, f"{exc.__class__.__name__}: {exc}"


@dataclass
class Tally:
    acked: int = 0
    nak: int = 0
    duh: int = 0
    rsp: int = 0
    other: int = 0
    no_answer: int = 0
    notes: list = field(default_factory=list)

    def add(self, rec: dict):
        k = rec["answer_kind"]
        if rec["answer"] is None:
            self.no_answer += 1
        elif k == "ACK":
            self.acked += 1
        elif k == "NAK":
            self.nak += 1
        elif k == "DUH":
            self.duh += 1
        elif k == "RSP":
            self.rsp += 1
        else:
            self.other += 1

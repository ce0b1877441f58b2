#!/usr/bin/env python3
"""Cross-check vaka-sia-dc09 against third-party DC-09 implementations from PyPI.

1. Makes request frames with my_dc09_spt (sender) and siadc09 (encoder), clear and encrypted
   (AES-128/192/256, hex-style keys), and answers with pysiaalarm (receiver; ASCII-style keys),
   and writes them to ../vectors/peer_frames.json. The Rust test `tests/peers.rs` decodes every
   vector without Python.
2. Reads ../vectors/vaka_answers.json (our ACK/NAK/DUH, written by the Rust test with
   VAKA_SIA_DC09_WRITE_ANSWERS=1) and decodes each answer with siadc09's `parse_frame` and,
   for ACKs, with my_dc09_spt's `dc09answer`; the results go into ../vectors/answer_checks.json.

See README.md in this directory for how to run it.
"""

import datetime
import importlib.metadata
import json
import logging
import os
import sys

from my_dc09_spt.msg.dc03_msg import dc03_msg
from my_dc09_spt.msg.dc05_msg import dc05_msg
from my_dc09_spt.msg.dc09_msg import dc09_msg
from pysiaalarm import SIAAccount
from pysiaalarm.event import SIAEvent
from siadc09 import message as s_message
from siadc09.account import Account as SAccount
from siadc09.admcid import parse_admcid
from siadc09.siadcs import parse_siadcs

logging.disable(logging.CRITICAL)

HERE = os.path.dirname(os.path.abspath(__file__))
VECTORS = os.path.join(HERE, "..", "vectors")

# Fixed, public test keys (never real ones).
HEX_KEYS = {
    128: "000102030405060708090a0b0c0d0e0f",
    192: "000102030405060708090a0b0c0d0e0f1011121314151617",
    256: "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
}
ASCII_KEYS = {
    128: "AAAAAAAAAAAAAAAA",
    192: "0123456789ABCDEF01234567",
    256: "ABCDEF0123456789ABCDEF0123456789",
}
TS = datetime.datetime(2026, 11, 22, 15, 39, 35, tzinfo=datetime.UTC)
TS_TEXT = "15:39:35,11-22-2026"

vectors = []


def add(source, description, frame, *, key=None, expect):
    if isinstance(frame, bytes):
        frame = frame.decode("latin-1")
    vectors.append({
        "source": source,
        "description": description,
        "frame": frame,
        "key": key,
        "expect": expect,
    })


def header(id_, seq, receiver, line, account, encrypted):
    return {"id": id_, "encrypted": encrypted, "seq": seq, "receiver": receiver,
            "line": line, "account": account}


# ---------------------------------------------------------------- my_dc09_spt (sender)
SIA_EVENTS = [
    ({"code": "MA", "zone": "5", "area": "1"}, "PersonalAlarm"),
    ({"code": "FA", "zone": "12", "area": "2"}, "Fire"),
    ({"code": "YT", "zone": "0", "area": "1"}, "LowBattery"),
    ({"code": "RP", "area": "1"}, "Test"),
    ({"code": "NP", "zone": "501", "area": "1"}, "Other:NP"),
]
CID_EVENTS = [
    ({"code": "101", "q": "1", "zone": "15", "area": "1"}, "PersonalAlarm"),
    ({"code": "103", "q": "1", "zone": "3"}, "Fall"),
    ({"code": "301", "q": "3", "zone": "0"}, "Restore:MainsFailure"),
    ({"code": "602", "q": "1"}, "Test"),
    ({"code": "130", "q": "1", "zone": "7"}, "Other:1130"),
]

seq = 1
# my_dc09_spt takes key bytes (AES-128/256 only); we describe the same bytes in both styles.
for bits, style in [(None, None), (128, "hex"), (256, "hex"), (128, "ascii"), (256, "ascii")]:
    if bits is None:
        key, keybytes = None, None
    elif style == "hex":
        key, keybytes = {"style": "hex", "text": HEX_KEYS[bits]}, bytes.fromhex(HEX_KEYS[bits])
    else:
        key, keybytes = {"style": "ascii", "text": ASCII_KEYS[bits]}, ASCII_KEYS[bits].encode()
    for receiver, line in [(None, None), (0x12AB, 0x3), (None, 0)]:
        spt = dc09_msg("1234", key=keybytes, receiver=receiver, line=line)
        r = None if receiver is None else "%X" % receiver
        l = None if line is None else "%X" % line
        enc = keybytes is not None
        for params, cat in SIA_EVENTS:
            frame = spt.dc09block(seq, "SIA-DCS", dc03_msg.dc03event("1234", params))
            add("my_dc09_spt", f"SIA-DCS {params['code']} key={bits} R={r} L={l}", frame, key=key,
                expect={"header": header("SIA-DCS", seq, r, l, "1234", enc),
                        "categories": [cat], "has_timestamp": enc})
            seq += 1
        for params, cat in CID_EVENTS:
            frame = spt.dc09block(seq, "ADM-CID", dc05_msg.dc05event("1234", params))
            add("my_dc09_spt", f"ADM-CID {params['q']}{params['code']} key={bits} R={r} L={l}",
                frame, key=key,
                expect={"header": header("ADM-CID", seq, r, l, "1234", enc),
                        "categories": [cat], "has_timestamp": enc})
            seq += 1
        frame = spt.dc09poll()
        add("my_dc09_spt", f"NULL poll key={bits} R={r} L={l}", frame, key=key,
            expect={"header": header("NULL", 0, r, l, "1234", enc), "categories": [],
                    "has_timestamp": enc})

# Several events in one SIA-DCS block, no '/' (my_dc09_spt style is one event per block; this
# one is built by hand through its dc09block to keep its CRC/length/encryption).
spt = dc09_msg("1234", key=None, receiver=None, line=0)
frame = spt.dc09block(9999, "SIA-DCS", "#1234|Nri1MA5id7YT0]")
add("my_dc09_spt", "SIA-DCS two events without '/'", frame,
    expect={"header": header("SIA-DCS", 9999, None, "0", "1234", False),
            "categories": ["PersonalAlarm", "LowBattery"], "has_timestamp": False})

# ---------------------------------------------------------------- siadc09 (encoder)
for bits in [None, 128, 192, 256]:
    keytext = HEX_KEYS[bits] if bits else None
    key = {"style": "hex", "text": keytext} if bits else None
    for rcvr, pref in [(None, None), (0x579BDF, 0x789ABC)]:
        acct = SAccount(acct=0x123456A, pref=pref, rcvr=rcvr, key=keytext)
        r = None if rcvr is None else "%X" % rcvr
        l = "0" if pref is None else "%X" % pref
        enc = bits is not None
        cases = [
            ("SIA-DCS", parse_siadcs(b"#123456A|Nri1/MA5"), ["PersonalAlarm"]),
            ("SIA-DCS", parse_siadcs(b"#123456A|Nri1/FA129/NA3"), ["Fire", "Inactivity"]),
            ("ADM-CID", parse_admcid(b"#123456A|1100 01 015"), ["PersonalAlarm"]),
            ("ADM-CID", parse_admcid(b"#123456A|3384 00 004"), ["Restore:LowBattery"]),
        ]
        for n, (token, data, cats) in enumerate(cases):
            msg = s_message.EventMessage(acct, config={"idtoken": token, "data": data,
                                                       "seqno": 100 + n, "timestamp": TS})
            frame = msg.encode(encrypt=enc)
            add("siadc09", f"{token} {cats} key={bits} R={r}", frame, key=key,
                expect={"header": header(token, 100 + n, r, l, "123456A", enc),
                        "categories": cats, "has_timestamp": True, "timestamp": TS_TEXT})
        frame = s_message.NullMessage(acct, timestamp=TS, seqno=7).encode(encrypt=enc)
        add("siadc09", f"NULL key={bits} R={r}", frame, key=key,
            expect={"header": header("NULL", 7, r, l, "123456A", enc), "categories": [],
                    "has_timestamp": True, "timestamp": TS_TEXT})

# ---------------------------------------------------------------- pysiaalarm (receiver answers)
# Requests come from my_dc09_spt; pysiaalarm parses them and answers. Keys are ASCII-style.
for bits in [None, 128, 256]:
    keytext = ASCII_KEYS[bits] if bits else None
    key = {"style": "ascii", "text": keytext} if bits else None
    account = SIAAccount("1234", keytext)
    for receiver in [0x12AB, None]:
        spt = dc09_msg("1234", key=keytext.encode() if keytext else None, receiver=receiver, line=0)
        req = spt.dc09block(42, "SIA-DCS", dc03_msg.dc03event("1234", {"code": "MA", "zone": "1"}))
        line = req.strip()
        event = SIAEvent.from_line(line, {"1234": account})
        answer = event.create_response()
        r = None if receiver is None else "%X" % receiver
        if receiver is None:
            # pysiaalarm writes the missing R as the text "None" (research §2.1): not a frame
            # we can accept; kept as a negative vector.
            add("pysiaalarm", f"ACK to request without R (defect) key={bits}", answer, key=key,
                expect={"error": "BadAccount"})
            continue
        token = "ACK"
        add("pysiaalarm", f"{token} key={bits} R={r}", answer, key=key,
            expect={"header": header(token, 42, r, "0", "1234", bits is not None),
                    "categories": [], "has_timestamp": bits is not None})
    # DUH for an unknown SIA code.
    spt = dc09_msg("1234", key=keytext.encode() if keytext else None, receiver=1, line=0)
    req = spt.dc09block(43, "SIA-DCS", dc03_msg.dc03event("1234", {"code": "ZZ", "zone": "1"}))
    answer = SIAEvent.from_line(req.strip(), {"1234": account}).create_response()
    # pysiaalarm answers DUH only for codes missing from its table; whatever it answered, the
    # frame must decode (token taken from the answer itself).
    token = answer.split(b'"')[1].decode()
    enc = token.startswith("*")
    add("pysiaalarm", f"{token} to unknown code ZZ key={bits}", answer, key=key,
        expect={"header": header(token.lstrip("*"), 43, "1", "0", "1234", enc), "categories": [],
                "has_timestamp": enc})

# NAK for a stale timestamp: pysiaalarm's classic `A0` form without "#account": refused by our
# parser (and by siadc09) as a request; kept as a negative vector.
account = SIAAccount("1234", ASCII_KEYS[128])
spt = dc09_msg("1234", key=ASCII_KEYS[128].encode(), receiver=1, line=0, offset=-600)
req = spt.dc09block(44, "SIA-DCS", dc03_msg.dc03event("1234", {"code": "MA", "zone": "1"}))
answer = SIAEvent.from_line(req.strip(), {"1234": account}).create_response()
add("pysiaalarm", "NAK for a 600 s old timestamp (classic A0 form, no #account)", answer,
    expect={"error": "BadAccount"})

with open(os.path.join(VECTORS, "peer_frames.json"), "w") as f:
    json.dump({
        "generated_by": "tests/peers/make_vectors.py",
        "peers": {
            name: importlib.metadata.version(name)
            for name in ("siadc09", "my-dc09-spt", "pysiaalarm")
        },
        "vectors": vectors,
    }, f, indent=1)
    f.write("\n")
print(f"wrote {len(vectors)} peer vectors")

# ---------------------------------------------------------------- our answers, checked by peers
answers_path = os.path.join(VECTORS, "vaka_answers.json")
if not os.path.exists(answers_path):
    print("no vaka_answers.json yet; run the Rust test with VAKA_SIA_DC09_WRITE_ANSWERS=1 first")
    sys.exit(0)
with open(answers_path) as f:
    answers = json.load(f)["answers"]

checks = []
for a in answers:
    frame = a["frame"].encode("latin-1")
    keys = None
    if a["key"]:
        k = a["key"]
        keys = bytes.fromhex(k["text"]) if k["style"] == "hex" else k["text"].encode()
    result = {"name": a["name"]}
    try:
        msg = s_message.parse_frame(frame, keys)
        result["siadc09"] = "ok"
        result["siadc09_type"] = type(msg).__name__
        result["siadc09_seq"] = msg.seq
        result["siadc09_encrypted"] = msg.encrypted
        ts = getattr(msg, "timestamp", None)
        result["siadc09_timestamp"] = ts.strftime("%H:%M:%S,%m-%d-%Y") if ts else None
        result["siadc09_account"] = "%X" % msg.account.acct
    except Exception as e:  # noqa: BLE001 - record any decoder failure
        result["siadc09"] = f"error: {e.__class__.__name__}: {e}"
    if (a["name"].startswith("ACK") or a["name"].startswith("NAK")) and keys is not None \
            and len(keys) == 24:
        result["my_dc09_spt"] = "skipped: supports AES-128/256 only"
    elif a["name"].startswith("ACK") or a["name"].startswith("NAK"):
        spt = dc09_msg("1234", key=keys)
        try:
            kind, _offset = spt.dc09answer(a["seq"], a["frame"])
            result["my_dc09_spt"] = f"ok: {kind}"
        except Exception as e:  # noqa: BLE001
            result["my_dc09_spt"] = f"error: {e.__class__.__name__}: {e}"
    checks.append(result)

with open(os.path.join(VECTORS, "answer_checks.json"), "w") as f:
    json.dump({"checked_by": "siadc09 1.0.1 parse_frame, my_dc09_spt 0.2.2 dc09answer",
               "checks": checks}, f, indent=1)
    f.write("\n")
bad = [c for c in checks if c["siadc09"] != "ok"]
print(f"checked {len(checks)} vaka answers with siadc09: {len(checks) - len(bad)} ok")
for c in bad:
    print("  FAILED", c)

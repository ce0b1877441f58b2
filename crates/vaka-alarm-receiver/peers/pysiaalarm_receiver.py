#!/usr/bin/env python3
"""Runs pysiaalarm's asyncio DC-09 receiver (pysiaalarm.aio.SIAClient) as a stand-in / throughput
baseline: stores nothing, counts events, prints counts to stderr every second and a JSON summary to
stdout when stopped (SIGINT/SIGTERM or --duration).

    pysiaalarm_receiver.py --port P [--host 0.0.0.0] [--udp] [--duration S] [--verbose]
        (--accounts A1,A2,... [--key-ascii TEXT | --key-hex HEX] | --account ACCT[=ASCIIKEY] ...)

Keys: pysiaalarm uses the key STRING's bytes as the AES key (`key.encode()`), so it only supports
keys whose bytes are printable ASCII ("AAAAAAAAAAAAAAAA" -> AES-128). --key-hex is accepted when
the decoded bytes are ASCII (e.g. 30313233... = "0123..."), so the same key can be given to
dialler.py as --key-hex.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import signal
import sys
import time

from pysiaalarm import SIAAccount
from pysiaalarm.aio import SIAClient
from pysiaalarm.utils import CommunicationsProtocol


def parse_accounts(args) -> list[SIAAccount]:
    common_key = None
    if args.key_hex and args.key_ascii:
        raise SystemExit("give either --key-hex or --key-ascii")
    if args.key_ascii:
        common_key = args.key_ascii
    elif args.key_hex:
        raw = bytes.fromhex(args.key_hex)
        try:
            common_key = raw.decode("ascii")
        except UnicodeDecodeError as exc:
            raise SystemExit("pysiaalarm only supports keys whose bytes are ASCII text; "
                             f"{args.key_hex} is not") from exc
        if not common_key.isprintable():
            raise SystemExit("pysiaalarm only supports printable ASCII keys")
    specs: list[tuple[str, str | None]] = []
    for a in (args.accounts.split(",") if args.accounts else []):
        if a:
            specs.append((a, common_key))
    for a in args.account or []:
        acct, _, key = a.partition("=")
        specs.append((acct, key or None))
    if not specs:
        raise SystemExit("no accounts: use --accounts A1,A2 and/or --account ACCT[=KEY]")
    accounts = []
    for acct, key in specs:
        # Raises pysiaalarm's InvalidAccount*/InvalidKey* errors for bad input
        # (account 3..16 hex digits, key 16/24/32 characters that are hex digits).
        SIAAccount.validate_account(acct, key)
        accounts.append(SIAAccount(acct, key))
    return accounts


async def run(args) -> dict:
    accounts = parse_accounts(args)
    received = 0

    async def on_event(event) -> None:
        # Called by pysiaalarm only for events it answered with ACK. Store nothing.
        nonlocal received
        received += 1

    clients = [SIAClient(args.host, args.port, accounts, on_event,
                         protocol=CommunicationsProtocol.TCP)]
    if args.udp:
        clients.append(SIAClient(args.host, args.port, accounts, on_event,
                                 protocol=CommunicationsProtocol.UDP))
    for c in clients:
        await c.async_start()
        if c.protocol == CommunicationsProtocol.UDP and c.sia_server.transport is None:
            # QUIRK (pysiaalarm 3.2.2 on Python 3.11): SIAServerUDP.connection_made() asserts
            # isinstance(transport, asyncio.DatagramTransport), which the selector datagram
            # transport of 3.11 is not; the assert fails (logged by asyncio), the transport is
            # never stored and pysiaalarm silently answers nothing over UDP. Store it ourselves.
            c.sia_server.transport = c.transport
    print(f"pysiaalarm listening on {args.host}:{args.port} "
          f"({'tcp+udp' if args.udp else 'tcp'}), accounts "
          + ", ".join(f"{a.account_id}{'(key)' if a.key else ''}" for a in accounts),
          file=sys.stderr, flush=True)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    start = time.monotonic()
    last = 0
    while not stop.is_set():
        try:
            await asyncio.wait_for(stop.wait(), timeout=1.0)
        except asyncio.TimeoutError:
            pass
        elapsed = time.monotonic() - start
        counts = _counts(clients)
        print(f"t={elapsed:6.1f}s events={received} (+{received - last}/s) "
              f"lines={counts['events']} errors: "
              + " ".join(f"{k}={v}" for k, v in counts.items() if k.startswith("error_")),
              file=sys.stderr, flush=True)
        last = received
        if args.duration and elapsed >= args.duration:
            break
    for c in clients:
        await c.async_stop()
    elapsed = time.monotonic() - start
    return {"events": received, "seconds": round(elapsed, 3),
            "events_per_s": round(received / elapsed, 1) if elapsed else None,
            "pysiaalarm_counts": _counts(clients)}


def _counts(clients) -> dict:
    total: dict[str, int] = {}
    for c in clients:
        for k, v in vars(c.counts).items():
            total[k] = total.get(k, 0) + v
    return total


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--accounts", help="comma-separated hex accounts sharing --key-* (or clear)")
    p.add_argument("--account", action="append",
                   help="ACCT or ACCT=ASCIIKEY (repeatable; mix clear and keyed accounts)")
    p.add_argument("--key-ascii", help="key for --accounts, 16/24/32 characters")
    p.add_argument("--key-hex", help="key for --accounts as hex of ASCII bytes")
    p.add_argument("--udp", action="store_true", help="also serve UDP on the same port")
    p.add_argument("--duration", type=float, help="stop after this many seconds")
    p.add_argument("--verbose", action="store_true", help="pysiaalarm warnings/debug to stderr")
    args = p.parse_args()
    # pysiaalarm logs a WARNING per bad line; quiet by default so a flood cannot slow it down.
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.ERROR,
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    summary = asyncio.run(run(args))
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())

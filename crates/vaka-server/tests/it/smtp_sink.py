"""A local SMTP server for the e-mail tests (PyPI's aiosmtpd).

Listens on 127.0.0.1 at a port the system picks, prints `PORT <n>` first, then one JSON line
per message received: the envelope, and the decoded subject, addresses and plain-text body.
Runs until it is killed.
"""

import asyncio
import email
import json
import sys
from email import policy

from aiosmtpd.smtp import SMTP


class Sink:
    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=policy.default)
        body = msg.get_body(preferencelist=("plain",))
        print(
            json.dumps(
                {
                    "mail_from": envelope.mail_from,
                    "rcpt_tos": envelope.rcpt_tos,
                    "from": str(msg["from"]),
                    "to": str(msg["to"]),
                    "subject": str(msg["subject"]),
                    "content_type": msg.get_content_type(),
                    "body": body.get_content() if body is not None else "",
                }
            ),
            flush=True,
        )
        return "250 Message accepted for delivery"


async def main():
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(Sink()), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    print(f"PORT {port}", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(0)

#!/usr/bin/python3
"""Parse the messages the mail tests received (files named on the command
line) into JSON on stdout: headers (decoded), the text, HTML and calendar
parts (decoded), the invitation read with python3-icalendar, and the raw
bytes, so a test can look for a canary in every form a message has."""
import json
import sys
from email import policy
from email.parser import BytesParser

from icalendar import Calendar


def one(path):
    raw = open(path, "rb").read()
    msg = BytesParser(policy=policy.default).parsebytes(raw)
    out = {
        "file": path,
        "raw": raw.decode("utf-8", "replace"),
        "headers": {k.lower(): str(v) for k, v in msg.items()},
        "raw_subject": msg.get("Subject", "", ) and raw.split(b"\r\nSubject: ", 1)[-1].split(b"\r\n", 1)[0].decode(),
        "content_type": msg.get_content_type(),
        "parts": [],
    }
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        body = part.get_content()
        if isinstance(body, bytes):
            body = body.decode("utf-8", "replace")
        entry = {"type": ctype, "params": dict(part.get_params() or []), "body": body}
        if ctype == "text/calendar":
            cal = Calendar.from_ical(body)
            ev = next(c for c in cal.walk() if c.name == "VEVENT")
            entry["ics"] = {
                "method": str(cal.get("METHOD")),
                "uid": str(ev.get("UID")),
                "sequence": int(ev.get("SEQUENCE", 0)),
                "status": str(ev.get("STATUS", "")),
                "start": ev.decoded("DTSTART").isoformat(),
                "summary": str(ev.get("SUMMARY")),
                "description": str(ev.get("DESCRIPTION", "")),
            }
        out["parts"].append(entry)
    return out


print(json.dumps([one(p) for p in sys.argv[1:]]))

"""`presswash explain FILE`: what cleaning would take out of each document, and why."""

from __future__ import annotations

import textwrap

from flows.batches import DocumentTimeout, time_limit
from flows.documents import Unusable
from flows.readers import InputFile, Limits, MissingInput, expand_inputs, file_sha256, read_file

EXIT_OK = 0
EXIT_ERROR = 2


def _short(text: str, width: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def explain_file(path: str, limit: int = 10) -> int:
    from cleaners import clean

    found = list(expand_inputs([path]))
    if not found or isinstance(found[0], MissingInput):
        detail = (
            found[0].detail if found and isinstance(found[0], MissingInput) else "nothing to read"
        )
        print(f"presswash: {path}: {detail}")
        return EXIT_ERROR
    shown = 0
    limits = Limits()
    for item in found:
        if not isinstance(item, InputFile):
            continue
        for raw in read_file(item, limits, file_sha256(item)):
            if shown >= limit:
                print("(more documents not shown; use --limit)")
                return EXIT_OK
            shown += 1
            where = raw.source.path + (f":{raw.source.line}" if raw.source.line else "")
            if isinstance(raw, Unusable):
                print(f"{where}: not usable ({raw.reason}): {raw.detail}\n")
                continue
            try:
                with time_limit(limits.extraction_seconds):
                    doc = clean(
                        raw.content,
                        format=raw.kind,
                        url=raw.url,
                        title=raw.title,
                        published=raw.published,
                        charset=raw.charset,
                    )
            except DocumentTimeout:
                print(f"{where}: cleaning took longer than {limits.extraction_seconds:g} s\n")
                continue
            words = len(doc.text.split())
            print(f"{where} ({raw.kind}): {words} words kept, {len(doc.removed)} pieces removed")
            for label, value in (
                ("title", doc.title),
                ("site_name", doc.site_name),
                ("published", doc.published),
                ("url", doc.url),
                ("language", doc.language),
            ):
                if value:
                    print(f"  {label}: {value}")
            if doc.flags:
                print(f"  flags: {', '.join(doc.flags)}")
            for removal in doc.removed:
                print(f"  - {removal.rule} [{removal.category}]: {_short(removal.text)}")
            for repair in doc.repairs:
                example = f": {_short(repair.example, 60)}" if repair.example else ""
                print(f"  ~ repaired {repair.kind} ({repair.count}){example}")
            if doc.text:
                preview = textwrap.shorten(doc.text, 160, placeholder=" …")
                print(f"  text: {preview}")
            print()
    if shown == 0:
        print(f"presswash: {path}: no documents")
    return EXIT_OK

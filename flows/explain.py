"""`presswash explain FILE`: what cleaning would take out of each document, and why."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

from flows.batches import DocumentTimeout, time_limit
from flows.documents import Unusable
from flows.outputs import STATE
from flows.readers import InputFile, Limits, MissingInput, expand_inputs, file_sha256, read_file

EXIT_OK = 0
EXIT_ERROR = 2


def _short(text: str, width: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _site_boilerplate(out: Path) -> Callable[[str | None], frozenset[str]] | None:
    """What the runs into `out` learned of each site's boilerplate, looked up per site."""
    from flows.site_boilerplate import learned_in_state
    from flows.state import State, StateError

    path = out / STATE
    if not path.is_file():
        print(f"presswash: {out}: no {STATE} here; run `presswash clean ... --out {out}` first")
        return None
    try:
        state = State(path)
    except StateError as error:
        print(f"presswash: {error}")
        return None
    known: dict[str, frozenset[str]] = {}

    def learned(site: str | None) -> frozenset[str]:
        if not site:
            return frozenset()
        if site not in known:
            known[site] = learned_in_state(state, site)
        return known[site]

    return learned


def explain_file(path: str, limit: int = 10, out: Path | None = None) -> int:
    """Print, for each document of `path`, what cleaning takes out and why; with `out`, also
    the lines the runs into that output learned as the document's site's boilerplate."""
    from cleaners import clean
    from cleaners.fingerprint import site_of
    from cleaners.site_lines import strip_site_lines

    learned = _site_boilerplate(out) if out is not None else None
    if out is not None and learned is None:
        return EXIT_ERROR

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
            if learned is not None:
                doc = strip_site_lines(doc, learned(site_of(doc.url)))
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
            if doc.page_type:
                print(f"  page_type: {doc.page_type} (confidence {doc.page_type_confidence:.2f})")
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

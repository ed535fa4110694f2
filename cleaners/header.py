"""Reading a plain-text header (title, site name, date and URL lines) into metadata.

Scrapers often write a few lines of metadata above the body: the title, the title again with
the site's name after a dash, a date (`20211130`), the URL. Those lines are metadata, not
article text. A line is taken as a title only where the document reads that way: it is short,
does not end as running text does, and a body follows it. Nothing is ever invented: a document
whose first line is a sentence has no title.
"""

from __future__ import annotations

import datetime as dt
import email.utils
from dataclasses import replace

import regex

from cleaners.document import Document, Removal
from cleaners.text_shape import ends_with_full_stop, word_count

MAX_TITLE_WORDS = 30
MAX_TITLE_CHARS = 300
# A site name after a title separator is a few words at most.
MAX_SITE_NAME_WORDS = 5

_URL_LINE = regex.compile(r"^(?:url\s*:\s*)?(https?://[^\s<>\"']+)$", regex.IGNORECASE)
_TITLE_SUFFIX = regex.compile(r"^(?P<title>.+?)\s+(?:[-–—|•·:]|::)\s+(?P<site>[^-–—|•·]+)$")
_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for m in names
}
_DATE_PATTERNS = (
    regex.compile(r"^(?:date\s*:\s*)?(?P<y>(?:19|20)\d\d)(?P<m>\d\d)(?P<d>\d\d)$", regex.I),
    regex.compile(
        r"^(?:(?:date|published|updated)\s*:\s*)?(?P<y>(?:19|20)\d\d)[-/.](?P<m>\d\d?)[-/.](?P<d>\d\d?)"
        r"(?:[T ](?P<time>\d\d:\d\d(?::\d\d)?)(?P<tz>Z|[+-]\d\d:?\d\d)?)?$",
        regex.I,
    ),
    regex.compile(
        r"^(?:(?:date|published|updated)\s*:\s*)?(?:\w+,\s+)?(?P<mon>[A-Za-z]{3,9})\.?\s+(?P<d>\d\d?),?\s+(?P<y>(?:19|20)\d\d)"
        r"(?:,?\s+\d\d?:\d\d(?:\s*[AaPp]\.?[Mm]\.?)?(?:\s+[A-Z]{2,4})?)?$",
        regex.I,
    ),
    regex.compile(
        r"^(?:(?:date|published|updated)\s*:\s*)?(?:\w+,\s+)?(?P<d>\d\d?)\s+(?P<mon>[A-Za-z]{3,9})\.?\s+(?P<y>(?:19|20)\d\d)"
        r"(?:,?\s+\d\d?:\d\d)?$",
        regex.I,
    ),
)


def parse_date_line(line: str) -> str | None:
    """The ISO 8601 date a header line holds, or None when the line is not just a date."""
    line = line.strip()
    if len(line) > 60:
        return None
    for pattern in _DATE_PATTERNS:
        match = pattern.match(line)
        if not match:
            continue
        groups = match.groupdict()
        month = _MONTHS.get(groups["mon"].lower()) if groups.get("mon") else int(groups["m"])
        if month is None:
            continue
        try:
            day = dt.date(int(groups["y"]), month, int(groups["d"]))
        except ValueError:
            continue
        if groups.get("time"):
            stamp = f"{day.isoformat()}T{groups['time']}"
            if groups.get("tz"):
                tz = groups["tz"]
                stamp += "+00:00" if tz == "Z" else tz if ":" in tz else f"{tz[:3]}:{tz[3:]}"
            return stamp
        return day.isoformat()
    return None


def iso_published(value: str | None) -> str | None:
    """A date from outside (a feed's `published`, an HTTP date) as the ISO 8601 form records
    use, or None when it does not read as a date: a record never carries a date it cannot
    vouch for."""
    if not value or len(value) > 60:
        return None
    value = value.strip()
    parsed = parse_date_line(value)
    if parsed:
        return parsed
    moment: dt.datetime | None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            moment = None
    if moment is None or not 1900 <= moment.year <= 2100:
        return None
    stamp = moment.replace(microsecond=0).isoformat()
    if len(value) <= 10 and moment.time() == dt.time() and moment.tzinfo is None:
        return moment.date().isoformat()
    return stamp


def _is_title_like(line: str) -> bool:
    if len(line) > MAX_TITLE_CHARS:
        return False  # before counting words: a paragraph may be megabytes long
    words = word_count(line)
    return (
        0 < words <= MAX_TITLE_WORDS
        and not ends_with_full_stop(line)
        and not _URL_LINE.match(line)
        and parse_date_line(line) is None
    )


def read_header(doc: Document) -> Document:
    """Move header lines (title, site name, date, URL) out of the text into metadata.

    The header is the run of header lines at the top, however long: a window would stop in the
    middle of a run and leave header lines for a second reading to take, and cleaning clean
    text must change nothing. For the same reason a title is taken only where the text under
    the header reads as body: when another headline-shaped line follows, which of the two is
    the title is a guess, and nothing is invented.
    """
    paragraphs = doc.text.split("\n\n") if doc.text else []
    if len(paragraphs) < 2:
        return doc
    title, site_name, url, published = doc.title, doc.site_name, doc.url, doc.published
    taken: list[Removal] = []
    index = 0
    # Where the title line sits, and the header before it (kept when the title is a guess).
    title_at: int | None = None
    before_title: list[Removal] = []
    seen_title: str | None = None
    while index < len(paragraphs) - 1:
        line = paragraphs[index]
        url_match = _URL_LINE.match(line)
        date = None if url_match else parse_date_line(line)
        if url_match:
            url = url or url_match.group(1)
            taken.append(Removal("header.url", "metadata", line))
        elif date:
            published = published or date
            taken.append(Removal("header.date", "metadata", line))
        elif seen_title is None and _is_title_line(line, doc.title, paragraphs, index):
            seen_title = line
            title_at, before_title = index, list(taken)
            taken.append(Removal("header.title", "metadata", line))
        elif seen_title is not None and _same_title(seen_title, line):
            # The title twice: once bare and once with the site's name, in either order.
            seen_title, site = _split_site(seen_title, line)
            site_name = site_name or site
            taken.append(Removal("header.title", "metadata", line))
        else:
            break
        index += 1
    if title_at is not None and doc.title is None and _is_title_like(paragraphs[index]):
        taken, index, seen_title, site_name = before_title, title_at, None, doc.site_name
        url = doc.url or _first(before_title, "header.url")
        published = doc.published or _first_date(before_title)
    if not taken:
        return doc
    if seen_title is not None:
        bare, site = _strip_known_site(seen_title, site_name, url)
        title = title or bare
        site_name = site_name or site
    body = "\n\n".join(paragraphs[index:])
    return replace(
        doc.removing(taken, body), title=title, site_name=site_name, url=url, published=published
    )


def _is_title_line(line: str, known: str | None, paragraphs: list[str], index: int) -> bool:
    """A title line: the known title (perhaps with the site's name), or, where none is known,
    a title-shaped line with a body under it."""
    if known is not None:
        return _same_title(known, line) or _fold(line) == _fold(known)
    return _is_title_like(line) and _body_follows(paragraphs, index)


def _first(removals: list[Removal], rule: str) -> str | None:
    for removal in removals:
        if removal.rule == rule:
            match = _URL_LINE.match(removal.text)
            return match.group(1) if match else None
    return None


def _first_date(removals: list[Removal]) -> str | None:
    for removal in removals:
        if removal.rule == "header.date":
            return parse_date_line(removal.text)
    return None


def _fold(text: str) -> str:
    return " ".join(text.casefold().split())


def _body_follows(paragraphs: list[str], index: int) -> bool:
    """A title needs a body under it: more words after it than in it, in more than a line."""
    rest = paragraphs[index + 1 :]
    if not rest:
        return False
    rest_words = sum(word_count(p) for p in rest[:20])
    return rest_words >= 3 * word_count(paragraphs[index]) and rest_words >= 20


def _same_title(first: str, second: str) -> bool:
    if first == second:
        return True
    longer, shorter = (first, second) if len(first) > len(second) else (second, first)
    if not longer.startswith(shorter):
        return False
    suffix = _TITLE_SUFFIX.match(longer)
    return bool(suffix and suffix.group("title") == shorter)


def _split_site(first: str, second: str) -> tuple[str, str | None]:
    longer, shorter = (first, second) if len(first) >= len(second) else (second, first)
    if longer == shorter:
        return shorter, None
    suffix = _TITLE_SUFFIX.match(longer)
    site = suffix.group("site").strip() if suffix else None
    if site and word_count(site) <= MAX_SITE_NAME_WORDS:
        return shorter, site
    return shorter, None


def _strip_known_site(title: str, site_name: str | None, url: str | None) -> tuple[str, str | None]:
    """Take a trailing " - Site" off a title when the site is known to be that name."""
    suffix = _TITLE_SUFFIX.match(title)
    if not suffix:
        return title, None
    site = suffix.group("site").strip()
    host = _host_key(url)
    site_key = regex.sub(r"[^a-z0-9]", "", site.lower())
    if site == site_name or (host and site_key and (site_key in host or host in site_key)):
        return suffix.group("title"), site
    return title, None


def _host_key(url: str | None) -> str | None:
    if not url:
        return None
    match = regex.match(r"https?://(?:www\.|m\.|amp\.)?([^/:]+)", url, regex.IGNORECASE)
    if not match:
        return None
    host = match.group(1).lower().split(".")
    return host[-2] if len(host) >= 2 else host[0]

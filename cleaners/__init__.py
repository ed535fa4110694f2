"""presswash's cleaning stages: pure functions over a frozen `Document`, no I/O, no Prefect."""

from cleaners.assess import FLAGS
from cleaners.document import Document, Removal, Repair
from cleaners.mojibake import fix_encoding
from cleaners.pipeline import PIPELINE_VERSION, clean, clean_document

__all__ = [
    "FLAGS",
    "PIPELINE_VERSION",
    "Document",
    "Removal",
    "Repair",
    "clean",
    "clean_document",
    "fix_encoding",
]

"""Sort a file's metadata items into groups a person understands: where, which device, who,
when, with what software, and what is hidden in it.

The pipeline reports items as ``location / field / value`` in each format's own words
(``EXIF:GPS / GPSLatitude``, ``docProps/core.xml / lastModifiedBy``, ``PDF:Page1 /
TextAnnotation``). The table below maps them to groups by rules on those names; the first
rule that matches wins, so the order matters (``lastModifiedBy`` is a person before it is a
date, a PDF's ``Creator`` is an application, a DOCX's ``creator`` is a person).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from sanitize.report import MetadataItem
from sanitize.ui import places

Severity = Literal["high", "medium", "low"]

GROUPS: dict[str, Severity] = {
    "location": "high",  # a home address is the worst thing a photo can give away
    "people": "high",
    "hidden": "high",  # comments, tracked changes, attachments: whole sentences, not tags
    "device": "medium",  # a serial number ties photos to one camera, and so to one person
    "dates": "medium",
    "software": "low",
    "other": "low",  # identifiers and structures that mean little on their own
}


@dataclass(frozen=True)
class Rule:
    group: str
    location: str  # regular expression searched in the item's location ("" matches all)
    field: str  # regular expression searched in the item's field name ("" matches all)
    why: str


# fmt: off
RULES: tuple[Rule, ...] = (
    # group       location pattern              field pattern
    Rule("location", r"GPS",                      r"",
         "every field of a GPS directory: position, altitude, direction, time of fix"),
    Rule("location", r"",
         r"^GPS|location|ISO6709|©xyz|^City$|^Country|sub-?location|^Province|^State$",
         "positions and place names written by phones, cameras and photo editors"),
    Rule("hidden",   r"IFD1|PDF:(Form|JavaScript|EmbeddedFiles|Layers|Revisions|Outline)", r"",
         "EXIF's second directory is the thumbnail; a PDF's forms, scripts, attachments, "
         "hidden layers, bookmarks and earlier revisions"),
    Rule("software", r"PDF:Info",                 r"^/?(Creator|Producer)$",
         "in a PDF's Info dictionary, Creator and Producer name applications"),
    Rule("software", r"",                         r"CreatorTool|HistorySoftwareAgent",
         "XMP's names for the editing application"),
    Rule("people",   r"",
         r"author|artist|creator|by-?line|lastModifiedBy|manager|company|copyright|owner"
         r"|rights|credit|contact|publisher|writer|editor|people|person|Link/T|WINUSER|absPath",
         "names of people and organisations, and user folders that contain a login name"),
    Rule("device",   r"",
         r"^Make$|^Model$|serial|^Lens|CameraOwner|HostComputer|printerSettings|BodySerial",
         "what took the photo: make, model, serial numbers, lens; printers"),
    Rule("dates",    r"",
         r"date|time|created|modified|LastMod|^revision$",
         "when it was shot, created, edited, and how long it was edited"),
    Rule("software", r"",
         r"software|application|AppVersion|template|producer|encoder|writing|muxing|version",
         "the applications and templates that made the file"),
    Rule("hidden",   r"",
         r"comment|annot|cm$|^cm|tracked|Formatting|FormWidget|hidden|notes|embedded|attach|thumb"
         r"|revision|layer|MPF|JUMBF|C2PA|Trailer|AfterEnd|XFA|javascript|action|glossary"
         r"|docParts|DocumentVariable|custom|Unreferenced|metadata|desc|title|label|VENDOR"
         r"|webSettings|PieceInfo|ExtendedXMP|subject|keywords|description|category|property",
         "content a reader does not see: comments, tracked changes, hidden text, attachments, "
         "old revisions, thumbnails, extra images, scripts, forms, descriptions"),
)
# fmt: on

_COMPILED = [
    (rule.group, re.compile(rule.location, re.IGNORECASE), re.compile(rule.field, re.IGNORECASE))
    for rule in RULES
]


def group_of(item: MetadataItem) -> str:
    for group, location, field in _COMPILED:
        if location.search(item.location) and field.search(item.field):
            return group
    return "other"


def grouped(items: list[MetadataItem]) -> list[dict[str, object]]:
    """Groups in a fixed order (most severe first), each with its items and, for a
    location, the nearest town of every GPS position found."""
    buckets: dict[str, list[MetadataItem]] = {}
    for item in items:
        buckets.setdefault(group_of(item), []).append(item)
    result: list[dict[str, object]] = []
    for name, severity in GROUPS.items():
        members = buckets.get(name)
        if not members:
            continue
        entry: dict[str, object] = {
            "group": name,
            "severity": severity,
            "items": [
                {"where": i.location, "field": i.field, "value": i.value[:200]} for i in members
            ],
        }
        if name == "location":
            entry["places"] = [p.to_dict() for p in places.positions(members)]
        result.append(entry)
    return result

"""SVG: metadata, comments, editor namespaces (Inkscape, Sodipodi, Illustrator, Sketch...),
file paths, and titles that credit people go; shapes, text, size and viewBox stay."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence

from lxml import etree

from sanitize import catalog
from sanitize.cleaners.base import Cleaner, CleanResult, ParsedFile, Replacement, TextPart
from sanitize.context import Context
from sanitize.errors import CorruptFileError, VerificationError
from sanitize.formats.values import short_text
from sanitize.formats.xmltext import TextMap, mixed_slots
from sanitize.report import MetadataItem
from sanitize.xmlsafe import as_text, attributes_of, drop, parse_xml, text_of, texts_of

SVG = "http://www.w3.org/2000/svg"
XLINK = "http://www.w3.org/1999/xlink"
EDITOR_NAMESPACES = {
    "http://www.inkscape.org/namespaces/inkscape": "inkscape",
    "http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd": "sodipodi",
    "http://inkscape.sourceforge.net/DTD/sodipodi-0.dtd": "sodipodi",
    "http://ns.adobe.com/AdobeIllustrator/10.0/": "illustrator",
    "http://ns.adobe.com/AdobeSVGViewerExtensions/3.0/": "adobe",
    "http://ns.adobe.com/Extensibility/1.0/": "adobe",
    "http://ns.adobe.com/Graphs/1.0/": "adobe",
    "http://ns.adobe.com/Variables/1.0/": "adobe",
    "http://ns.adobe.com/SaveForWeb/1.0/": "adobe",
    "http://ns.adobe.com/ImageReplacement/1.0/": "adobe",
    "http://ns.adobe.com/xap/1.0/": "xmp",
    "http://www.bohemiancoding.com/sketch/ns": "sketch",
    "http://www.serif.com/": "serif",
    "http://creativecommons.org/ns#": "cc",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf",
    "http://www.figma.com/figma/ns": "figma",
    "https://boxy-svg.com": "boxy",
    "http://www.vectornator.io": "vectornator",
    "http://www.corel.com/coreldraw/odg": "corel",
}
# A <title> or <desc> is kept when it describes the drawing (screen readers announce
# it); it goes when it is one of what tools and people leave behind instead:
# - a file name or path ("logo-final-v3.ai", "C:\\Users\\anna\\logo.svg");
_FILE_NAME = re.compile(
    r"^\S[^\n]{0,120}\.(?:svg|svgz|ai|eps|pdf|png|jpe?g|gif|webp|tiff?|psd|sketch|fig|xd|"
    r"cdr|afdesign|vsdx?|drawio|odg|indd)$|^(?:file:|/|~/|[A-Za-z]:[\\/]|\\\\)",
    re.IGNORECASE,
)
# - a tool's signature or the editor that made it ("Created with Sketch." says it in words);
_TOOLS = re.compile(
    r"\b(?:inkscape|illustrator|sketchtool|figma|coreldraw|corel|affinity|boxy svg|"
    r"vectornator|linearity|gravit|draw\.io|diagrams\.net|visio|libreoffice|openoffice|"
    r"adobe|canva|penpot|svgedit|method draw|graphviz|matplotlib|plotly|mermaid)\b|"
    r"\b(?:created|generated|made|exported) (?:with|by|in|using)\b",
    re.IGNORECASE,
)
# - an editor's default name for an unnamed template ("Artboard 1", "Untitled-2");
_TEMPLATE = re.compile(
    r"^(?:artboard|untitled|layer|calque|ebene|capa|page|frame|group|slice|symbol|"
    r"template|drawing|dessin|zeichnung|sans titre|unbenannt|sin título|image|icon)"
    r"(?:[\s_-]*\d+)?(?:\s+copy(?:\s+\d+)?)?$",
    re.IGNORECASE,
)
# - a person: an e-mail address, a handle, a credit or copyright line.
_PERSON = re.compile(
    r"[\w.+-]+@[\w-]+\.[\w.]+|(?:^|\s)@\w{2,}|©|\(c\)|\bcopyright\b|\bauthor\b|"
    r"\b(?:designed|drawn|illustrated|photographed) by\b",
    re.IGNORECASE,
)
# "by Anna", not "by night": the name's capital letter is what tells them apart.
_CREDIT = re.compile(r"\b(?:[Bb]y|[Pp]ar|[Vv]on|[Pp]or|[Dd]i) [A-ZÀ-Ý][a-zà-ÿ]+")


def tool_or_person(text: str) -> str | None:
    """Why a title or description names a file, tool, template or person, or None."""
    stripped = " ".join(text.split())
    if not stripped:
        return None
    if _FILE_NAME.search(stripped):
        return "file name"
    if _TOOLS.search(stripped):
        return "tool"
    if _TEMPLATE.match(stripped):
        return "template name"
    if _PERSON.search(stripped) or _CREDIT.search(stripped):
        return "person"
    return None


GEOMETRY = ("width", "height", "viewBox")
LOCAL_PATH = re.compile(r"^(file:|/Users/|/home/|[A-Za-z]:[\\/])")


class SvgScrub:
    """The removal walk over a parsed SVG tree, recording what it removes."""

    def __init__(self, root: etree._Element, context: Context):
        self.root = root
        self.context = context
        self.items: list[MetadataItem] = []
        self._run()

    def record(self, location: str, field: str, value: str) -> None:
        self.items.append(MetadataItem(location, field, short_text(value)))

    def _run(self) -> None:
        root = self.root
        # Comments and instructions around the root are not serialised again (see output).
        outside = [*root.itersiblings(preceding=True), *root.itersiblings()]
        for node in list(root.iter(etree.Comment, etree.ProcessingInstruction)) + outside:
            self.record(
                "SVG",
                "Comment" if isinstance(node, etree._Comment) else "ProcessingInstruction",
                node.text or "",
            )
            drop(node)
        for element in list(root.iter(f"{{{SVG}}}metadata")):
            self.record(
                "SVG:metadata",
                "metadata",
                " ".join(t.strip() for t in texts_of(element) if t.strip()) or "present",
            )
            drop(element)
        for element in list(root.iter()):
            if (
                not isinstance(element.tag, str)
                or element.getparent() is None
                and element is not root
            ):
                continue
            namespace = etree.QName(element).namespace
            if namespace in EDITOR_NAMESPACES:
                self.record(
                    f"SVG:{EDITOR_NAMESPACES[namespace]}",
                    etree.QName(element).localname,
                    _attributes(element),
                )
                drop(element)
                continue
            for name in list(element.attrib):
                attr_ns = etree.QName(name).namespace
                if attr_ns in EDITOR_NAMESPACES:
                    self.record(
                        f"SVG:{EDITOR_NAMESPACES[attr_ns]}",
                        etree.QName(name).localname,
                        as_text(element.attrib[name]),
                    )
                    del element.attrib[name]
            for name in ("href", f"{{{XLINK}}}href"):
                value = element.get(name, "")
                if LOCAL_PATH.match(value):
                    self.record("SVG:link", "LocalFilePath", value)
                    del element.attrib[name]
                elif value.startswith("data:image/"):
                    cleaned = self._embedded_image(value)
                    if cleaned != value:
                        element.set(name, cleaned)
        for element in list(root.iter(f"{{{SVG}}}title", f"{{{SVG}}}desc")):
            text = text_of(element)
            if tool_or_person(text):
                self.record("SVG", etree.QName(element).localname, text)
                drop(element)
        etree.cleanup_namespaces(root, keep_ns_prefixes=["xlink"])

    def _embedded_image(self, uri: str) -> str:
        """A photo embedded as a data: URI goes through its image cleaner (EXIF, GPS...)."""
        header, _, payload = uri.partition(",")
        if not header.endswith(";base64"):
            return uri
        try:
            data = base64.b64decode(payload, validate=False)
        except (binascii.Error, ValueError) as exc:
            raise CorruptFileError("SVG embeds an image whose base64 is broken") from exc
        nested = self.context.clean_nested(data, "data: URI")
        if not nested.handled or nested.kind == "svg":
            return uri
        for item in nested.items:
            self.items.append(MetadataItem(f"SVG:image/{item.location}", item.field, item.value))
        return f"{header},{base64.b64encode(nested.data).decode('ascii')}"

    def output(self) -> bytes:
        # Serialising the root element alone leaves out the prolog's comments and DOCTYPE.
        return etree.tostring(self.root, xml_declaration=True, encoding="UTF-8")


def _attributes(element: etree._Element) -> str:
    return (
        "; ".join(f"{etree.QName(k).localname}={v}" for k, v in attributes_of(element)) or "present"
    )


class SvgFile(ParsedFile):
    can_redact = True

    def __init__(self, data: bytes, kind: str, context: Context):
        super().__init__(data, kind, context)
        self.root = parse_xml(data, "SVG")
        if etree.QName(self.root).localname != "svg":
            raise CorruptFileError("not an SVG document (root is not <svg>)")
        self.geometry = [self.root.get(a) for a in GEOMETRY]
        # The visible text is mapped before the walk edits the tree.
        self.text_map = TextMap("")
        for element in self.root.iter(f"{{{SVG}}}text"):
            if not any(etree.QName(a).localname == "text" for a in element.iterancestors()):
                self.text_map.add(mixed_slots(element))
        self._scrub: SvgScrub | None = None

    def _scrubbed(self) -> SvgScrub:
        if self._scrub is None:
            self._scrub = SvgScrub(self.root, self.context)
        return self._scrub

    def items(self) -> list[MetadataItem]:
        return list(self._scrubbed().items)

    def clean(self) -> CleanResult:
        return CleanResult(self._scrubbed().output())

    def verify(self, cleaned: ParsedFile) -> None:
        if not isinstance(cleaned, SvgFile):
            raise VerificationError("cleaned file is no longer an SVG")
        for name, before, after in zip(GEOMETRY, self.geometry, cleaned.geometry, strict=True):
            if before != after:
                raise VerificationError(f"SVG {name} changed during cleaning")

    def text_parts(self) -> list[TextPart]:
        return [self.text_map.part()] if self.text_map.pieces else []

    def redact(self, replacements: Sequence[Sequence[Replacement]]) -> bytes:
        if replacements:
            self.text_map.apply(replacements[0], {})
        return etree.tostring(self.root, xml_declaration=True, encoding="UTF-8")


class SvgCleaner(Cleaner):
    name = "svg"
    kinds = catalog.kinds_of("svg")
    version = "2"  # gain maps, cut files, broken tags, XMP orientation, title rule

    def open(self, data: bytes, kind: str, context: Context) -> SvgFile:
        return SvgFile(data, kind, context)

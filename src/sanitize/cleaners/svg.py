"""SVG: metadata, comments, editor namespaces (Inkscape, Sodipodi, Illustrator, Sketch...),
file paths, and titles that credit people go; shapes, text, size and viewBox stay."""

from __future__ import annotations

import re

from lxml import etree

from sanitize.cleaners.base import Cleaner, CleanResult
from sanitize.errors import CorruptFileError
from sanitize.formats.values import short_text
from sanitize.options import Options
from sanitize.report import MetadataItem
from sanitize.xmlsafe import parse_xml

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
# Titles and descriptions written by tools or naming their author.
CREDIT = re.compile(
    r"created (with|by)|generated (with|by)|made (with|by)|\bauthor\b|\bdesigned by\b|©|\(c\)|"
    r"copyright|[\w.+-]+@[\w-]+\.[\w.]+|\bby [A-Z][a-z]+",
    re.IGNORECASE,
)
LOCAL_PATH = re.compile(r"^(file:|/Users/|/home/|[A-Za-z]:[\\/])")


class SvgScrub:
    def __init__(self, data: bytes):
        self.root = parse_xml(data, "SVG")
        if etree.QName(self.root).localname != "svg":
            raise CorruptFileError("not an SVG document (root is not <svg>)")
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
            _drop(node)
        for element in list(root.iter(f"{{{SVG}}}metadata")):
            self.record(
                "SVG:metadata",
                "metadata",
                " ".join(t.strip() for t in element.itertext() if t.strip()) or "present",
            )
            _drop(element)
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
                _drop(element)
                continue
            for name in list(element.attrib):
                attr_ns = etree.QName(name).namespace
                if attr_ns in EDITOR_NAMESPACES:
                    self.record(
                        f"SVG:{EDITOR_NAMESPACES[attr_ns]}",
                        etree.QName(name).localname,
                        element.attrib[name],
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
            text = "".join(element.itertext())
            if CREDIT.search(text):
                self.record("SVG", etree.QName(element).localname, text)
                _drop(element)
        etree.cleanup_namespaces(root, keep_ns_prefixes=["xlink"])

    def _embedded_image(self, uri: str) -> str:
        """A photo embedded as a data: URI goes through its image cleaner (EXIF, GPS...)."""
        import base64
        import binascii

        from sanitize import filetype
        from sanitize.options import Options
        from sanitize.registry import default_registry

        header, _, payload = uri.partition(",")
        if not header.endswith(";base64"):
            return uri
        try:
            data = base64.b64decode(payload, validate=False)
        except (binascii.Error, ValueError) as exc:
            raise CorruptFileError("SVG embeds an image whose base64 is broken") from exc
        kind = filetype.detect(data)
        cleaner = default_registry().for_kind(kind)
        if cleaner is None or kind == "svg":
            return uri
        options = Options()
        for item in cleaner.inspect(data, kind, options):
            self.items.append(MetadataItem(f"SVG:image/{item.location}", item.field, item.value))
        result = cleaner.clean(data, kind, options)
        cleaner.verify(data, result.data, kind, options)
        return f"{header},{base64.b64encode(result.data).decode('ascii')}"

    def output(self) -> bytes:
        # Serialising the root element alone leaves out the prolog's comments and DOCTYPE.
        return etree.tostring(self.root, xml_declaration=True, encoding="UTF-8")


def _drop(node: etree._Element) -> None:
    parent = node.getparent()
    if parent is None:
        return
    # Keep the text that followed the node (whitespace between shapes).
    if node.tail:
        previous = node.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)


def _attributes(element: etree._Element) -> str:
    return (
        "; ".join(f"{etree.QName(k).localname}={v}" for k, v in element.attrib.items()) or "present"
    )


class SvgCleaner(Cleaner):
    name = "svg"
    kinds = frozenset({"svg"})

    def inspect(self, data: bytes, kind: str, options: Options) -> list[MetadataItem]:
        return SvgScrub(data).items

    def clean(self, data: bytes, kind: str, options: Options) -> CleanResult:
        return CleanResult(SvgScrub(data).output())

    def verify(self, original: bytes, cleaned: bytes, kind: str, options: Options) -> None:
        before, after = parse_xml(original, "SVG"), parse_xml(cleaned, "SVG")
        for attribute in ("width", "height", "viewBox"):
            if before.get(attribute) != after.get(attribute):
                from sanitize.errors import VerificationError

                raise VerificationError(f"SVG {attribute} changed during cleaning")

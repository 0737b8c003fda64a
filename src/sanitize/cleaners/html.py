"""HTML and XHTML: who wrote the page, with what and when goes; what it shows stays.

Removed:
- comments everywhere, conditional comments (``<!--[if gte mso 9]>``, which hold Word's
  document properties) included, and processing instructions;
- ``<meta>`` that names a person, a tool or a date (see ``META_REMOVED``): author,
  generator, creator, publisher, copyright, Dublin Core (``dc.*``, ``dcterms.*``), Open
  Graph and schema.org fields about people and times (``article:author``,
  ``article:published_time``, ``og:updated_time``, ``twitter:creator``, ``fb:admins``...).
  Fields that describe the page to readers and link previews (``description``,
  ``keywords``, ``og:title``, ``og:image``...) are written for publication: they stay;
- editor marks: Word's ``o:``/``w:``/``v:``/``st1:`` elements (metadata blocks dropped,
  inline ones such as ``<o:p>`` unwrapped so their text stays), their attributes and
  ``xmlns`` declarations, ``mso-`` style declarations, Word's side-file links
  (``File-List``, ``Edit-Time-Data``...); Google Docs ``docs-internal-guid`` ids; editor
  and extension ``data-`` attributes (Notion block ids, ProseMirror, Grammarly...);
- CSS comments in ``<style>`` (not ``/*! licence */`` notices);
- links to local files (``file:``, ``C:\\``, ``/Users/``, ``/home/``);
- with ``--strip-tracking``: tracking parameters in links and tracking pixels (remote
  images of at most 1x1 pixel); without it they are listed as remarks.

Images embedded as ``data:`` URIs go through their own cleaner. Scripts are kept as they
are (a remark says so). The visible text of ``<body>`` is scanned and can be redacted.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
from collections.abc import Iterator, Sequence
from typing import cast

from lxml import etree

from sanitize import catalog
from sanitize.cleaners.base import Cleaner, CleanResult, ParsedFile, Replacement, TextPart
from sanitize.context import Context
from sanitize.errors import CorruptFileError, LimitExceededError, VerificationError
from sanitize.formats import css, tracking
from sanitize.formats.values import short_text
from sanitize.formats.xmltext import Slot, TextMap
from sanitize.report import MetadataItem
from sanitize.xmlsafe import drop, parse_xml

MAX_HTML_SIZE = 64 * 1024**2  # a bigger page is not a hand-written one: refuse, not hang
XHTML = "http://www.w3.org/1999/xhtml"

META_REMOVED = frozenset(
    """author authors generator creator publisher originator progid copyright owner designer
    reply-to web_author contact date created creation-date creation_date modified
    last-modified revised revisit-after dc.creator dc.date article:author
    article:published_time article:modified_time article:expiration_time og:updated_time
    book:author music:creator video:writer video:director twitter:creator
    twitter:creator:id fb:admins fb:profile_id profile:username profile:first_name
    profile:last_name datepublished datemodified datecreated""".split()
)
META_PREFIXES = ("dc.", "dc:", "dcterms.", "dcterms:", "profile:")
# Word's "Save as web page" links the folder of side files it wrote beside the page.
LINK_RELS_REMOVED = frozenset(
    "file-list edit-time-data themedata colorschememapping ole-object-data "
    "datastoreitem preview".split()
)
OFFICE_NAMESPACES = {
    "urn:schemas-microsoft-com:office:office": "o",
    "urn:schemas-microsoft-com:office:word": "w",
    "urn:schemas-microsoft-com:vml": "v",
    "urn:schemas-microsoft-com:office:excel": "x",
    "urn:schemas-microsoft-com:office:smarttags": "st1",
    "http://schemas.microsoft.com/office/2004/12/omml": "m",
    "http://www.w3.org/TR/REC-html40": "",
}
OFFICE_PREFIXES = frozenset({"o", "w", "v", "x", "m", "st1", "st2", "dt"})
# Office elements that hold document properties or settings, not page content.
OFFICE_METADATA = frozenset(
    "documentproperties customdocumentproperties officedocumentsettings worddocument "
    "latentstyles shapedefaults shapelayout".split()
)
# data- attributes written by editors and browser extensions, never read by the page.
EDITOR_DATA = frozenset(
    """data-block-id data-notion-block-id data-token-index data-content-editable-leaf
    data-content-editable-void data-pm-slice data-sheets-value data-sheets-userformat
    data-sheets-formula data-sheets-root data-ccp-props data-ccp-parastyle data-contrast
    data-gramm data-gramm_editor data-gramm_id data-gr-id data-enable-grammarly
    data-new-gr-c-s-check-loaded data-gr-ext-installed data-new-gr-c-s-loaded
    data-lt-installed data-lt-tmp-id data-darkreader-inline-color
    data-darkreader-inline-bgcolor data-darkreader-inline-border data-darkreader-mode
    data-darkreader-scheme data-mce-style data-mce-href data-mce-src data-mce-bogus
    paraid paraeid""".split()
)
EDITOR_DATA_PREFIXES = ("data-darkreader-", "data-mce-", "data-gr-", "data-notion-")
LOCAL_PATH = re.compile(r"^\s*(file:|/Users/|/home/|[A-Za-z]:[\\/]|\\\\)")
NOT_SHOWN = frozenset({"script", "style", "template", "noscript", "head", "title"})
BLOCKS = frozenset(
    """address article aside blockquote br dd details dialog div dl dt fieldset figcaption
    figure footer form h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section summary
    table tbody td tfoot th thead tr ul caption""".split()
)
_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_DOCTYPE = re.compile(rb"<!doctype[^>]*>", re.IGNORECASE)
_XHTML_ROOT = re.compile(rb"<html[^>]*\sxmlns\s*=\s*[\"']http://www\.w3\.org/1999/xhtml")
BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


def _encoding(data: bytes) -> tuple[str, bytes]:
    """The page's encoding (byte-order mark, then <meta charset>, then a UTF-8 check) and
    its byte-order mark."""
    for bom, name in BOMS:
        if data.startswith(bom):
            return name, bom
    match = _CHARSET.search(data[:4096])
    if match:
        try:
            return codecs.lookup(match.group(1).decode("ascii")).name, b""
        except LookupError:
            pass
    try:
        data[: 1 << 20].decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < min(len(data), 1 << 20) - 4:
            return "cp1252", b""
    return "utf-8", b""


def _name(node: etree._Element) -> tuple[str, str]:
    """(editor prefix or "", lower-case local name) of an element or attribute name."""
    return _split(str(node.tag))


def _split(name: str) -> tuple[str, str]:
    if name.startswith("{"):
        namespace, _, local = name[1:].partition("}")
        return OFFICE_NAMESPACES.get(namespace, ""), local.lower()
    prefix, colon, local = name.partition(":")
    if colon and prefix.lower() in OFFICE_PREFIXES:
        return prefix.lower(), local.lower()
    return "", name.lower()


def _is_element(node: etree._Element) -> bool:
    return isinstance(node.tag, str)


def _add_text(parent: etree._Element, previous: etree._Element | None, text: str) -> None:
    if not text:
        return
    if previous is not None:
        previous.tail = (previous.tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def _unwrap(node: etree._Element) -> None:
    """Replace ``node`` by its content (text and children stay where they were)."""
    parent = node.getparent()
    if parent is None:
        return
    previous, index = node.getprevious(), parent.index(node)
    text, tail, children = node.text or "", node.tail or "", list(node)
    parent.remove(node)
    _add_text(parent, previous, text)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    _add_text(parent, children[-1] if children else previous, tail)


def _mso_free(style: str) -> tuple[str, list[str]]:
    """A style attribute without its ``mso-`` declarations, and the ones removed."""
    kept: list[str] = []
    removed: list[str] = []
    for declaration in _declarations(style):
        prop = declaration.split(":", 1)[0].strip().lower()
        (removed if prop.startswith("mso-") else kept).append(declaration)
    return ";".join(kept), removed


def _declarations(style: str) -> list[str]:
    """Split on ``;`` outside strings and parentheses."""
    parts: list[str] = []
    current: list[str] = []
    depth, quote = 0, ""
    for char in style:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif char == ";" and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return [p for p in parts if p.strip()]


def _pixels(value: str | None) -> int | None:
    match = re.fullmatch(r"\s*(\d+)(?:\.0*)?\s*(?:px)?\s*", value or "")
    return int(match.group(1)) if match else None


def _style_size(style: str, name: str) -> str | None:
    match = re.search(rf"(?:^|;)\s*{name}\s*:\s*([^;]+)", style, re.IGNORECASE)
    return match.group(1) if match else None


def _is_pixel(element: etree._Element) -> bool:
    """A remote image drawn at most 1x1: a tracking pixel, not an illustration."""
    src = (element.get("src") or "").strip().lower()
    if not src.startswith(("http:", "https:", "//")):
        return False
    style = element.get("style") or ""
    width = _pixels(element.get("width") or _style_size(style, "width"))
    height = _pixels(element.get("height") or _style_size(style, "height"))
    return width is not None and height is not None and width <= 1 and height <= 1


class HtmlScrub:
    """The removal walk over a parsed page, recording what it removes and what it keeps."""

    def __init__(self, page: HtmlFile):
        self.page = page
        self.root = page.root
        self.context = page.context
        self.strip_tracking = page.options.strip_tracking
        self.items: list[MetadataItem] = []
        self.remarks: list[str] = []
        self._run()

    def record(self, location: str, field: str, value: str) -> None:
        self.items.append(MetadataItem(location, field, short_text(value) or "<empty>"))

    def tracking(self, what: str, value: str) -> None:
        if self.strip_tracking:
            self.record("HTML:tracking", what, value)
        else:
            self.remarks.append(f"kept {what} (--strip-tracking removes it): {short_text(value)}")

    def _run(self) -> None:
        root = self.root
        outside = [*root.itersiblings(preceding=True), *root.itersiblings()]
        for node in list(root.iter(etree.Comment, etree.ProcessingInstruction)) + outside:
            is_comment = isinstance(node, etree._Comment)
            self.record(
                "HTML", "Comment" if is_comment else "ProcessingInstruction", node.text or ""
            )
            drop(node)
        scripts = 0
        for element in list(root.iter()):
            if not _is_element(element) or (element.getparent() is None and element is not root):
                continue  # removed with an ancestor
            prefix, name = _name(element)
            if prefix:
                self._office_element(element, prefix, name)
                continue
            if name == "meta":
                self._meta(element)
            elif name == "link" and (element.get("rel") or "").strip().lower() in LINK_RELS_REMOVED:
                self.record("HTML:link", element.get("rel") or "", element.get("href") or "")
                drop(element)
                continue
            elif name == "style" and element.text:
                self._style_sheet(element)
            elif name == "script":
                scripts += 1
            elif name == "img" and _is_pixel(element):
                self.tracking("TrackingPixel", element.get("src") or "")
                if self.strip_tracking:
                    drop(element)
                    continue
            self._attributes(element)
        if scripts:
            self.remarks.append(f"kept {scripts} <script> element(s) as they are (not checked)")
        if self.page.xml_mode:
            etree.cleanup_namespaces(root)

    def _office_element(self, element: etree._Element, prefix: str, name: str) -> None:
        if name in OFFICE_METADATA or name == "xml":
            text = " ".join(str(t).strip() for t in element.itertext() if str(t).strip())
            self.record(f"HTML:{prefix or 'office'}", name, text or "present")
            drop(element)
        else:
            self.record(f"HTML:{prefix or 'office'}", name, "element (content kept)")
            _unwrap(element)

    def _meta(self, element: etree._Element) -> None:
        key = ""
        for attribute in ("name", "property", "itemprop"):
            key = (element.get(attribute) or "").strip().lower()
            if key:
                break
        if key in META_REMOVED or key.startswith(META_PREFIXES):
            self.record("HTML:meta", key, element.get("content") or "")
            drop(element)

    def _style_sheet(self, element: etree._Element) -> None:
        text = element.text or ""
        removable = [c for c in css.comments(text) if css.is_removable(c)]
        for comment in removable:
            field = "SourceMappingURL" if comment.is_source_map else "CSSComment"
            self.record("HTML:style", field, comment.text)
        if removable:
            element.text = css.remove(text, removable)

    def _attributes(self, element: etree._Element) -> None:
        for key in list(element.attrib):
            attribute, value = str(key), str(element.attrib[key])
            prefix, name = _split(attribute)
            lowered = attribute.lower()
            if prefix:
                self.record(f"HTML:{prefix}", name, value)
                del element.attrib[attribute]
            elif (lowered.startswith("xmlns") and value.strip() in OFFICE_NAMESPACES) or (
                lowered in EDITOR_DATA or lowered.startswith(EDITOR_DATA_PREFIXES)
            ):
                self.record("HTML:editor", attribute, value)
                del element.attrib[attribute]
            elif lowered == "id" and value.startswith("docs-internal-guid-"):
                self.record("HTML:editor", "GoogleDocsId", value)
                del element.attrib[attribute]
            elif lowered == "style" and "mso-" in value.lower():
                kept, removed = _mso_free(value)
                if removed:
                    self.record("HTML:style", "mso", ";".join(removed))
                    if kept.strip():
                        element.set(attribute, kept)
                    else:
                        del element.attrib[attribute]
            elif lowered in ("href", "src"):
                self._link(element, attribute, value)

    def _link(self, element: etree._Element, attribute: str, value: str) -> None:
        if LOCAL_PATH.match(value):
            self.record("HTML:link", "LocalFilePath", value)
            del element.attrib[attribute]
        elif value.strip().lower().startswith("data:"):
            cleaned = self._embedded(value)
            if cleaned != value:
                element.set(attribute, cleaned)
        elif fields := tracking.tracking_fields(value):
            self.tracking("TrackingParameter", f"{', '.join(fields)} in {value}")
            if self.strip_tracking:
                element.set(attribute, tracking.strip_tracking(value))

    def _embedded(self, uri: str) -> str:
        """A file embedded as a data: URI goes through its own cleaner (EXIF, GPS...)."""
        header, _, payload = uri.strip().partition(",")
        if not header.lower().endswith(";base64"):
            return uri
        try:
            data = base64.b64decode(payload, validate=False)
        except (binascii.Error, ValueError) as exc:
            raise CorruptFileError("page embeds a file whose base64 is broken") from exc
        nested = self.context.clean_nested(data, "data: URI")
        if not nested.handled or nested.kind == self.page.kind:
            return uri
        for item in nested.items:
            self.items.append(MetadataItem(f"HTML:data/{item.location}", item.field, item.value))
        if nested.data == data:
            return uri
        return f"{header},{base64.b64encode(nested.data).decode('ascii')}"


def _slots(element: etree._Element) -> Iterator[Slot | None]:
    """The text slots under ``element`` in reading order; None where a block starts or
    ends (a paragraph break for the scanner)."""
    _, name = _name(element)
    block = name in BLOCKS
    if block:
        yield None
    yield Slot(element)
    for child in element:
        if _is_element(child) and _name(child)[1] not in NOT_SHOWN:
            yield from _slots(child)
        yield Slot(child, tail=True)
    if block:
        yield None


class HtmlFile(ParsedFile):
    can_redact = True

    def __init__(self, data: bytes, kind: str, context: Context):
        super().__init__(data, kind, context)
        if len(data) > MAX_HTML_SIZE:
            raise LimitExceededError(f"HTML page larger than {MAX_HTML_SIZE} bytes")
        self.encoding, self.bom = _encoding(data)
        self.xml_mode = False
        self.declaration = b""
        self.doctype = b""
        body = data[len(self.bom) :]
        head = body[:4096].lstrip()
        if head.startswith(b"<?xml") or _XHTML_ROOT.search(head):
            try:
                self.root = parse_xml(body, "XHTML")
                self.xml_mode = True
            except CorruptFileError:
                pass  # not well-formed: read it as HTML, as browsers do with text/html
        if self.xml_mode:
            info = self.root.getroottree().docinfo
            self.encoding = (info.encoding or "utf-8").lower()
            if head.startswith(b"<?xml"):
                self.declaration = f'<?xml version="1.0" encoding="{info.encoding}"?>\n'.encode()
            doctype = cast(str, getattr(info, "doctype", ""))  # missing from lxml-stubs
            self.doctype = doctype.encode("ascii", "replace")
        else:
            self.root = self._parse_html(body)
            match = _DOCTYPE.search(body[:4096])
            self.doctype = match.group(0) if match else b""
        self.text_map = TextMap("body")
        self.visible = self._map_text()
        self._scrub: HtmlScrub | None = None

    def _parse_html(self, body: bytes) -> etree._Element:
        codec = "utf-16" if self.encoding.startswith("utf-16") else self.encoding
        parser = etree.HTMLParser(
            encoding=codec,
            no_network=True,
            remove_comments=False,
            remove_pis=False,
            huge_tree=False,
            default_doctype=False,  # no doctype of libxml2's own when the page has none
        )  # type: ignore[call-arg]
        try:
            root = etree.fromstring(self.bom + body, parser)
        except (etree.ParserError, etree.XMLSyntaxError, LookupError) as exc:
            raise CorruptFileError(f"HTML cannot be parsed: {exc}") from exc
        if root is None:
            raise CorruptFileError("HTML page is empty")
        return root

    def _body(self) -> etree._Element | None:
        for element in self.root.iter():
            if _is_element(element) and _name(element)[1] == "body":
                return element
        return None

    def _map_text(self) -> str:
        body = self._body()
        if body is None:
            return ""
        piece: list[Slot] = []
        for slot in [*_slots(body), None]:
            if slot is None:
                self.text_map.add(piece)
                piece = []
            else:
                piece.append(slot)
        return " ".join(" ".join(p.text for p in self.text_map.pieces).split())

    def _scrubbed(self) -> HtmlScrub:
        if self._scrub is None:
            self._scrub = HtmlScrub(self)
        return self._scrub

    def items(self) -> list[MetadataItem]:
        return list(self._scrubbed().items)

    def remarks(self) -> list[str]:
        return list(self._scrubbed().remarks)

    def serialize(self) -> bytes:
        if self.xml_mode:
            tree = cast(
                bytes, etree.tostring(self.root, encoding=self.encoding, xml_declaration=False)
            )
            doctype = self.doctype + b"\n" if self.doctype else b""
            return self.bom + self.declaration + doctype + tree
        codec = "utf-16" if self.encoding.startswith("utf-16") else self.encoding
        page = cast(bytes, etree.tostring(self.root, method="html", encoding=codec))
        if codec == "utf-16":  # lxml writes a BOM of its own: keep one, in the file's order
            page = page.decode("utf-16").encode(self.encoding)
        doctype = self.doctype + b"\n" if self.doctype else b""
        if self.encoding.startswith("utf-16"):
            doctype = doctype.decode("latin-1").encode(self.encoding)
        return self.bom + doctype + page

    def clean(self) -> CleanResult:
        # Nothing to remove: the page is left byte for byte as it was written.
        if not self._scrubbed().items:
            return CleanResult(self.data)
        return CleanResult(self.serialize())

    def verify(self, cleaned: ParsedFile) -> None:
        if not isinstance(cleaned, HtmlFile):
            raise VerificationError("cleaned file is no longer an HTML page")
        if self.visible != cleaned.visible:
            raise VerificationError("the page's visible text changed during cleaning")

    def text_parts(self) -> list[TextPart]:
        return [self.text_map.part()] if self.text_map.pieces else []

    def redact(self, replacements: Sequence[Sequence[Replacement]]) -> bytes:
        if replacements:
            self.text_map.apply(replacements[0], {})
        return self.serialize()


class HtmlCleaner(Cleaner):
    name = "html"
    kinds = catalog.kinds_of("html")

    @classmethod
    def malformed_errors(cls) -> tuple[type[BaseException], ...]:
        return (etree.LxmlError,)

    def open(self, data: bytes, kind: str, context: Context) -> HtmlFile:
        return HtmlFile(data, kind, context)

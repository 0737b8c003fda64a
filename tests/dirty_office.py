"""Build DOCX, XLSX and PPTX files with a MARKER in every hiding place the cleaner empties."""

from __future__ import annotations

import io
import zipfile

from lxml import etree

import dirty

M = dirty.marker
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS_DECL = (
    f'xmlns:w="{W_NS}" xmlns:r="{REL}" '
    'xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml"'
)


class Patcher:
    """Edit the members of an Office zip the way Office itself would have written them."""

    def __init__(self, data: bytes):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            self.parts = {name: archive.read(name) for name in archive.namelist()}

    def add(self, name: str, data: bytes | str, content_type: str | None = None) -> None:
        self.parts[name] = data.encode() if isinstance(data, str) else data
        if content_type:
            types = etree.fromstring(self.parts["[Content_Types].xml"])
            override = etree.SubElement(
                types, "{http://schemas.openxmlformats.org/package/2006/content-types}Override"
            )
            override.set("PartName", "/" + name)
            override.set("ContentType", content_type)
            self.parts["[Content_Types].xml"] = etree.tostring(
                types, xml_declaration=True, encoding="UTF-8"
            )

    def relate(self, source: str, type_: str, target: str, external: bool = False) -> str:
        folder, _, name = source.rpartition("/")
        rels = f"{folder}/_rels/{name}.rels" if source else "_rels/.rels"
        if rels.startswith("/"):
            rels = rels[1:]
        root = (
            etree.fromstring(self.parts[rels])
            if rels in self.parts
            else etree.Element(f"{{{PKG_REL}}}Relationships", nsmap={None: PKG_REL})
        )
        rel_id = f"rIdM{len(root) + 100}"
        element = etree.SubElement(root, f"{{{PKG_REL}}}Relationship")
        element.set("Id", rel_id)
        element.set("Type", type_ if type_.startswith("http") else f"{REL}/{type_}")
        element.set("Target", target)
        if external:
            element.set("TargetMode", "External")
        self.parts[rels] = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
        return rel_id

    def replace(self, name: str, old: str, new: str) -> None:
        text = self.parts[name].decode()
        assert old in text, (name, old)
        self.parts[name] = text.replace(old, new, 1).encode()

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in self.parts.items():
                archive.writestr(name, data)
        return buffer.getvalue()


def _app_xml(tag: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f"<Template>{M(tag + '-TEMPLATE')}.dotm</Template><TotalTime>42</TotalTime>"
        f"<Application>{M(tag + '-APP')}</Application><Manager>{M(tag + '-MANAGER')}</Manager>"
        f"<Company>{M(tag + '-COMPANY')}</Company><HyperlinkBase>{M(tag + '-HLINKBASE')}</HyperlinkBase>"
        "<AppVersion>16.0000</AppVersion></Properties>"
    )


def _custom_xml(tag: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="Client">'
        f"<vt:lpwstr>{M(tag + '-CUSTOM')}</vt:lpwstr></property></Properties>"
    )


def _common(patch: Patcher, tag: str) -> None:
    """Properties, thumbnail, custom XML and a sensitivity label: the same in every format."""
    patch.parts["docProps/app.xml"] = _app_xml(tag).encode()
    patch.add(
        "docProps/custom.xml",
        _custom_xml(tag),
        "application/vnd.openxmlformats-officedocument.custom-properties+xml",
    )
    patch.relate("", f"{REL}/custom-properties", "docProps/custom.xml")
    patch.add("docProps/thumbnail.jpeg", dirty.dirty_jpeg(orientation=1))
    patch.relate(
        "",
        "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail",
        "docProps/thumbnail.jpeg",
    )
    patch.add(
        "docMetadata/LabelInfo.xml",
        f'<?xml version="1.0"?><clbl:labelList xmlns:clbl="http://schemas.microsoft.com/office/2020/mipLabelMetadata">'
        f'<clbl:label id="{{1}}" enabled="1" method="Standard" siteId="{M(tag + "-LABEL")}"/></clbl:labelList>',
        "application/vnd.ms-office.classificationlabels+xml",
    )
    patch.relate(
        "",
        "http://schemas.microsoft.com/office/2020/02/relationships/classificationlabels",
        "docMetadata/LabelInfo.xml",
    )


def _custom_xml_item(patch: Patcher, source: str, tag: str) -> None:
    patch.add("customXml/item1.xml", f"<client><name>{M(tag + '-CUSTOMXML')}</name></client>")
    patch.add(
        "customXml/itemProps1.xml",
        '<?xml version="1.0"?><ds:datastoreItem ds:itemID="{X}" '
        'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml"/>',
        "application/vnd.openxmlformats-officedocument.customXmlProperties+xml",
    )
    patch.relate("customXml/item1.xml", f"{REL}/customXmlProps", "itemProps1.xml")
    depth = "../" * source.count("/")
    patch.relate(source, f"{REL}/customXml", f"{depth}customXml/item1.xml")


def dirty_docx() -> bytes:
    import docx

    document = docx.Document()
    properties = document.core_properties
    properties.author = M("DOCX-AUTHOR")
    properties.last_modified_by = M("DOCX-EDITOR")
    properties.title = M("DOCX-TITLE")
    properties.comments = M("DOCX-DESCRIPTION")
    properties.keywords = M("DOCX-KEYWORDS")
    document.add_heading("Proposal for the spring campaign", 1)
    document.add_paragraph("Body text stays exactly as it is.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Deliverable", "Date"
    table.cell(1, 0).text, table.cell(1, 1).text = "Carousel", "March"
    document.sections[0].header.paragraphs[0].text = "Header text"
    document.sections[0].footer.paragraphs[0].text = "Footer text"
    document.add_picture(io.BytesIO(dirty.dirty_jpeg(orientation=1)))
    buffer = io.BytesIO()
    document.save(buffer)
    patch = Patcher(buffer.getvalue())

    body = (
        f'<w:p {NS_DECL} w:rsidR="00A1B2C3" w:rsidRDefault="00A1B2C3" w14:paraId="1A2B3C4D" w14:textId="5E6F7A8B">'
        '<w:r w:rsidR="00D4E5F6"><w:t xml:space="preserve">Kept and </w:t></w:r>'
        f'<w:ins w:id="11" w:author="{M("INS-AUTHOR")}" w:date="2025-06-01T10:00:00Z"><w:r><w:t>inserted</w:t></w:r></w:ins>'
        f'<w:del w:id="12" w:author="{M("DEL-AUTHOR")}" w:date="2025-06-01T10:00:00Z"><w:r><w:delText>{M("DELETED-TEXT")}</w:delText></w:r></w:del>'
        f'<w:moveFrom w:id="13" w:author="{M("MOVE-AUTHOR")}"><w:r><w:t>{M("MOVED-AWAY")}</w:t></w:r></w:moveFrom>'
        "<w:r><w:rPr><w:b/>"
        f'<w:rPrChange w:id="14" w:author="{M("FORMAT-AUTHOR")}" w:date="2025-06-01T10:00:00Z"><w:rPr/></w:rPrChange>'
        '</w:rPr><w:t xml:space="preserve"> bold</w:t></w:r>'
        '<w:commentRangeStart w:id="0"/><w:r><w:t xml:space="preserve"> commented</w:t></w:r><w:commentRangeEnd w:id="0"/>'
        '<w:r><w:rPr><w:rStyle w:val="CommentReference"/></w:rPr><w:commentReference w:id="0"/></w:r>'
        f"<w:r><w:rPr><w:vanish/></w:rPr><w:t>{M('HIDDEN-TEXT')}</w:t></w:r>"
        "</w:p>"
    )
    text = patch.parts["word/document.xml"].decode()
    body_end = text.rindex("<w:sectPr")
    patch.parts["word/document.xml"] = (text[:body_end] + body + text[body_end:]).encode()
    patch.add(
        "word/comments.xml",
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:comments {NS_DECL}>'
        f'<w:comment w:id="0" w:author="{M("COMMENT-AUTHOR")}" w:date="2025-06-01T10:00:00Z" w:initials="MK">'
        f"<w:p><w:r><w:t>{M('COMMENT-TEXT')}</w:t></w:r></w:p></w:comment></w:comments>",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml",
    )
    patch.relate("word/document.xml", f"{REL}/comments", "comments.xml")
    patch.add(
        "word/people.xml",
        '<?xml version="1.0"?><w15:people xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml">'
        f'<w15:person w15:author="{M("PERSON")}"><w15:presenceInfo w15:providerId="AD" w15:userId="{M("USERID")}"/>'
        "</w15:person></w15:people>",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.people+xml",
    )
    patch.relate(
        "word/document.xml",
        "http://schemas.microsoft.com/office/2011/relationships/people",
        "people.xml",
    )
    template = patch.relate(
        "word/settings.xml",
        f"{REL}/attachedTemplate",
        f"file:///C:/Users/{M('WINUSER')}/Templates/Brief.dotm",
        external=True,
    )
    patch.replace(
        "word/settings.xml",
        "<w:defaultTabStop",
        f'<w:attachedTemplate r:id="{template}"/><w:defaultTabStop',
    )
    patch.replace(
        "word/settings.xml",
        "</w:settings>",
        f'<w:docVars><w:docVar w:name="client" w:val="{M("DOCVAR")}"/></w:docVars>'
        '<w:rsids><w:rsidRoot w:val="00A1B2C3"/><w:rsid w:val="00D4E5F6"/></w:rsids></w:settings>',
    )
    if "xmlns:r=" not in patch.parts["word/settings.xml"].decode()[:2000]:
        patch.replace("word/settings.xml", "<w:settings ", f'<w:settings xmlns:r="{REL}" ')
    patch.add(
        "word/glossary/document.xml",
        f'<?xml version="1.0"?><w:glossaryDocument {NS_DECL}><w:docParts><w:docPart><w:docPartBody>'
        f"<w:p><w:r><w:t>{M('GLOSSARY')}</w:t></w:r></w:p></w:docPartBody></w:docPart></w:docParts></w:glossaryDocument>",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.glossary+xml",
    )
    patch.relate("word/document.xml", f"{REL}/glossaryDocument", "glossary/document.xml")
    _custom_xml_item(patch, "word/document.xml", "DOCX")
    _common(patch, "DOCX")
    return patch.bytes()


def dirty_xlsx() -> bytes:
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.drawing.image import Image as SheetImage

    workbook = openpyxl.Workbook()
    workbook.properties.creator = M("XLSX-AUTHOR")
    workbook.properties.lastModifiedBy = M("XLSX-EDITOR")
    workbook.properties.title = M("XLSX-TITLE")
    sheet = workbook.active
    sheet.title = "Budget"
    rows = [("Item", "Amount"), ("Shoot", 1200), ("Edit", 800), ("Total", "=SUM(B2:B3)")]
    for row in rows:
        sheet.append(row)
    sheet["A2"].comment = Comment(M("XLSX-COMMENT"), M("XLSX-COMMENT-AUTHOR"))
    sheet.add_image(SheetImage(io.BytesIO(dirty.dirty_jpeg(orientation=1))), "D2")
    hidden = workbook.create_sheet("Rates")
    hidden["A1"] = "internal"
    hidden.sheet_state = "hidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    patch = Patcher(buffer.getvalue())
    patch.replace(
        "xl/workbook.xml",
        "<workbookPr",
        '<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        '<mc:Choice Requires="x15"><x15ac:absPath xmlns:x15ac="http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac" '
        f'url="C:\\Users\\{M("XLUSER")}\\Documents\\"/></mc:Choice></mc:AlternateContent>'
        '<xr:revisionPtr xmlns:xr="http://schemas.microsoft.com/office/spreadsheetml/2014/revision" '
        f'revIDLastSave="0" documentId="13_ncr:1_{{{M("DOCID")}}}"/><workbookPr',
    )
    patch.add(
        "xl/threadedComments/threadedComment1.xml",
        '<?xml version="1.0"?><ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments">'
        f'<threadedComment ref="A2" dT="2025-06-01T10:00:00" personId="{{P1}}" id="{{T1}}"><text>{M("XLSX-THREAD")}</text>'
        "</threadedComment></ThreadedComments>",
        "application/vnd.ms-excel.threadedcomments+xml",
    )
    patch.relate(
        "xl/worksheets/sheet1.xml",
        "http://schemas.microsoft.com/office/2017/10/relationships/threadedComment",
        "../threadedComments/threadedComment1.xml",
    )
    patch.add(
        "xl/persons/person.xml",
        '<?xml version="1.0"?><personList xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/threadedcomments">'
        f'<person displayName="{M("XLSX-PERSON")}" id="{{P1}}" userId="{M("XLSX-USERID")}" providerId="AD"/></personList>',
        "application/vnd.ms-excel.person+xml",
    )
    patch.relate(
        "xl/workbook.xml",
        "http://schemas.microsoft.com/office/2017/10/relationships/person",
        "persons/person.xml",
    )
    patch.add("xl/printerSettings/printerSettings1.bin", M("PRINTER").encode() * 4)
    printer = patch.relate(
        "xl/worksheets/sheet1.xml",
        f"{REL}/printerSettings",
        "../printerSettings/printerSettings1.bin",
    )
    sheet_xml = patch.parts["xl/worksheets/sheet1.xml"].decode()
    anchor = "<legacyDrawing" if "<legacyDrawing" in sheet_xml else "</worksheet>"
    patch.replace(
        "xl/worksheets/sheet1.xml",
        anchor,
        f'<pageSetup orientation="portrait" r:id="{printer}" xmlns:r="{REL}"/>{anchor}',
    )
    patch.add(
        "xl/revisions/revisionHeaders.xml",
        '<?xml version="1.0"?><headers xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" guid="{G}">'
        f'<header guid="{{H}}" dateTime="2025-06-01T10:00:00" userName="{M("XLSX-REVISER")}"/></headers>',
        "application/vnd.openxmlformats-officedocument.spreadsheetml.revisionHeaders+xml",
    )
    patch.relate("xl/workbook.xml", f"{REL}/revisionHeaders", "revisions/revisionHeaders.xml")
    _common(patch, "XLSX")
    return patch.bytes()


def dirty_pptx() -> bytes:
    import pptx
    from pptx.util import Inches

    presentation = pptx.Presentation()
    presentation.core_properties.author = M("PPTX-AUTHOR")
    presentation.core_properties.last_modified_by = M("PPTX-EDITOR")
    slide = presentation.slides.add_slide(presentation.slide_layouts[1])
    slide.shapes.title.text = "Carousel, slide one"
    slide.placeholders[1].text = "Visible bullet text"
    slide.shapes.add_picture(io.BytesIO(dirty.dirty_jpeg(orientation=1)), Inches(1), Inches(4))
    slide.notes_slide.notes_text_frame.text = M("SPEAKER-NOTES")
    buffer = io.BytesIO()
    presentation.save(buffer)
    patch = Patcher(buffer.getvalue())
    patch.add(
        "ppt/commentAuthors.xml",
        '<?xml version="1.0"?><p:cmAuthorLst xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main">'
        f'<p:cmAuthor id="0" name="{M("PPTX-COMMENT-AUTHOR")}" initials="MK" lastIdx="1" clrIdx="0"/></p:cmAuthorLst>',
        "application/vnd.openxmlformats-officedocument.presentationml.commentAuthors+xml",
    )
    patch.relate("ppt/presentation.xml", f"{REL}/commentAuthors", "commentAuthors.xml")
    patch.add(
        "ppt/comments/comment1.xml",
        '<?xml version="1.0"?><p:cmLst xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main">'
        '<p:cm authorId="0" dt="2025-06-01T10:00:00" idx="1"><p:pos x="10" y="10"/>'
        f"<p:text>{M('PPTX-COMMENT')}</p:text></p:cm></p:cmLst>",
        "application/vnd.openxmlformats-officedocument.presentationml.comments+xml",
    )
    patch.relate("ppt/slides/slide1.xml", f"{REL}/comments", "../comments/comment1.xml")
    patch.replace(
        "ppt/slides/slide1.xml",
        "</p:sld>",
        '<p:extLst><p:ext uri="{BB962C8B-B14F-4D97-AF65-F5344CB8AC3E}">'
        '<p14:creationId xmlns:p14="http://schemas.microsoft.com/office/powerpoint/2010/main" val="3141592653"/>'
        "</p:ext></p:extLst></p:sld>",
    )
    _custom_xml_item(patch, "ppt/presentation.xml", "PPTX")
    _common(patch, "PPTX")
    return patch.bytes()


# -- OLE2 compound files (legacy .doc/.xls, embedded objects), built byte by byte ----------
FREE, END, FAT_SECTOR = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
SUMMARY_FMTID = bytes.fromhex("e0859ff2f94f6810ab9108002b27b3d9")
DOC_SUMMARY_FMTID = bytes.fromhex("02d5cdd59c2e1b10939708002b2cf9ae")


def property_stream(fmtid: bytes, values: dict[int, str]) -> bytes:
    """A property set stream (MS-OLEPS): a code page, then ``values`` as ANSI strings."""
    import struct

    entries = [(1, struct.pack("<IhH", 2, 1252, 0))]
    for property_id, value in values.items():
        raw = value.encode("cp1252") + b"\0"
        raw += b"\0" * (-len(raw) % 4)
        entries.append((property_id, struct.pack("<II", 0x1E, len(value) + 1) + raw))
    offset = 8 + 8 * len(entries)
    table, body = b"", b""
    for property_id, data in entries:
        table += struct.pack("<II", property_id, offset + len(body))
        body += data
    section = struct.pack("<II", offset + len(body), len(entries)) + table + body
    header = struct.pack("<HHI16sI", 0xFFFE, 0, 0x00020006, b"\0" * 16, 1) + fmtid
    return header + struct.pack("<I", 48) + section


def ole_file(streams: dict[str, bytes]) -> bytes:
    """A version-3 compound file holding small ``streams`` at its root (all in the mini
    stream), as Office writes them."""
    import struct

    def sort_key(name: str) -> tuple[int, str]:
        return (len(name), name.upper())

    names = sorted(streams, key=sort_key)
    mini = b""
    minifat: list[int] = []
    starts = {}
    for name in names:
        data = streams[name]
        count = max(1, -(-len(data) // 64))
        starts[name] = len(minifat)
        minifat.extend(list(range(len(minifat) + 1, len(minifat) + count)) + [END])
        mini += data.ljust(count * 64, b"\0")
    assert len(minifat) <= 128
    mini_sectors = -(-len(mini) // 512)
    entries = 1 + len(names)
    dir_sectors = -(-entries // 4)
    # Layout: FAT (sector 0), directory, mini FAT, mini stream.
    first_dir, first_minifat = 1, 1 + dir_sectors
    first_mini = first_minifat + 1
    fat = [FAT_SECTOR]
    fat += list(range(first_dir + 1, first_dir + dir_sectors)) + [END]
    fat += [END]
    fat += list(range(first_mini + 1, first_mini + mini_sectors)) + [END]
    fat += [FREE] * (128 - len(fat))

    def entry(name: str, kind: int, right: int, child: int, start: int, size: int) -> bytes:
        encoded = (name.encode("utf-16-le") + b"\0\0") if name else b""
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBBIII", len(encoded), kind, 1, FREE, right, child)
            + b"\0" * 16
            + struct.pack("<IQQIII", 0, 0, 0, start, size, 0)
        )

    directory = entry("Root Entry", 5, FREE, 1 if names else FREE, first_mini, len(mini))
    for index, name in enumerate(names, start=1):
        right = index + 1 if index < len(names) else FREE
        directory += entry(name, 2, right, FREE, starts[name], len(streams[name]))
    directory = directory.ljust(dir_sectors * 512, b"\0")
    for unused in range(entries, dir_sectors * 4):
        offset = unused * 128
        directory = (
            directory[: offset + 68]
            + struct.pack("<III", FREE, FREE, FREE)
            + directory[offset + 80 :]
        )
    header = (
        bytes.fromhex("d0cf11e0a1b11ae1")
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIIIIII", 0, 1, first_dir, 0, 4096, first_minifat, 1, END, 0)
        + struct.pack("<I", 0)
        + struct.pack("<I", FREE) * 108
    )
    body = struct.pack("<128I", *fat)
    body += directory
    body += struct.pack("<128I", *(minifat + [FREE] * (128 - len(minifat))))
    body += mini.ljust(mini_sectors * 512, b"\0")
    return header + body


def dirty_ole(tag: str, extra: dict[str, bytes] | None = None) -> bytes:
    """A legacy Office file's shape: a content stream and both property streams."""
    return ole_file(
        {
            "WordDocument": b"visible content " * 8,
            "\x05SummaryInformation": property_stream(
                SUMMARY_FMTID,
                {2: M(tag + "-OLE-TITLE"), 4: M(tag + "-OLE-AUTHOR"), 8: M(tag + "-OLE-LAST")},
            ),
            "\x05DocumentSummaryInformation": property_stream(
                DOC_SUMMARY_FMTID, {15: M(tag + "-OLE-COMPANY"), 14: M(tag + "-OLE-MANAGER")}
            ),
            **(extra or {}),
        }
    )


def vba_project(tag: str) -> bytes:
    """A VBA project's shape: its PROJECT stream lists the modules."""
    project = (
        b'ID="{00000000-0000-0000-0000-000000000000}"\r\nDocument=ThisDocument/&H00000000\r\n'
        b'Module=Module1\r\nName="Project"\r\nHelpContextID="0"\r\n'
        b"[Workspace]\r\nThisDocument=0, 0, 0, 0, C\r\nModule1=26, 26, 1200, 600, Z\r\n"
    )
    return ole_file(
        {
            "PROJECT": project,
            "PROJECTwm": b"ThisDocument\0T\0\0\0\0",
            "\x05SummaryInformation": property_stream(SUMMARY_FMTID, {4: M(tag + "-VBA-AUTHOR")}),
        }
    )


def macro_docx() -> bytes:
    """A DOCM: the dirty DOCX with a VBA project, as Word saves it."""
    patch = Patcher(dirty_docx())
    patch.replace(
        "[Content_Types].xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "application/vnd.ms-word.document.macroEnabled.main+xml",
    )
    patch.add("word/vbaProject.bin", vba_project("DOCM"), "application/vnd.ms-office.vbaProject")
    patch.relate(
        "word/document.xml",
        "http://schemas.microsoft.com/office/2006/relationships/vbaProject",
        "vbaProject.bin",
    )
    return patch.bytes()


def with_ole_objects(data: bytes, folder: str, source: str) -> bytes:
    """Add an embedded OLE object and an embedded legacy workbook to a package."""
    patch = Patcher(data)
    patch.add(f"{folder}/embeddings/oleObject1.bin", dirty_ole("OBJ"))
    patch.relate(
        source,
        f"{REL}/oleObject",
        "embeddings/oleObject1.bin" if source.count("/") == 1 else "../embeddings/oleObject1.bin",
    )
    patch.add(f"{folder}/embeddings/Microsoft_Excel_97-2003_Worksheet.xls", dirty_ole("XLS"))
    patch.relate(
        source,
        f"{REL}/package",
        "embeddings/Microsoft_Excel_97-2003_Worksheet.xls"
        if source.count("/") == 1
        else "../embeddings/Microsoft_Excel_97-2003_Worksheet.xls",
    )
    return patch.bytes()


_STRICT = {
    "http://schemas.openxmlformats.org/wordprocessingml/2006/main": "http://purl.oclc.org/ooxml/wordprocessingml/main",
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main": "http://purl.oclc.org/ooxml/spreadsheetml/main",
    "http://schemas.openxmlformats.org/presentationml/2006/main": "http://purl.oclc.org/ooxml/presentationml/main",
    "http://schemas.openxmlformats.org/drawingml/2006/main": "http://purl.oclc.org/ooxml/drawingml/main",
    "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing": "http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing",
    "http://schemas.openxmlformats.org/drawingml/2006/picture": "http://purl.oclc.org/ooxml/drawingml/picture",
    "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties": "http://purl.oclc.org/ooxml/officeDocument/extendedProperties",
    "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties": "http://purl.oclc.org/ooxml/officeDocument/customProperties",
    "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes": "http://purl.oclc.org/ooxml/officeDocument/docPropsVTypes",
    f"{REL}/extended-properties": "http://purl.oclc.org/ooxml/officeDocument/relationships/extendedProperties",
    f"{REL}/custom-properties": "http://purl.oclc.org/ooxml/officeDocument/relationships/customProperties",
    REL: "http://purl.oclc.org/ooxml/officeDocument/relationships",
}


def strict(data: bytes) -> bytes:
    """The same package in ISO/IEC 29500 Strict: its namespaces and relationship types."""
    patch = Patcher(data)
    for name, content in list(patch.parts.items()):
        if name.endswith((".xml", ".rels")) and name != "[Content_Types].xml":
            text = content.decode("utf-8")
            for transitional, strict_uri in _STRICT.items():
                text = text.replace(transitional, strict_uri)
            patch.parts[name] = text.encode("utf-8")
    return patch.bytes()

"""Build OpenDocument files (ODT, OTT, ODS, ODP, ODG) with a MARKER in every hiding place
the cleaner empties: meta.xml, settings.xml, comments, tracked changes, the thumbnail,
UI configuration, macros and their bindings, a signature, an embedded object's own
meta and settings, an unlisted member, XML comments, and a photo's EXIF."""

from __future__ import annotations

import io
import zipfile

import dirty

M = dirty.marker
NS = {
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "meta": "urn:oasis:names:tc:opendocument:xmlns:meta:1.0",
    "dc": "http://purl.org/dc/elements/1.1/",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
    "style": "urn:oasis:names:tc:opendocument:xmlns:style:1.0",
    "fo": "urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0",
    "svg": "urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0",
    "presentation": "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0",
    "config": "urn:oasis:names:tc:opendocument:xmlns:config:1.0",
    "script": "urn:oasis:names:tc:opendocument:xmlns:script:1.0",
    "xlink": "http://www.w3.org/1999/xlink",
    "officeooo": "http://openoffice.org/2009/office",
    "calcext": "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0",
}
DECL = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NS.items())
HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
MIME = "application/vnd.oasis.opendocument."


def meta_xml(tag: str) -> str:
    return (
        f'{HEAD}<office:document-meta {DECL} office:version="1.3"><office:meta>'
        f"<meta:initial-creator>{M(tag + '-INITIAL-CREATOR')}</meta:initial-creator>"
        f"<dc:creator>{M(tag + '-CREATOR')}</dc:creator>"
        f"<dc:title>{M(tag + '-TITLE')}</dc:title>"
        f"<dc:subject>{M(tag + '-SUBJECT')}</dc:subject>"
        f"<dc:description>{M(tag + '-DESCRIPTION')}</dc:description>"
        f"<meta:keyword>{M(tag + '-KEYWORD')}</meta:keyword>"
        "<meta:creation-date>2024-03-01T09:15:00</meta:creation-date>"
        "<dc:date>2024-03-02T18:40:00</dc:date>"
        f"<meta:generator>{M(tag + '-GENERATOR')}</meta:generator>"
        "<meta:editing-cycles>17</meta:editing-cycles>"
        "<meta:editing-duration>PT3H12M</meta:editing-duration>"
        f'<meta:template xlink:type="simple" xlink:actuate="onRequest" '
        f'xlink:href="file:///home/{M(tag + "-TEMPLATE")}/modele.ott" xlink:title="modele"/>'
        f"<meta:printed-by>{M(tag + '-PRINTED-BY')}</meta:printed-by>"
        "<meta:print-date>2024-03-02T18:41:00</meta:print-date>"
        f'<meta:user-defined meta:name="Client">{M(tag + "-USER-FIELD")}</meta:user-defined>'
        '<meta:document-statistic meta:page-count="1" meta:paragraph-count="6"/>'
        "</office:meta></office:document-meta>"
    )


def settings_xml(tag: str) -> str:
    return (
        f"{HEAD}<office:document-settings {DECL}><office:settings>"
        '<config:config-item-set config:name="ooo:view-settings">'
        '<config:config-item config:name="ViewAreaTop" config:type="long">0</config:config-item>'
        "</config:config-item-set>"
        '<config:config-item-set config:name="ooo:configuration-settings">'
        f'<config:config-item config:name="PrinterName" config:type="string">{M(tag + "-PRINTER")}'
        "</config:config-item>"
        f'<config:config-item config:name="PrinterSetup" config:type="base64Binary">{M(tag + "-PRINTER-SETUP")}'
        "</config:config-item>"
        '<config:config-item config:name="CurrentDatabaseDataSource" config:type="string">'
        f"{M(tag + '-DATASOURCE')}</config:config-item>"
        '<config:config-item config:name="AutoTextPath" config:type="string">'
        f"file:///home/{M(tag + '-USERPATH')}/autotext</config:config-item>"
        '<config:config-item config:name="RsidRoot" config:type="int">1234567</config:config-item>'
        '<config:config-item config:name="PrinterName2" config:type="string"></config:config-item>'
        '<config:config-item config:name="LoadReadonly" config:type="boolean">false</config:config-item>'
        "</config:config-item-set></office:settings></office:document-settings>"
    )


def styles_xml(header: str = "Header text", footer: str = "Footer text") -> str:
    return (
        f'{HEAD}<office:document-styles {DECL} office:version="1.3">'
        "<office:styles/><office:automatic-styles>"
        '<style:page-layout style:name="pm1"><style:page-layout-properties '
        'fo:page-width="21cm" fo:page-height="29.7cm"/></style:page-layout>'
        "</office:automatic-styles><office:master-styles>"
        '<style:master-page style:name="Standard" style:page-layout-name="pm1">'
        f"<style:header><text:p>{header}</text:p></style:header>"
        f"<style:footer><text:p>{footer}</text:p></style:footer>"
        "</style:master-page></office:master-styles></office:document-styles>"
    )


def manifest_xml(kind: str, entries: dict[str, str]) -> str:
    lines = [
        f'<manifest:file-entry manifest:full-path="{path}" manifest:media-type="{media}"/>'
        for path, media in entries.items()
    ]
    return (
        f"{HEAD}<manifest:manifest "
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.3">'
        f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{MIME}{kind}"/>'
        + "".join(lines)
        + "</manifest:manifest>"
    )


def package(kind: str, members: dict[str, bytes | str], unlisted: tuple[str, ...] = ()) -> bytes:
    """A package written as LibreOffice writes one: mimetype first and stored."""
    entries = {
        name: "text/xml" if name.endswith(".xml") else ""
        for name in members
        if name not in unlisted
    }
    for name in list(entries):
        if name.startswith("Object 1/"):
            entries.setdefault("Object 1/", f"{MIME}spreadsheet")
        if name.startswith("Pictures/"):
            entries[name] = "image/jpeg"
    entries["Configurations2/"] = "application/vnd.sun.xml.ui.configuration"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), f"{MIME}{kind}", zipfile.ZIP_STORED)
        for name, data in members.items():
            archive.writestr(name, data.encode() if isinstance(data, str) else data)
        archive.writestr("META-INF/manifest.xml", manifest_xml(kind, entries))
    return buffer.getvalue()


def common_members(tag: str) -> dict[str, bytes | str]:
    """What every LibreOffice document carries besides its content."""
    return {
        "meta.xml": meta_xml(tag),
        "settings.xml": settings_xml(tag),
        "Thumbnails/thumbnail.png": b"\x89PNG\r\n\x1a\n" + M(tag + "-THUMBNAIL").encode(),
        "Configurations2/accelerator/current.xml": f"<a>{M(tag + '-UICONFIG')}</a>",
        "Basic/script-lc.xml": f'{HEAD}<library:libraries xmlns:library="http://openoffice.org/2000/library"><library:library library:name="{M(tag + "-MACRO-LIB")}"/></library:libraries>',
        "Basic/Standard/Module1.xml": f'{HEAD}<script:module xmlns:script="http://openoffice.org/2000/script">Sub Main\n  MsgBox "{M(tag + "-MACRO")}"\nEnd Sub</script:module>',
        "Scripts/python/tools.py": f"print('{M(tag + '-PYTHON-MACRO')}')\n",
        "layout-cache": M(tag + "-LAYOUT-CACHE").encode(),
        "META-INF/documentsignatures.xml": (
            '<document-signatures xmlns="urn:oasis:names:tc:opendocument:xmlns:digitalsignature:1.0">'
            f"<Signature><X509SubjectName>CN={M(tag + '-SIGNER')}</X509SubjectName></Signature>"
            "</document-signatures>"
        ),
        "notes-to-self.txt": M(tag + "-UNLISTED"),
    }


SCRIPTS = (
    "<office:scripts><office:event-listeners>"
    '<script:event-listener script:language="ooo:script" script:event-name="dom:load" '
    f'xlink:href="vnd.sun.star.script:Standard.Module1.{M("MACRO-BINDING")}?language=Basic&amp;location=document"/>'
    "</office:event-listeners></office:scripts>"
)


def _annotation(tag: str) -> str:
    return (
        '<office:annotation office:name="c1">'
        f"<dc:creator>{M(tag + '-COMMENT-AUTHOR')}</dc:creator>"
        "<dc:date>2024-03-02T10:00:00</dc:date>"
        f"<text:p>{M(tag + '-COMMENT-TEXT')}</text:p></office:annotation>"
    )


def odt_content() -> str:
    return (
        f'{HEAD}<office:document-content {DECL} office:version="1.3">'
        f"<!-- {M('ODT-XML-COMMENT')} -->{SCRIPTS}"
        "<office:automatic-styles>"
        '<style:style style:name="P1" style:family="paragraph">'
        f'<style:paragraph-properties officeooo:paragraph-rsid="{M("RSID")}"/></style:style>'
        '<style:style style:name="T1" style:family="text"><style:text-properties '
        f'fo:font-weight="bold" officeooo:rsid="{M("RSID2")}"/></style:style>'
        "</office:automatic-styles><office:body><office:text>"
        "<text:tracked-changes>"
        '<text:changed-region xml:id="ct1" text:id="ct1"><text:deletion><office:change-info>'
        f"<dc:creator>{M('ODT-DEL-AUTHOR')}</dc:creator><dc:date>2024-03-02T11:00:00</dc:date>"
        f"</office:change-info><text:p>{M('ODT-DELETED-TEXT')}</text:p></text:deletion>"
        "</text:changed-region>"
        '<text:changed-region xml:id="ct2" text:id="ct2"><text:insertion><office:change-info>'
        f"<dc:creator>{M('ODT-INS-AUTHOR')}</dc:creator><dc:date>2024-03-02T11:05:00</dc:date>"
        "</office:change-info></text:insertion></text:changed-region>"
        "</text:tracked-changes>"
        '<text:h text:outline-level="1">Quarterly report</text:h>'
        '<text:p text:style-name="P1">Body text stays exactly as it is.</text:p>'
        '<text:p>Kept <text:change-start text:change-id="ct2"/>and inserted'
        '<text:change-end text:change-id="ct2"/> <text:span text:style-name="T1">bold</text:span>'
        '<text:change text:change-id="ct1"/> words.</text:p>'
        f"<text:p>Commented{_annotation('ODT')} word"
        '<office:annotation-end office:name="c1"/> ends here.</text:p>'
        '<text:p>Write to <text:span text:style-name="T1">jean.dupont@orange.fr</text:span>'
        " for the files.</text:p>"
        '<text:p>See the note<text:note text:id="n1" text:note-class="footnote">'
        "<text:note-citation>1</text:note-citation><text:note-body>"
        "<text:p>Footnote text.</text:p></text:note-body></text:note>.</text:p>"
        '<text:section text:name="Draft" text:display="none"><text:p>Hidden section text'
        "</text:p></text:section>"
        '<text:p><draw:frame draw:name="photo" svg:width="2cm" svg:height="1.5cm" '
        'text:anchor-type="as-char"><draw:image xlink:href="Pictures/photo.jpg" '
        'xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"/></draw:frame></text:p>'
        '<text:p><draw:frame draw:name="Object1" svg:width="4cm" svg:height="2cm" '
        'text:anchor-type="as-char"><draw:object xlink:href="./Object 1" xlink:type="simple" '
        'xlink:show="embed" xlink:actuate="onLoad"/></draw:frame></text:p>'
        "</office:text></office:body></office:document-content>"
    )


def embedded_object(tag: str) -> dict[str, bytes | str]:
    """A small spreadsheet embedded in a document, with its own meta and settings."""
    content = (
        f'{HEAD}<office:document-content {DECL} office:version="1.3"><office:body>'
        '<office:spreadsheet><table:table table:name="Inner"><table:table-row>'
        '<table:table-cell office:value-type="string"><text:p>Inner cell</text:p>'
        "</table:table-cell></table:table-row></table:table></office:spreadsheet>"
        "</office:body></office:document-content>"
    )
    return {
        "Object 1/content.xml": content,
        "Object 1/styles.xml": f'{HEAD}<office:document-styles {DECL} office:version="1.3"/>',
        "Object 1/meta.xml": meta_xml(tag),
        "Object 1/settings.xml": settings_xml(tag),
    }


def dirty_odt(template: bool = False) -> bytes:
    members: dict[str, bytes | str] = {
        "content.xml": odt_content(),
        "styles.xml": styles_xml(),
        "Pictures/photo.jpg": dirty.dirty_jpeg(),
        **common_members("ODT"),
        **embedded_object("OBJ"),
    }
    return package(
        "text-template" if template else "text",
        members,
        unlisted=("notes-to-self.txt", "META-INF/documentsignatures.xml"),
    )


def ods_content() -> str:
    return (
        f'{HEAD}<office:document-content {DECL} office:version="1.3">'
        "<office:automatic-styles>"
        '<style:style style:name="ta1" style:family="table">'
        '<style:table-properties table:display="true"/></style:style>'
        '<style:style style:name="ta2" style:family="table">'
        '<style:table-properties table:display="false"/></style:style>'
        "</office:automatic-styles><office:body><office:spreadsheet>"
        '<table:tracked-changes><table:cell-content-change table:id="ct1">'
        '<table:cell-address table:column="1" table:row="1" table:table="0"/>'
        f"<office:change-info><dc:creator>{M('ODS-CHANGE-AUTHOR')}</dc:creator>"
        "<dc:date>2024-03-02T11:00:00</dc:date></office:change-info>"
        '<table:previous><table:change-track-table-cell office:value-type="string">'
        f"<text:p>{M('ODS-PREVIOUS-VALUE')}</text:p></table:change-track-table-cell>"
        "</table:previous></table:cell-content-change></table:tracked-changes>"
        '<table:table table:name="Budget" table:style-name="ta1">'
        '<table:table-column table:number-columns-repeated="2"/>'
        '<table:table-row><table:table-cell office:value-type="string"><text:p>Item</text:p>'
        '</table:table-cell><table:table-cell office:value-type="string"><text:p>Cost</text:p>'
        "</table:table-cell></table:table-row>"
        '<table:table-row><table:table-cell office:value-type="string"><text:p>Shoot</text:p>'
        '</table:table-cell><table:table-cell office:value-type="float" office:value="1200" '
        'calcext:value-type="float"><text:p>1200</text:p>'
        f"{_annotation('ODS')}</table:table-cell></table:table-row>"
        '<table:table-row table:number-rows-repeated="2"><table:table-cell '
        'table:number-columns-repeated="2"/></table:table-row>'
        '<table:table-row><table:table-cell/><table:table-cell office:value-type="string">'
        "<text:p>jean.dupont@orange.fr</text:p></table:table-cell></table:table-row>"
        "</table:table>"
        '<table:table table:name="Rates" table:style-name="ta2"><table:table-row>'
        '<table:table-cell office:value-type="float" office:value="450"><text:p>450</text:p>'
        "</table:table-cell></table:table-row></table:table>"
        "</office:spreadsheet></office:body></office:document-content>"
    )


def dirty_ods() -> bytes:
    members: dict[str, bytes | str] = {
        "content.xml": ods_content(),
        "styles.xml": styles_xml(),
        **common_members("ODS"),
    }
    return package("spreadsheet", members, unlisted=("notes-to-self.txt",))


def _slide(number: int, title: str, body: str, notes: str, extra: str = "") -> str:
    style = ' draw:style-name="dp2"' if number == 2 else ""
    return (
        f'<draw:page draw:name="page{number}"{style} draw:master-page-name="Default">'
        '<draw:frame presentation:class="title" svg:x="2cm" svg:y="1cm" svg:width="20cm" '
        f'svg:height="3cm"><draw:text-box><text:p>{title}</text:p></draw:text-box></draw:frame>'
        '<draw:frame presentation:class="outline" svg:x="2cm" svg:y="5cm" svg:width="20cm" '
        f'svg:height="10cm"><draw:text-box><text:p>{body}</text:p></draw:text-box></draw:frame>'
        f"{extra}<presentation:notes><draw:page-thumbnail/>"
        '<draw:frame presentation:class="notes" svg:x="2cm" svg:y="14cm" svg:width="17cm" '
        f'svg:height="10cm"><draw:text-box><text:p>{notes}</text:p></draw:text-box></draw:frame>'
        "</presentation:notes></draw:page>"
    )


def odp_content() -> str:
    impress_comment = (
        '<officeooo:annotation svg:x="1cm" svg:y="1cm">'
        f"<dc:creator>{M('ODP-COMMENT-AUTHOR')}</dc:creator><dc:date>2024-03-02T10:00:00</dc:date>"
        f"<text:p>{M('ODP-COMMENT-TEXT')}</text:p></officeooo:annotation>"
    )
    return (
        f'{HEAD}<office:document-content {DECL} office:version="1.3">'
        '<office:automatic-styles><style:style style:name="dp2" style:family="drawing-page">'
        '<style:drawing-page-properties presentation:visibility="hidden"/></style:style>'
        "</office:automatic-styles><office:body><office:presentation>"
        + _slide(
            1,
            "Carousel, slide one",
            "Visible bullet text",
            M("ODP-SPEAKER-NOTES"),
            impress_comment,
        )
        + _slide(2, "Backup slide", "Prices for jean.dupont@orange.fr", "")
        + "</office:presentation></office:body></office:document-content>"
    )


def odp_styles() -> str:
    return (
        f'{HEAD}<office:document-styles {DECL} office:version="1.3"><office:styles/>'
        "<office:automatic-styles/><office:master-styles>"
        '<style:master-page style:name="Default"><presentation:notes>'
        '<draw:frame presentation:class="notes"><draw:text-box><text:p>&lt;number&gt;</text:p>'
        "</draw:text-box></draw:frame></presentation:notes></style:master-page>"
        "</office:master-styles></office:document-styles>"
    )


def dirty_odp() -> bytes:
    members: dict[str, bytes | str] = {
        "content.xml": odp_content(),
        "styles.xml": odp_styles(),
        "Pictures/photo.jpg": dirty.dirty_jpeg(),
        **common_members("ODP"),
    }
    return package("presentation", members, unlisted=("notes-to-self.txt",))


def dirty_odg() -> bytes:
    content = (
        f'{HEAD}<office:document-content {DECL} office:version="1.3"><office:body>'
        '<office:drawing><draw:page draw:name="page1" draw:master-page-name="Default">'
        '<draw:custom-shape svg:x="2cm" svg:y="2cm" svg:width="8cm" svg:height="3cm">'
        f"<text:p>Drawing label</text:p>{_annotation('ODG')}"
        '<draw:enhanced-geometry draw:type="rectangle"/></draw:custom-shape>'
        "</draw:page></office:drawing></office:body></office:document-content>"
    )
    members: dict[str, bytes | str] = {
        "content.xml": content,
        "styles.xml": f'{HEAD}<office:document-styles {DECL} office:version="1.3"/>',
        **common_members("ODG"),
    }
    return package("graphics", members, unlisted=("notes-to-self.txt",))


BUILDERS = {
    "report.odt": dirty_odt,
    "model.ott": lambda: dirty_odt(template=True),
    "budget.ods": dirty_ods,
    "carousel.odp": dirty_odp,
    "plan.odg": dirty_odg,
}

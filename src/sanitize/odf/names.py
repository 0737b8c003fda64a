"""Namespaces and names the OpenDocument cleaner acts on (ODF 1.2/1.3, LibreOffice's
extensions)."""

OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
META = "urn:oasis:names:tc:opendocument:xmlns:meta:1.0"
TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
DRAW = "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"
STYLE = "urn:oasis:names:tc:opendocument:xmlns:style:1.0"
PRESENTATION = "urn:oasis:names:tc:opendocument:xmlns:presentation:1.0"
CONFIG = "urn:oasis:names:tc:opendocument:xmlns:config:1.0"
MANIFEST = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"
SCRIPT = "urn:oasis:names:tc:opendocument:xmlns:script:1.0"
XLINK = "http://www.w3.org/1999/xlink"
DC = "http://purl.org/dc/elements/1.1/"
# LibreOffice's own namespaces: revision ids (rsid) and Impress's comments live here.
OFFICEOOO = "http://openoffice.org/2009/office"
CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"
LOEXT = "urn:org:documentfoundation:names:experimental:office:xmlns:loext:1.0"


def q(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


P = q(TEXT, "p")
H = q(TEXT, "h")
PARAGRAPHS = (P, H)
# Comments: office:annotation everywhere; Impress wrote officeooo:annotation before ODF 1.3.
ANNOTATIONS = (q(OFFICE, "annotation"), q(OFFICEOOO, "annotation"))
ANNOTATION_ENDS = (q(OFFICE, "annotation-end"), q(OFFICEOOO, "annotation-end"))
CHANGE_MARKS = (q(TEXT, "change"), q(TEXT, "change-start"), q(TEXT, "change-end"))
TRACKED_CHANGES = (q(TEXT, "tracked-changes"), q(TABLE, "tracked-changes"))
NOTES = q(PRESENTATION, "notes")

# The XML streams of a document (the package root, or an embedded "Object 1/").
CONTENT, STYLES, META_XML, SETTINGS = "content.xml", "styles.xml", "meta.xml", "settings.xml"
STREAMS = (CONTENT, STYLES, META_XML, SETTINGS)
MANIFEST_XML = "META-INF/manifest.xml"
# Folders of a document that are removed whole, and why (the field shown in reports).
REMOVED_FOLDERS = {
    "Thumbnails/": "Thumbnail",  # a picture of the first page, as last saved
    "Configurations2/": "UIConfiguration",  # toolbars and menus of the author's setup
    "Basic/": "Macro",  # StarBasic modules
    "Dialogs/": "Macro",  # StarBasic dialogs
    "Scripts/": "Macro",  # Python, JavaScript, BeanShell macros
}
REMOVED_FILES = {"layout-cache": "LayoutCache"}  # an old Writer cache, rebuilt on load
SIGNATURES = {
    "META-INF/documentsignatures.xml",
    "META-INF/macrosignatures.xml",
    "META-INF/packagesignatures.xml",
}
# settings.xml items that name a printer, a data source or the editing sessions.
REMOVED_SETTINGS = {
    "PrinterName",
    "PrinterSetup",  # the printer driver's setup blob: printer and queue names
    "PrintFaxName",
    "CurrentDatabaseDataSource",
    "CurrentDatabaseCommand",
    "EmbeddedDatabaseName",
    "Rsid",  # editing-session ids, as Word's rsids
    "RsidRoot",
    "RedlineProtectionKey",  # a hash of the password protecting tracked changes
    "ModifyPasswordInfo",
}

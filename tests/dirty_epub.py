"""Build an EPUB 3 book (with an EPUB 2 NCX) carrying a MARKER in every hiding place the
cleaner empties: package metadata, calibre and iTunes bookkeeping, the NCX, the
documents' <meta> and comments, an unlisted member, and a photo's EXIF."""

from __future__ import annotations

import io
import zipfile

import dirty

M = dirty.marker
ISBN = "urn:isbn:9780306406157"
HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'


def opf() -> str:
    return (
        f'{HEAD}<package xmlns="http://www.idpf.org/2007/opf" version="3.0" '
        'unique-identifier="uid" xml:lang="en">'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:opf="http://www.idpf.org/2007/opf">'
        f"<!-- {M('EPUB-OPF-COMMENT')} -->"
        f'<dc:identifier id="uid">urn:uuid:{M("EPUB-UUID")}</dc:identifier>'
        f'<dc:identifier id="isbn">{ISBN}</dc:identifier>'
        f'<dc:identifier opf:scheme="calibre">{M("EPUB-CALIBRE-ID")}</dc:identifier>'
        '<dc:title id="title">The Little Guide</dc:title>'
        '<meta refines="#title" property="title-type">main</meta>'
        "<dc:language>en</dc:language>"
        "<dc:description>A short guide, kept.</dc:description>"
        f'<dc:creator id="creator">{M("EPUB-CREATOR")}</dc:creator>'
        '<meta refines="#creator" property="role" scheme="marc:relators">aut</meta>'
        f'<meta refines="#creator" property="file-as">{M("EPUB-FILE-AS")}</meta>'
        f"<dc:contributor>{M('EPUB-CONTRIBUTOR')}</dc:contributor>"
        f"<dc:publisher>{M('EPUB-PUBLISHER')}</dc:publisher>"
        f"<dc:rights>{M('EPUB-RIGHTS')}</dc:rights>"
        "<dc:date>2024-01-15</dc:date>"
        f"<dc:source>/home/{M('EPUB-SOURCE')}/book.docx</dc:source>"
        '<meta property="dcterms:modified">2024-05-01T10:00:00Z</meta>'
        f'<meta name="calibre:timestamp" content="{M("EPUB-CALIBRE-TIMESTAMP")}"/>'
        f'<meta property="calibre:user_categories">{M("EPUB-CALIBRE-CATEGORIES")}</meta>'
        '<meta name="cover" content="cover-image"/>'
        '<link rel="record" href="meta/record.xml" media-type="application/marcxml+xml"/>'
        "</metadata><manifest>"
        '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>'
        '<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>'
        '<item id="c1" href="text/chapter1.xhtml" media-type="application/xhtml+xml"/>'
        '<item id="c2" href="text/chapter%202.xhtml" media-type="application/xhtml+xml"/>'
        '<item id="css" href="style.css" media-type="text/css"/>'
        '<item id="photo" href="images/photo.jpg" media-type="image/jpeg"/>'
        '<item id="cover-image" href="images/cover.jpg" media-type="image/jpeg" '
        'properties="cover-image"/>'
        '<item id="record" href="meta/record.xml" media-type="application/marcxml+xml"/>'
        '</manifest><spine toc="ncx"><itemref idref="c1"/><itemref idref="c2"/></spine>'
        "</package>"
    )


def ncx() -> str:
    return (
        f'{HEAD}<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">'
        f'<head><meta name="dtb:uid" content="urn:uuid:{M("EPUB-UUID")}"/>'
        '<meta name="dtb:depth" content="1"/>'
        f'<meta name="dtb:generator" content="{M("EPUB-NCX-GENERATOR")}"/></head>'
        "<docTitle><text>The Little Guide</text></docTitle>"
        f"<docAuthor><text>{M('EPUB-NCX-AUTHOR')}</text></docAuthor>"
        '<navMap><navPoint id="n1" playOrder="1"><navLabel><text>Chapter One</text>'
        '</navLabel><content src="text/chapter1.xhtml"/></navPoint></navMap></ncx>'
    )


def chapter(title: str, paragraphs: list[str], extra: str = "", tag: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"{HEAD}<!DOCTYPE html>\n<!-- {M('EPUB-PROLOG-COMMENT' + tag)} -->\n"
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">'
        f"<head><title>{title}</title>"
        f'<meta name="author" content="{M("EPUB-HTML-AUTHOR" + tag)}"/>'
        f'<meta name="generator" content="{M("EPUB-HTML-GENERATOR" + tag)}"/>'
        '<meta name="viewport" content="width=600, height=800"/>'
        '<link rel="stylesheet" type="text/css" href="../style.css"/>'
        f'<script src="../none.js"></script></head><body>'
        f"<!-- {M('EPUB-HTML-COMMENT' + tag)} --><h1>{title}</h1>{body}{extra}"
        '<div class="empty"></div></body></html>'
    )


def nav() -> str:
    return (
        f"{HEAD}<!DOCTYPE html>\n"
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">'
        '<head><title>Contents</title></head><body><nav epub:type="toc"><ol>'
        '<li><a href="text/chapter1.xhtml">Chapter One</a></li>'
        '<li><a href="text/chapter%202.xhtml">Chapter Two</a></li></ol></nav></body></html>'
    )


def dirty_epub() -> bytes:
    members: dict[str, bytes | str] = {
        "META-INF/container.xml": (
            f'{HEAD}<container version="1.0" '
            'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
            '<rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/>'
            "</rootfiles></container>"
        ),
        "META-INF/calibre_bookmarks.txt": M("EPUB-BOOKMARKS"),
        "META-INF/com.apple.ibooks.display-options.xml": (
            '<?xml version="1.0" encoding="UTF-8"?><display_options><platform name="*">'
            '<option name="specified-fonts">true</option></platform></display_options>'
        ),
        "iTunesMetadata.plist": f"<plist><dict><key>artistName</key><string>{M('EPUB-ITUNES')}"
        "</string></dict></plist>",
        "OEBPS/content.opf": opf(),
        "OEBPS/toc.ncx": ncx(),
        "OEBPS/nav.xhtml": nav(),
        "OEBPS/text/chapter1.xhtml": chapter(
            "Chapter One",
            [
                "The first paragraph is <em>kept</em> as it is.",
                "Write to jean.dupont@orange.fr for the files.",
            ],
            '<p><img src="../images/photo.jpg" alt="A photo"/></p>',
        ),
        "OEBPS/text/chapter 2.xhtml": chapter(
            "Chapter Two", ["The second chapter ends the book."], tag="-2"
        ),
        "OEBPS/style.css": "body { margin: 1em; }\n",
        "OEBPS/images/photo.jpg": dirty.dirty_jpeg(),
        "OEBPS/images/cover.jpg": dirty.dirty_jpeg(orientation=1, size=(60, 90)),
        "OEBPS/meta/record.xml": f"<record>{M('EPUB-MARC-RECORD')}</record>",
        "OEBPS/drafts/notes.txt": M("EPUB-UNLISTED"),
        ".DS_Store": M("EPUB-DS-STORE"),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip", zipfile.ZIP_STORED)
        for name, data in members.items():
            archive.writestr(name, data.encode() if isinstance(data, str) else data)
    return buffer.getvalue()

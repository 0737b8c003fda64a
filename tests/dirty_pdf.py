"""Build PDFs with a distinct MARKER- string in every place the PDF cleaner must empty."""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

import dirty

XMP = dirty.xmp_packet


def _stream(writer: PdfWriter, data: bytes, **entries: object):
    stream = DecodedStreamObject()
    stream.set_data(data)
    for key, value in entries.items():
        stream[NameObject(f"/{key}")] = value  # type: ignore[assignment]
    return writer._add_object(stream)


def _name(value: str) -> NameObject:
    return NameObject(value)


def _dict(**entries: object) -> DictionaryObject:
    return DictionaryObject({NameObject(f"/{k}"): v for k, v in entries.items()})  # type: ignore[misc]


def _rect(*values: float) -> ArrayObject:
    return ArrayObject(FloatObject(v) for v in values)


def _font(writer: PdfWriter):
    return writer._add_object(
        _dict(Type=_name("/Font"), Subtype=_name("/Type1"), BaseFont=_name("/Helvetica"))
    )


def _photo(writer: PdfWriter, data: bytes):  # type: ignore[no-untyped-def]
    from PIL import Image

    width, height = Image.open(io.BytesIO(data)).size
    photo = _stream(
        writer,
        b"",
        Type=_name("/XObject"),
        Subtype=_name("/Image"),
        Width=NumberObject(width),
        Height=NumberObject(height),
        ColorSpace=_name("/DeviceRGB"),
        BitsPerComponent=NumberObject(8),
        Filter=_name("/DCTDecode"),
    )
    photo.get_object()._data = data
    return photo


def plain_pdf(
    pages: int = 3, with_photo: bool = True, jpeg: bytes | list[bytes] | None = None
) -> bytes:
    """Visible content only: text, a link, a photo. Cleaning must not change what shows.

    ``jpeg`` is one photo shared by every page, or a list of photos used in turn.
    """
    writer = PdfWriter()
    font = _font(writer)
    photos = []
    if with_photo:
        sources = jpeg if isinstance(jpeg, list) else [jpeg or dirty.dirty_jpeg(orientation=1)]
        photos = [_photo(writer, data) for data in sources]
    for number in range(1, pages + 1):
        photo = photos[(number - 1) % len(photos)] if photos else None
        page = writer.add_blank_page(595, 842)
        resources = _dict(Font=_dict(F1=font))
        content = f"BT /F1 20 Tf 72 760 Td (Visible page {number} text) Tj ET\n"
        content += "BT /F1 12 Tf 72 730 Td (Contact: see the website) Tj ET\n"
        if photo is not None:
            resources[NameObject("/XObject")] = _dict(Im1=photo)
            content += "q 192 0 0 128 72 500 cm /Im1 Do Q\n"
        page[NameObject("/Resources")] = resources
        page[NameObject("/Contents")] = _stream(writer, content.encode())
        link = _dict(
            Type=_name("/Annot"),
            Subtype=_name("/Link"),
            Rect=_rect(72, 725, 250, 745),
            Border=ArrayObject([NumberObject(0)] * 3),
            A=_dict(S=_name("/URI"), URI=TextStringObject("https://example.com/portfolio")),
        )
        page[NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
    page_one = writer.pages[0]
    page_one.compress_content_streams()
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def dirty_pdf() -> bytes:
    """Every hiding place, then an incremental update that leaves an old revision behind."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(plain_pdf(pages=2))))
    font = _font(writer)
    writer.add_metadata(
        {
            "/Author": dirty.marker("PDF-AUTHOR"),
            "/Creator": dirty.marker("PDF-CREATOR"),
            "/Producer": dirty.marker("PDF-PRODUCER"),
            "/Title": dirty.marker("PDF-TITLE"),
            "/Company": dirty.marker("PDF-COMPANY"),
        }
    )
    catalog = writer.root_object
    catalog[NameObject("/Metadata")] = _stream(
        writer, XMP("PDFXMP"), Type=_name("/Metadata"), Subtype=_name("/XML")
    )
    page = writer.pages[0]
    page[NameObject("/Metadata")] = _stream(writer, XMP("PAGEXMP"))
    page[NameObject("/PieceInfo")] = _dict(
        Illustrator=_dict(
            Private=TextStringObject(dirty.marker("PIECEINFO")),
            LastModified=TextStringObject("D:2025"),
        )
    )
    page[NameObject("/LastModified")] = TextStringObject("D:20250601" + dirty.marker("LASTMOD"))
    page[NameObject("/Thumb")] = _stream(
        writer, dirty.marker("THUMB").encode() * 3, Width=NumberObject(1), Height=NumberObject(1)
    )
    page[NameObject("/AA")] = _dict(
        O=_dict(S=_name("/JavaScript"), JS=TextStringObject(dirty.marker("PAGE-AA")))
    )
    # Document JavaScript and an auto-run open action.
    script = writer._add_object(
        _dict(S=_name("/JavaScript"), JS=TextStringObject(f"app.alert('{dirty.marker('JS')}')"))
    )
    catalog[NameObject("/Names")] = _dict(
        JavaScript=_dict(Names=ArrayObject([TextStringObject(dirty.marker("JS-NAME")), script]))
    )
    catalog[NameObject("/OpenAction")] = _dict(
        S=_name("/JavaScript"), JS=TextStringObject(dirty.marker("OPENACTION"))
    )
    writer.add_attachment(
        dirty.marker("ATTACH-NAME") + ".txt", dirty.marker("ATTACH-DATA").encode()
    )
    # Annotations: a note with popup, a highlight, an ink stroke, a file attachment.
    file_stream = _stream(
        writer, dirty.marker("FILEANNOT-DATA").encode(), Type=_name("/EmbeddedFile")
    )
    annotations = ArrayObject(page["/Annots"])
    popup = writer._add_object(
        _dict(Type=_name("/Annot"), Subtype=_name("/Popup"), Rect=_rect(300, 600, 400, 700))
    )
    for subtype, extra in (
        ("/Text", {"Popup": popup}),
        ("/Highlight", {"QuadPoints": _rect(72, 760, 300, 760, 72, 740, 300, 740)}),
        ("/Ink", {"InkList": ArrayObject([_rect(80, 80, 120, 120)])}),
        (
            "/FileAttachment",
            {
                "FS": _dict(
                    Type=_name("/Filespec"),
                    F=TextStringObject(dirty.marker("FILEANNOT-NAME")),
                    EF=_dict(F=file_stream),
                )
            },
        ),
    ):
        label = subtype.strip("/").upper()
        annotation = _dict(
            Type=_name("/Annot"),
            Subtype=_name(subtype),
            Rect=_rect(72, 600, 90, 620),
            T=TextStringObject(dirty.marker(f"{label}-AUTHOR")),
            Contents=TextStringObject(dirty.marker(f"{label}-TEXT")),
            M=TextStringObject("D:20250601120000"),
            **extra,
        )
        annotations.append(writer._add_object(annotation))
    annotations.append(popup)
    # The link keeps its URI but loses its author.
    page["/Annots"][0].get_object()[NameObject("/T")] = TextStringObject(
        dirty.marker("LINK-AUTHOR")
    )
    # A form: a filled text field (its value drawn on the page stays visible) and XFA.
    appearance = _stream(
        writer,
        b"/Tx BMC BT /F1 12 Tf 2 5 Td (Jane Fielding) Tj ET EMC",
        Type=_name("/XObject"),
        Subtype=_name("/Form"),
        BBox=_rect(0, 0, 150, 20),
        Resources=_dict(Font=_dict(F1=font)),
    )
    field = writer._add_object(
        _dict(
            Type=_name("/Annot"),
            Subtype=_name("/Widget"),
            FT=_name("/Tx"),
            T=TextStringObject(dirty.marker("FIELD-NAME")),
            TU=TextStringObject(dirty.marker("FIELD-TOOLTIP")),
            V=TextStringObject("Jane Fielding"),
            Rect=_rect(72, 400, 222, 420),
            AP=_dict(N=appearance),
            P=page.indirect_reference,
        )
    )
    hidden_field = writer._add_object(
        _dict(
            Type=_name("/Annot"),
            Subtype=_name("/Widget"),
            FT=_name("/Tx"),
            F=NumberObject(2),
            T=TextStringObject("hidden"),
            V=TextStringObject(dirty.marker("HIDDEN-FIELD-VALUE")),
            Rect=_rect(72, 380, 222, 400),
        )
    )
    annotations.extend([field, hidden_field])
    page[NameObject("/Annots")] = annotations
    xfa = _stream(writer, f"<xdp:xdp><field>{dirty.marker('XFA')}</field></xdp:xdp>".encode())
    catalog[NameObject("/AcroForm")] = _dict(
        Fields=ArrayObject([field, hidden_field]), XFA=xfa, DR=_dict(Font=_dict(F1=font))
    )
    # Layers: one hidden by default with content, one visible with a telling name.
    hidden = writer._add_object(
        _dict(
            Type=_name("/OCG"),
            Name=TextStringObject(dirty.marker("HIDDEN-LAYER-NAME")),
            Usage=_dict(CreatorInfo=_dict(Creator=TextStringObject(dirty.marker("LAYER-CREATOR")))),
        )
    )
    shown = writer._add_object(
        _dict(Type=_name("/OCG"), Name=TextStringObject(dirty.marker("LAYER-NAME")))
    )
    catalog[NameObject("/OCProperties")] = _dict(
        OCGs=ArrayObject([hidden, shown]),
        D=_dict(
            OFF=ArrayObject([hidden]),
            Order=ArrayObject([hidden, shown]),
            Name=TextStringObject(dirty.marker("OC-CONFIG")),
        ),
    )
    page[NameObject("/Resources")][NameObject("/Properties")] = _dict(oc1=hidden, oc2=shown)
    layered = (
        b"/OC /oc1 BDC BT /F1 12 Tf 72 300 Td ("
        + dirty.marker("HIDDEN-LAYER-TEXT").encode()
        + b") Tj ET EMC\n"
        b"/OC /oc2 BDC BT /F1 12 Tf 72 280 Td (Layer text shown) Tj ET EMC\n"
    )
    page[NameObject("/Contents")] = ArrayObject(
        [page.raw_get("/Contents"), _stream(writer, layered)]
    )
    writer.add_outline_item(title=dirty.marker("BOOKMARK"), page_number=0)
    writer._add_object(_dict(Orphan=TextStringObject(dirty.marker("ORPHAN"))))
    second = writer.pages[1]
    second[NameObject("/Contents")] = _stream(
        writer, b"BT /F1 20 Tf 72 760 Td (" + dirty.marker("OLD-REVISION").encode() + b") Tj ET"
    )
    buffer = io.BytesIO()
    writer.write(buffer)
    base = buffer.getvalue()

    # Incremental update: page 2 gets new text; the old text stays in the file's bytes.
    update = PdfWriter(io.BytesIO(base), incremental=True)
    new_content = DecodedStreamObject()
    new_content.set_data(b"BT /F1 20 Tf 72 760 Td (Visible page 2 text) Tj ET")
    update.pages[1][NameObject("/Contents")] = update._add_object(new_content)
    update.add_metadata({"/Author": dirty.marker("PDF-AUTHOR-V2")})
    out = io.BytesIO()
    update.write(out)
    return out.getvalue()


def encrypted_pdf(user_password: str = "") -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(plain_pdf(pages=1, with_photo=False))))
    writer.add_metadata({"/Author": dirty.marker("ENCRYPTED-AUTHOR")})
    writer.encrypt(user_password=user_password, owner_password="owner-secret", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()

"""Namespaces and relationship kinds the OOXML cleaner acts on."""

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
S = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
X15AC = "http://schemas.microsoft.com/office/spreadsheetml/2010/11/ac"
XR = "http://schemas.microsoft.com/office/spreadsheetml/2014/revision"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
P14 = "http://schemas.microsoft.com/office/powerpoint/2010/main"
A16 = "http://schemas.microsoft.com/office/drawing/2014/main"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"

# Relationship kinds (last segment of the Type URI) whose target parts are removed.
REMOVED_KINDS = {
    # comments and the people who wrote them, in every format
    "comments",
    "commentsExtended",
    "commentsIds",
    "commentsExtensible",
    "people",
    "threadedComment",
    "person",
    "commentAuthors",
    "authors",
    # document properties other than the (emptied) core properties
    "extended-properties",
    "custom-properties",
    "extendedProperties",  # the same two, as OOXML Strict names them
    "customProperties",
    "thumbnail",
    # other traces
    "customXml",
    "webSettings",
    "printerSettings",
    "glossaryDocument",
    "attachedTemplate",
    "revisionHeaders",
    "revisionLog",
    "usernames",
    "classificationlabels",
    "revisionInfo",
    "changesInfo",
    "mailMergeSource",
    "mailMergeHeaderSource",
    "recipientData",
    # Office add-in references (store ids, settings): not part of the document
    "webextensiontaskpanes",
    "webextension",
}
NOTES_KIND = "notesSlide"
# Document kinds by application (macro-enabled files, templates and slide shows included).
WORD_KINDS = frozenset({"docx", "docm", "dotx", "dotm"})
SHEET_KINDS = frozenset({"xlsx", "xlsm", "xltx", "xltm"})
SLIDE_KINDS = frozenset({"pptx", "pptm", "potx", "potm", "ppsx", "ppsm"})
COMMENT_KINDS = {"comments", "threadedComment"}
# Media whose metadata an image cleaner can remove; other embedded files are reported.
MEDIA_FOLDERS = ("word/media/", "ppt/media/", "xl/media/")
EMBEDDING_FOLDERS = ("word/embeddings/", "ppt/embeddings/", "xl/embeddings/")


# OOXML Strict (ISO/IEC 29500 Strict) namespaces and their Transitional twins. Strict
# parts are read as Transitional (their namespace declarations renamed) so that every
# removal applies to both, and written back with their own namespaces.
_TRANSITIONAL = "http://schemas.openxmlformats.org/"
_STRICT = "http://purl.oclc.org/ooxml/"
STRICT_NAMESPACES: dict[str, str] = {
    f"{_STRICT}wordprocessingml/main": W,
    f"{_STRICT}spreadsheetml/main": S,
    f"{_STRICT}presentationml/main": P,
    f"{_STRICT}officeDocument/relationships": R,
    f"{_STRICT}officeDocument/extendedProperties": (
        f"{_TRANSITIONAL}officeDocument/2006/extended-properties"
    ),
    f"{_STRICT}officeDocument/customProperties": (
        f"{_TRANSITIONAL}officeDocument/2006/custom-properties"
    ),
    f"{_STRICT}officeDocument/docPropsVTypes": f"{_TRANSITIONAL}officeDocument/2006/docPropsVTypes",
    f"{_STRICT}officeDocument/math": f"{_TRANSITIONAL}officeDocument/2006/math",
    f"{_STRICT}officeDocument/bibliography": f"{_TRANSITIONAL}officeDocument/2006/bibliography",
    f"{_STRICT}officeDocument/sharedTypes": f"{_TRANSITIONAL}officeDocument/2006/sharedTypes",
    **{
        f"{_STRICT}drawingml/{name}": f"{_TRANSITIONAL}drawingml/2006/{name}"
        for name in (
            "main",
            "wordprocessingDrawing",
            "spreadsheetDrawing",
            "picture",
            "chart",
            "chartDrawing",
            "diagram",
            "lockedCanvas",
            "compatibility",
        )
    },
}


def q(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"

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
COMMENT_KINDS = {"comments", "threadedComment"}
# Media whose metadata an image cleaner can remove; other embedded files are reported.
MEDIA_FOLDERS = ("word/media/", "ppt/media/", "xl/media/")
EMBEDDING_FOLDERS = ("word/embeddings/", "ppt/embeddings/", "xl/embeddings/")


def q(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"

"""The words for fields and documents on screen are the domain's one table: the label
beside a field is the one a refused value's sentence names, and the document form
offers every document the public page asks for."""

from __future__ import annotations

from typing import Any

from silon_desktop.domain.codes import REQUIRED_DOCUMENTS, DocumentKind
from silon_desktop.domain.errors import ErrorCode
from silon_desktop.domain.labels import DOCUMENT_LABELS_ID, FIELD_LABELS_ID
from silon_desktop.domain.wording import say
from silon_desktop.ui.forms import document_fields
from silon_desktop.ui.import_wizard import field_label as import_field_label
from silon_desktop.ui.labels import document_label, field_label


def test_a_field_is_named_alike_beside_it_and_in_a_refusal(qapp: Any) -> None:
    for name, words in FIELD_LABELS_ID.items():
        assert field_label(name) == words, name
    refusal = say(ErrorCode.FIELD_REFUSED, {"field": "admin_status", "problem": "too_long"})
    assert field_label("admin_status") in refusal
    assert field_label("_deleted") == FIELD_LABELS_ID["deleted"]
    assert field_label("some_newer_field") == "some_newer_field"
    assert import_field_label("rt_rw") == "RT/RW"


def test_the_document_form_offers_every_document_the_public_page_asks_for(qapp: Any) -> None:
    (kind, *_rest) = document_fields()
    offered = dict(kind.choices)
    assert {k.value for k in REQUIRED_DOCUMENTS} <= set(offered)
    assert set(offered) == {k.value for k in DocumentKind}
    for code, words in offered.items():
        assert words == document_label(code) == DOCUMENT_LABELS_ID[DocumentKind(code)]

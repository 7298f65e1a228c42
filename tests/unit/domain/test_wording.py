"""One wording per error code and per reason, Indonesian first, English in the Qt catalogue."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from silon_desktop.domain.codes import FieldMethod, ReasonCode
from silon_desktop.domain.errors import CodedError, ErrorCode
from silon_desktop.domain.labels import FIELD_METHOD_LABELS_ID, REASON_LABELS_ID
from silon_desktop.domain.messages import MESSAGES_ID
from silon_desktop.domain.wording import (
    AND_ID,
    ERROR_TEXTS_ID,
    FIELD_PROBLEM_TEXTS_ID,
    say,
)
from silon_desktop.importers.errors import ImportFileError
from silon_desktop.paths import resources_dir
from silon_desktop.storage.errors import DiskFull, RecordNotFound, ValidationError


def _catalogue(context: str) -> dict[str, str]:
    root = ET.parse(resources_dir() / "i18n" / "silon_en.ts").getroot()
    out: dict[str, str] = {}
    for ctx in root.iter("context"):
        if ctx.findtext("name") == context:
            for message in ctx.iter("message"):
                out[message.findtext("source") or ""] = message.findtext("translation") or ""
    return out


def test_every_code_has_one_wording_and_an_english_translation() -> None:
    assert set(ERROR_TEXTS_ID) == set(ErrorCode)
    english = _catalogue("errors")
    sources = [*ERROR_TEXTS_ID.values(), *FIELD_PROBLEM_TEXTS_ID.values(), AND_ID]
    sources += MESSAGES_ID.values()
    untranslated = [s for s in sources if not english.get(s)]
    assert untranslated == []
    for source in sources:  # the same parameters on both sides
        names = {part.split("}")[0] for part in source.split("{")[1:]}
        assert names == {part.split("}")[0] for part in english[source].split("{")[1:]}


def test_reason_and_method_labels_are_one_table_translated_on_screen() -> None:
    assert set(REASON_LABELS_ID) == set(ReasonCode)
    assert set(FIELD_METHOD_LABELS_ID) == set(FieldMethod)
    english = _catalogue("labels")
    shown = [*REASON_LABELS_ID.values(), *FIELD_METHOD_LABELS_ID.values()]
    assert [text for text in shown if not english.get(text)] == []


@pytest.mark.parametrize(
    ("error", "code", "words"),
    [
        (DiskFull(detail="[Errno 28]"), ErrorCode.DISK_FULL, "Ruang disk penuh"),
        (RecordNotFound("pair", "p1", deleted=True), ErrorCode.RECORD_DELETED, "sudah dihapus"),
        (ValidationError("nik", "too_long"), ErrorCode.FIELD_REFUSED, "'NIK' terlalu panjang"),
        (ImportFileError("/x/a.xlsx", "empty"), ErrorCode.IMPORT_EMPTY, "Berkas a.xlsx tidak"),
        (
            ImportFileError("/x/a.xlsx", "no_header", "nik,name"),
            ErrorCode.IMPORT_MISSING_COLUMNS,
            "kolom NIK dan NAMA tidak ada",
        ),
    ],
)
def test_errors_carry_a_code_and_parameters_not_sentences(
    error: CodedError, code: ErrorCode, words: str
) -> None:
    assert error.code is code
    assert all(words not in value for value in error.params.values())
    assert words in say(error.code, error.params) == error.message


def test_a_translator_words_the_template_then_fills_it_in() -> None:
    english = _catalogue("errors")
    error = ImportFileError("/x/a.xlsx", "no_header", "nik,name")
    text = say(error.code, error.params, lambda s: english.get(s, s))
    assert text.startswith("File a.xlsx: the header row was found, but the column NIK and NAMA")
    refused = ValidationError("nik", "bad_nik", "bad_nik", "", "nik")
    assert say(refused.code, refused.params, lambda s: english.get(s, s)).startswith(
        "NIK: Invalid NIK"
    )


def test_field_document_and_import_field_words_are_one_table_translated_on_screen() -> None:
    """A field is named alike beside it and in a sentence about it; a document alike on
    the desktop and the public page; an import column alike in the wizard and the list
    of problems: each table is the domain's, translated where it is shown."""
    from silon_desktop.domain.codes import DocumentKind
    from silon_desktop.domain.labels import (
        DOCUMENT_LABELS_ID,
        FIELD_LABELS_ID,
        IMPORT_FIELD_LABELS_ID,
    )

    assert set(DOCUMENT_LABELS_ID) == set(DocumentKind)
    labels = _catalogue("labels")
    shown = [*FIELD_LABELS_ID.values(), *DOCUMENT_LABELS_ID.values()]
    assert [text for text in shown if not labels.get(text)] == []
    wizard = _catalogue("ImportWizard")
    assert [text for text in IMPORT_FIELD_LABELS_ID.values() if not wizard.get(text)] == []

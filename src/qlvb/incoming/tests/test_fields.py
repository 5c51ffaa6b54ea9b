"""The Phụ lục VI field list is written once (incoming.fields): the service, the form, the API schemas and
the exchange's copy take the names, labels and limits from it and from the Document model."""

from __future__ import annotations

import dataclasses

import pytest
from django.db.models import Field

from qlvb.core.errors import ValidationFailed
from qlvb.documents.models import Document
from qlvb.incoming import fields, forms
from qlvb.incoming.api_schemas import CorrectIn, ReceiveIn
from qlvb.incoming.receiving import IncomingData, clean_data

from .conftest import make_data


def test_every_place_holds_the_same_fields():
    names = set(fields.INCOMING_FIELDS)
    assert {f.name for f in dataclasses.fields(IncomingData)} == names
    assert names <= set(forms.ReceiveForm.base_fields)
    assert set(forms.CorrectForm.base_fields) & names == names
    assert names <= set(ReceiveIn.model_fields)
    assert set(CorrectIn.model_fields) == set(fields.CORRECTABLE) | {"arrival_number"}


@pytest.mark.parametrize("name", fields.TEXT_FIELDS)
def test_labels_and_limits_are_the_models(name):
    model_field = Document._meta.get_field(name)
    assert isinstance(model_field, Field)
    form_field = forms.ReceiveForm.base_fields[name]
    assert form_field.max_length == model_field.max_length == fields.max_length(name)  # type: ignore[attr-defined]
    assert str(form_field.label).lower() == str(model_field.verbose_name).lower() == fields.label(name).lower()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["subject", "signer_name", "code_notation"])
def test_the_service_refuses_one_character_over_the_models_limit(name):
    limit = fields.max_length(name)
    assert clean_data(make_data(**{name: "x" * limit}))  # type: ignore[arg-type]
    with pytest.raises(ValidationFailed) as refused:
        clean_data(make_data(**{name: "x" * (limit + 1)}))  # type: ignore[arg-type]
    assert refused.value.details == {"field": name, "max_length": limit}
    assert fields.label(name) in refused.value.message


@pytest.mark.django_db
def test_a_document_gives_its_own_metadata(receive):
    document = receive(signer_name="Nguyễn Văn An", language="Tiếng Anh")
    data = IncomingData.of(document, omit=("language",))
    assert data.signer_name == "Nguyễn Văn An" and data.subject == document.subject
    assert data.language == "Tiếng Việt"  # not carried: the default
    assert IncomingData.of(document).language == "Tiếng Anh"

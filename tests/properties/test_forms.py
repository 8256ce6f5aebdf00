"""Every form of the screens, bound to whatever people type or paste: valid, or invalid with
Vietnamese messages — never an exception. Dates written either way mean the same day."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
import time_machine
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django.utils.datastructures import MultiValueDict
from hypothesis import given
from hypothesis import strategies as st

from accounts.security_views import CodeForm, RecoveryForm
from api.forms import NewTokenForm
from books import actions
from members.models import Member
from orgs.models import AdministrativeUnit, Organisation, OrgKind
from spreadsheets.views import UploadForm
from tests.cast import comment_at
from tests.properties.strategies import FAST, PER_FORM, dates, typed, vietnamese
from web import cell, member, requests, residence, scans, workplace

TODAY = datetime.date(2026, 11, 27)


def _cells(cast: Any) -> Any:
    return Organisation.objects.filter(kind=OrgKind.WORKPLACE_CELL).order_by("pk")


def _letters(cast: Any) -> list[Any]:
    with time_machine.travel(datetime.date(2026, 1, 10)):
        letter = actions.issue_letter(cast.member, by=cast.finance_clerk)
    return [letter]


# name → (form class, keyword arguments built from the cast)
FORMS: dict[str, Callable[[Any], tuple[type[forms.Form], dict[str, Any]]]] = {
    "AddressChangeForm": lambda c: (member.AddressChangeForm, {"today": TODAY}),
    "ParticularsForm": lambda c: (workplace.ParticularsForm, {}),
    "RegisterForm": lambda c: (workplace.RegisterForm, {"cells": _cells(c)}),
    "ResidenceForm": lambda c: (workplace.ResidenceForm, {}),
    "WorkplaceForm": lambda c: (workplace.WorkplaceForm, {"cells": _cells(c)}),
    "ExemptionForm": lambda c: (workplace.ExemptionForm, {}),
    "EndEmploymentForm": lambda c: (workplace.EndEmploymentForm, {}),
    "WithdrawForm": lambda c: (workplace.WithdrawForm, {}),
    "OnDemandForm": lambda c: (workplace.OnDemandForm, {"profile": actions.default_profile()}),
    "RatingForm": lambda c: (workplace.RatingForm, {}),
    "AnswerForm": lambda c: (workplace.AnswerForm, {}),
    "MemberFilter": lambda c: (workplace.MemberFilter, {"cells": list(_cells(c))}),
    "ReviewFilter": lambda c: (
        workplace.ReviewFilter,
        {"cells": list(_cells(c)), "communes": list(AdministrativeUnit.objects.all()[:5])},
    ),
    "AcceptForm": lambda c: (requests.AcceptForm, {}),
    "RejectForm": lambda c: (requests.RejectForm, {}),
    "ReceiveLettersForm": lambda c: (
        residence.ReceiveLettersForm,
        {"letters": _letters(c), "cells": [c.lc_cell_1, c.lc_cell_2], "today": TODAY},
    ),
    "RegisterFilter": lambda c: (residence.RegisterFilter, {"cells": [c.lc_cell_1], "committees": [c.finance]}),
    "ReassignForm": lambda c: (residence.ReassignForm, {"cells": [c.lc_cell_1, c.lc_cell_2], "current": c.lc_cell_1}),
    "NoticeForm": lambda c: (residence.NoticeForm, {}),
    "SendBackForm": lambda c: (residence.SendBackForm, {}),
    "CommentForm": lambda c: (cell.CommentForm, {"request": comment_at(c, "requested"), "paper": True}),
    "MeetingForm": lambda c: (cell.MeetingForm, {"people": list(Member.objects.order_by("pk")[:3])}),
    "ScanForm": lambda c: (scans.ScanForm, {}),
    "CodeForm": lambda c: (CodeForm, {}),
    "RecoveryForm": lambda c: (RecoveryForm, {}),
    "NewTokenForm": lambda c: (NewTokenForm, {}),
    "UploadForm": lambda c: (UploadForm, {}),
}

files = st.builds(
    SimpleUploadedFile,
    # what Django's multipart parser hands over: a base name, never "." or ".."
    st.text(min_size=1, max_size=80).filter(lambda s: s.strip(" .") and "\x00" not in s and "/" not in s),
    st.binary(max_size=200),
)


def test_every_form_class_of_the_screens_is_listed_here():
    """A new form without a property test fails here."""
    import accounts.security_views
    import api.forms
    import spreadsheets.views

    modules = (member, workplace, requests, residence, cell, scans)
    modules += (accounts.security_views, api.forms, spreadsheets.views)
    found = {
        name
        for module in modules
        for name, obj in vars(module).items()
        if isinstance(obj, type) and issubclass(obj, forms.BaseForm) and obj.__module__ == module.__name__
    }
    assert found == set(FORMS)


@pytest.mark.parametrize("name", FORMS)
def test_a_form_bound_to_anything_is_valid_or_says_in_vietnamese_what_to_fix(cast, name):
    form_class, kwargs = FORMS[name](cast)
    fields = list(form_class(**kwargs).fields)

    @PER_FORM
    @given(
        values=st.dictionaries(st.sampled_from([*fields, "tat_ca", "x"]), typed | st.lists(typed, max_size=3)),
        upload=st.none() | files,
    )
    def check(values: dict[str, Any], upload: Any) -> None:
        data = MultiValueDict({key: value if isinstance(value, list) else [value] for key, value in values.items()})
        uploads = MultiValueDict({field: [upload] for field in fields if upload is not None})
        with translation.override("vi"):
            form = form_class(data, uploads, **kwargs)
            valid = form.is_valid()
            messages = [str(m) for errors in form.errors.values() for m in errors]
            assert valid or messages
            assert all(vietnamese(m) for m in messages), messages
            for bound in form:  # the page renders the bound form again (not the long commune lists)
                if not isinstance(bound.field, forms.ModelChoiceField):
                    str(bound)

    check()


@FAST
@given(day=dates)
def test_a_date_typed_dd_mm_yyyy_or_picked_in_the_calendar_is_the_same_day(day):
    field = workplace.date_field("Ngày")
    assert field.clean(day.strftime("%d/%m/%Y")) == field.clean(day.isoformat()) == day
    with translation.override("vi"):
        moving_on = member.AddressChangeForm.base_fields["moving_on"]
        assert moving_on.clean(day.strftime("%d/%m/%Y")) == day

"""web/renderers.py writes <select> exactly as Django's templates would, and faster."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from hypothesis import given, settings
from hypothesis import strategies as st

from web.renderers import FormRenderer

STOCK = DjangoTemplates()
OURS = FormRenderer()
pytestmark = pytest.mark.django_db(databases=[])


def both(widget: forms.Widget, name: str, value: object, attrs: dict[str, object] | None = None) -> tuple[str, str]:
    return (
        widget.render(name, value, attrs=attrs, renderer=STOCK),
        widget.render(name, value, attrs=attrs, renderer=OURS),
    )


CASES = [
    ("plain", forms.Select(choices=[("", "Tất cả"), ("1", "Chi bộ Ấp Tân Thuận"), ("2", "Chi bộ Khu phố 2")]), "2"),
    ("ints and nothing chosen", forms.Select(choices=[(1, "một"), (2, "hai")]), None),
    ("numbers as labels (1.234 grouping)", forms.Select(choices=[(2026, 2026), (1234567, 1234567)]), 2026),
    (
        "decimal and date labels",
        forms.Select(choices=[("a", Decimal("1234.5")), ("b", datetime.date(2026, 11, 28))]),
        "b",
    ),
    ("lazy labels", forms.Select(choices=[("x", gettext_lazy("Tất cả")), ("y", gettext_lazy("Chưa đến hạn"))]), "x"),
    ("escaping", forms.Select(choices=[('a"<b>', "Tom & Jerry <i>"), ("'", '"quoted"')]), 'a"<b>'),
    ("safe label", forms.Select(choices=[("s", mark_safe("<b>đậm</b>"))]), "s"),
    (
        "optgroups",
        forms.Select(choices=[("", "—"), ("Lâm Đồng", [("1", "Xã Long Thành"), ("2", "Phường 1")]), ("3", "khác")]),
        "1",
    ),
    ("multiple", forms.SelectMultiple(choices=[("a", "A"), ("b", "B"), ("c", "C")]), ["a", "c"]),
    ("null boolean", forms.NullBooleanSelect(), True),
    ("attributes", forms.Select(attrs={"required": True, "disabled": False, "class": "x y", "data-n": 3}), ""),
]


@pytest.mark.parametrize(("widget", "value"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_the_same_html_as_djangos_templates(widget: forms.Widget, value: object) -> None:
    stock, ours = both(widget, "chon", value, attrs={"id": "id_chon"})
    assert ours == stock
    assert "<option" in ours or not getattr(widget, "choices", [1])


def test_vietnamese_and_english_labels_alike(settings: object) -> None:
    from django.utils import translation

    widget = forms.Select(choices=[("", gettext_lazy("Tất cả")), ("1", 12345)])
    for language in ("vi", "en"):
        with translation.override(language):
            stock, ours = both(widget, "n", "1")
            assert ours == stock


@settings(max_examples=60, deadline=None)
@given(
    choices=st.lists(st.tuples(st.text(max_size=8), st.text(max_size=12)), max_size=6),
    attrs=st.dictionaries(
        st.sampled_from(["class", "title", "data-x", "required", "autofocus"]),
        st.one_of(st.booleans(), st.text(max_size=6), st.integers()),
        max_size=3,
    ),
    pick=st.integers(min_value=0, max_value=6),
)
def test_any_choices_and_attributes(choices: list[tuple[str, str]], attrs: dict[str, object], pick: int) -> None:
    widget = forms.Select(choices=choices, attrs=attrs)
    value = choices[pick][0] if pick < len(choices) else None
    stock, ours = both(widget, "f", value)
    assert ours == stock


def test_a_custom_option_template_goes_to_django() -> None:
    class Marked(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    widget = Marked(choices=[("1", "một")])
    stock, ours = both(widget, "f", "1")
    assert ours == stock
    assert "<option" not in ours  # Django's template, not ours, drew the options


def test_the_site_uses_it() -> None:
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), FormRenderer)

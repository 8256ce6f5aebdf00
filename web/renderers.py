"""The form renderer: Django's own, with `<select>` written in Python.

Django renders every `<option>` of a select through two template includes (the option, then its
attributes): ≈ 0.1 ms an option. The register's filter lists the 818 workplace committees of a
big commune and the letters to receive put a select of the committee's cells on each of their 50
rows: 80–100 ms of a request went to drawing options (docs/performance.md, "Pages"). This
renderer writes the same HTML, byte for byte (tests/web/test_select_renderer.py compares it with
Django's templates), with the same escaping and localisation, for the stock select and option
templates; any other template, or a select whose options use another template, goes to Django.
"""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"


def _text(value: Any) -> str:
    """`{{ value }}` in a template: localised, then escaped unless already safe."""
    value = localize(value)
    return str(conditional_escape(value if isinstance(value, str) else str(value)))


def _string(value: Any) -> str:
    """`{{ value|stringformat:'s' }}`: str(), escaped unless the value was safe."""
    return str(conditional_escape(str(value)))


def _attrs(attrs: dict[str, Any]) -> str:
    """django/forms/widgets/attrs.html: False leaves the attribute out, True writes its name alone."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {_text(name)}" if value is True else f' {_text(name)}="{_string(value)}"')
    return "".join(out)


def render_select(widget: dict[str, Any]) -> SafeString:
    """django/forms/widgets/select.html with select_option.html (which ends in a newline), as Python."""
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            value, attrs, label = _string(option["value"]), _attrs(option["attrs"]), _text(option["label"])
            parts.append(f'\n  <option value="{value}"{attrs}>{label}</option>\n')
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return mark_safe("".join(parts))  # noqa: S308  (every value above is escaped as the template would)


class FormRenderer(DjangoTemplates):
    """settings.FORM_RENDERER: Django's template renderer, `<select>` excepted (see the module)."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name == SELECT:
            widget = context["widget"]
            if all(option["template_name"] == OPTION for _, options, _ in widget["optgroups"] for option in options):
                return render_select(widget)
        return super().render(template_name, context, request)

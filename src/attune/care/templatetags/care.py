from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def who(user: Any) -> str:
    """A person's name as colleagues and families read it: full name, else username."""
    if user is None:
        return "—"
    return str(user.get_full_name() or user.username)


@register.simple_tag(takes_context=True)
def plan_text(context: template.Context, plan: Any, name: str) -> SafeString:
    """A care plan's free text in the reader's language when it was written in it too,
    marked with the language it is written in (and the original one click away)."""
    from django.utils.html import format_html, linebreaks
    from django.utils.safestring import mark_safe
    from django.utils.translation import get_language
    from django.utils.translation import gettext as _

    from attune.lib import languages

    text, language, original = plan.text_in(name, (get_language() or "en")[:2])
    if not text:
        return mark_safe("—")
    shown = format_html(
        '<span lang="{}">{}</span> <span class="muted written-in">({})</span>',
        language,
        mark_safe(linebreaks(text, autoescape=True)),  # noqa: S308 (escaped by linebreaks)
        _("written in %(language)s") % {"language": languages.name(language)},
    )
    if original:
        shown = format_html(
            '{}<details class="original"><summary>{}</summary><div lang="{}">{}</div></details>',
            shown,
            _("As first written, in %(language)s")
            % {"language": languages.name(plan.text_language)},
            plan.text_language,
            mark_safe(linebreaks(original, autoescape=True)),  # noqa: S308 (escaped)
        )
    return shown

"""Every POST form carries a one-time key (attune.accounts.once), with no template to touch.

Registered as a template builtin after Django's own, this `{% csrf_token %}` renders Django's
CSRF field and the form's one-time key beside it: every form that can be posted (it must carry
the CSRF token) is sent once. `{% once %}` renders the key alone (a form posted by HTMX whose
CSRF token travels in a header).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import Parser, Token
from django.template.defaulttags import CsrfTokenNode
from django.utils.html import format_html
from django.utils.safestring import SafeString

from attune.accounts.once import FIELD, new_key

register = template.Library()


def _key_field() -> SafeString:
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, new_key())


class CsrfAndOnceNode(CsrfTokenNode):
    def render(self, context: Any) -> SafeString:
        csrf = super().render(context)
        return format_html("{}{}", csrf, _key_field()) if csrf else SafeString("")


@register.tag
def csrf_token(parser: Parser, token: Token) -> CsrfAndOnceNode:
    return CsrfAndOnceNode()


@register.simple_tag
def once() -> SafeString:
    return _key_field()

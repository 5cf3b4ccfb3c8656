"""`{% fragment "name" part… [using=deferred] %}…{% endfragment %}`: a part of a page cached
under the data version (core/fragments.py says what its key holds).

The part is stored with a placeholder where its forms' CSRF token goes, and shown with the
request's own token in its place. On a miss, `using` (a core.fragments.Deferred in the context)
is called and what it returns is added to the context for the part; on a hit nothing inside the
part is computed or rendered.
"""

from __future__ import annotations

from django import template
from django.middleware.csrf import get_token
from django.template.base import FilterExpression, NodeList
from django.template.context import Context
from django.utils.safestring import mark_safe

from core.data_version import fragment_cache
from core.fragments import CSRF_PLACEHOLDER, fragment_key

register = template.Library()


class FragmentNode(template.Node):
    def __init__(
        self,
        nodelist: NodeList,
        name: FilterExpression,
        parts: list[FilterExpression],
        using: FilterExpression | None,
    ) -> None:
        self.nodelist = nodelist
        self.name = name
        self.parts = parts
        self.using = using

    def render(self, context: Context) -> str:
        request = context.get("request")
        key = None
        if request is not None:
            parts = tuple(str(part.resolve(context)) for part in self.parts)
            key = fragment_key(request, str(self.name.resolve(context)), parts)
        if key is None:
            return self.render_afresh(context, {})
        text = fragment_cache().get(key)
        if text is None:
            text = self.render_afresh(context, {"csrf_token": CSRF_PLACEHOLDER})
            fragment_cache().set(key, text)  # for the cache's TIMEOUT
        return mark_safe(text.replace(CSRF_PLACEHOLDER, get_token(request)))  # noqa: S308

    def render_afresh(self, context: Context, overrides: dict) -> str:
        # A page rendered afresh (a form with errors) has its context already, and no `using`.
        deferred = self.using.resolve(context) if self.using is not None else None
        extra = deferred() if callable(deferred) else {}
        with context.push(**extra, **overrides):
            return self.nodelist.render(context)


@register.tag("fragment")
def do_fragment(parser: template.base.Parser, token: template.base.Token) -> FragmentNode:
    bits = token.split_contents()[1:]
    if not bits:
        raise template.TemplateSyntaxError("fragment needs a name")
    using = None
    if bits[-1].startswith("using="):
        using = parser.compile_filter(bits.pop()[len("using=") :])
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(
        nodelist,
        parser.compile_filter(bits[0]),
        [parser.compile_filter(bit) for bit in bits[1:]],
        using,
    )

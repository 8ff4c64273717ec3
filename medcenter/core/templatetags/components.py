"""`{% tablescroll "caption-id" %}<table>…</table>{% endtablescroll %}`: a wide table on a phone.

A table wider than the screen scrolls inside its own box instead of making the whole page
scroll sideways (WCAG 1.4.10 Reflow allows two-dimensional scrolling for data tables only).
The box is a labelled region that takes keyboard focus, so a keyboard user can scroll it and a
screen reader names it: the argument is the id of the table's caption or heading.
"""

from django import template
from django.template.base import FilterExpression, Parser, Token
from django.utils.html import format_html

register = template.Library()


class TableScrollNode(template.Node):
    def __init__(self, labelledby: FilterExpression, nodelist: template.NodeList) -> None:
        self.labelledby = labelledby
        self.nodelist = nodelist

    def render(self, context: template.Context) -> str:
        return format_html(
            '<div class="table-scroll" role="region" aria-labelledby="{}" tabindex="0">{}</div>',
            self.labelledby.resolve(context),
            self.nodelist.render(context),
        )


@register.tag
def tablescroll(parser: Parser, token: Token) -> TableScrollNode:
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes the id of the table's label")
    nodelist = parser.parse(("endtablescroll",))
    parser.delete_first_token()
    return TableScrollNode(parser.compile_filter(bits[1]), nodelist)

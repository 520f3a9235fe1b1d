"""The 404 page works wherever the guide is served.

MkDocs renders 404.html with links from the server's root ("/assets/...")
when site_url is empty (mkdocs/commands/build.py, _build_template; the
choice made in mkdocs/mkdocs#1598), so under a subpath such as
/intranet/guide/ the page loads no stylesheet or script and its links go
nowhere (mkdocs/mkdocs#2318). The guide's pages are flat
(use_directory_urls: false), so a missing page is asked for at the guide's
top level, beside 404.html: links relative to that folder work.

With site_url set, MkDocs' own absolute links are kept for the 404 page
(they also work for a missing address deeper down).

The print-site plugin renders the print page with this same context (it
keeps a reference to it): that one is always made relative, since the print
page is printed from a local server and opened from file shares
(overrides/hooks/print_page.py checks the result).

Priority -10 on on_template_context: after the print-site plugin's (0),
which keeps a reference to the context. (The theme builds every link from
base_url with the `url` filter.)
"""
from mkdocs.plugins import event_priority

ERROR_PAGE = "404.html"


@event_priority(-10)
def on_template_context(context, template_name, config, **kwargs):
    if template_name != ERROR_PAGE:
        return context
    absolute = dict(context)
    context["base_url"] = "."
    # The 404 page itself keeps MkDocs' absolute links when site_url says
    # where the guide lives; else it shares the relative context.
    return absolute if config.site_url else context

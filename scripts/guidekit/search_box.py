"""The built site's search box, driven as a reader drives it (a Playwright
page): one home for tests/test_search.py and scripts/search_report.py.

Both raise Playwright's TimeoutError when the theme does not answer within
timeout_ms; the caller says what it was doing.
"""
FIELD = ".md-search__input"
META = ".md-search-result__meta"
RESULT_LINKS = ".md-search-result__item a[href]"
TIMEOUT_MS = 20_000


def open_search(page, opener=FIELD, timeout_ms=TIMEOUT_MS):
    """Click the search box (or on a phone the header's search button,
    opener) and wait until search is ready: the index is in and the theme
    has answered the empty query it asks then (its words leave
    "Initializing search"). Typing sooner, the answer to a query caught
    half-typed could be the one read. Returns the box and the results' line."""
    field, meta = page.locator(FIELD), page.locator(META)
    waiting = meta.text_content()
    page.locator(opener).first.click()
    page.wait_for_function(f"t => document.querySelector('{META}').textContent !== t",
                           arg=waiting, timeout=timeout_ms)
    return field, meta


def ask(page, field, meta, query, timeout_ms=TIMEOUT_MS):
    """Type query into the open search box (open_search) and return the
    result links (absolute addresses) in the order shown."""
    field.fill("")
    # The line over the results still reads "N matching documents" for the
    # last query: blank it, so the wait below sees this query's answer.
    meta.evaluate("el => { el.textContent = ''; }")
    # All but the last letter at once, then the last one as a key press: the
    # theme searches on each key released, so only the whole query is asked,
    # and the answer shown next is its answer.
    field.fill(query[:-1])
    field.press(query[-1])
    page.wait_for_function(
        f"""q => document.querySelector('{FIELD}').value === q &&
               /matching/i.test(document.querySelector('{META}').textContent)""",
        arg=query, timeout=timeout_ms)
    return page.eval_on_selector_all(RESULT_LINKS, "els => els.map(a => a.href)")

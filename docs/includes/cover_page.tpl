{#- The cover of the printed guide (print page and PDF).

    Rendered by mkdocs-print-site-plugin with a bare Jinja environment that
    knows only `config` and `page` (the print page): no `url` filter, so
    paths are written relative to print_page.html, which sits at the site
    root. Styled by docs/assets/stylesheets/print.css (.guide-cover).

    Edition date: config.extra.pdf.edition when set (a date or text),
    otherwise the newest `last_reviewed` date of the pages in the guide.

    Every value is escaped (`| e`): the environment does not autoescape, and
    an overlay's text must never become markup in the print page or PDF. -#}
{%- set inst = config.extra.institution or {} -%}
{%- set pdf = config.extra.pdf or {} -%}
{#- No `namespace` in that environment: collect the dates in a list. -#}
{%- set reviewed = [] -%}
{%- for item in config.plugins['print-site'].renderer.items -%}
  {%- for p in ([item] + (item.children or [])) -%}
    {%- if p.meta is defined and p.meta and p.meta.last_reviewed -%}
      {%- if reviewed.append(p.meta.last_reviewed) %}{% endif -%}
    {%- endif -%}
  {%- endfor -%}
{%- endfor -%}
{%- set edition = pdf.edition or (reviewed | max if reviewed else none) -%}
<div class="guide-cover">
  {%- if inst.name %}
  <div class="guide-cover__institution">
    {%- if inst.logo %}
    <img class="guide-cover__logo" src="{{ inst.logo | e }}" alt="" width="56" height="56">
    {%- endif %}
    <p class="guide-cover__institution-name">{{ inst.name | e }}</p>
  </div>
  {%- endif %}

  <p class="guide-cover__kicker">A guide for patients and the people who care for them</p>
  <h1 class="guide-cover__title">{{ (config.plugins['print-site'].config.print_page_title or config.site_name) | e }}</h1>
  {%- if config.site_description %}
  <p class="guide-cover__subtitle">{{ config.site_description | e }}</p>
  {%- endif %}

  {%- if edition %}
  <p class="guide-cover__edition">Edition:
    {%- if edition.strftime is defined %}
    <time datetime="{{ edition.isoformat() }}">{{ edition.day }} {{ edition.strftime('%B %Y') }}</time>
    {%- else %}
    {{ edition | e }}
    {%- endif %}
  </p>
  {%- endif %}

  {#- Where a reader with a paper copy finds the newest edition: the guide's
      address, when a host sets site_url (docs/hosting.md). #}
  {%- if config.site_url %}
  <p class="guide-cover__online">Newest edition online: {{ config.site_url | e }}</p>
  {%- endif %}

  {#- With an institution's contact box the page has no room for this. #}
  {%- if not (inst.name and (inst.phone or inst.url)) %}
  <div class="guide-cover__how">
    <p>You do not need to read it all, or in order. Start with the chapter that fits
      the question on your mind today: the contents are on the next page. Links to
      another chapter give its number and page.</p>
    <p>Take the chapter of questions to ask, with your notes, to your appointments.</p>
  </div>
  {%- endif %}

  {#- Filled in by hand: whom to call is what a reader needs most. #}
  <div class="guide-cover__mine" role="group" aria-label="My care team">
    <p class="guide-cover__mine-title">My care team</p>
    <div class="guide-cover__mine-rows">
    {%- for label in ["My nurse or key worker", "Their phone", "My 24-hour line",
                      "My hospital number"] %}
      {#- The hospital's own 24-hour line, when its overlay gives one, is printed in. #}
      <div class="guide-cover__mine-row"><span class="guide-cover__mine-label">{{ label }}:</span>
        {%- if label == "My 24-hour line" and inst.urgent_phone -%}
        <span class="guide-cover__mine-value">{{ inst.urgent_phone | e }}</span>
        {%- else -%}
        <span class="guide-cover__mine-line"></span>
        {%- endif -%}
      </div>
    {%- endfor %}
    </div>
  </div>

  {%- if inst.name and (inst.phone or inst.url) %}
  <div class="guide-cover__contact">
    <p>Questions about your care? Ask your care team at {{ inst.name | e }}
      {%- if inst.phone %}: call <strong>{{ inst.phone | e }}</strong>{% endif %}.
      {%- if inst.url %}<br>{{ (inst.url_text or inst.url) | e }}{% endif %}
    </p>
    {%- if inst.reviewed_by %}
    <p class="guide-cover__review">{{ inst.reviewed_by | e }}</p>
    {%- endif %}
  </div>
  {%- endif %}

  {%- if config.extra.disclaimer %}
  <div class="guide-cover__disclaimer" role="note" aria-label="Disclaimer">
    <p><strong>Important.</strong> {{ config.extra.disclaimer | e }}
      {%- if config.extra.review_note %} {{ config.extra.review_note | e }}{% endif %}</p>
  </div>
  {%- endif %}

  {%- if config.copyright %}
  <p class="guide-cover__copyright">{{ config.copyright | e }}</p>
  {%- endif %}
</div>

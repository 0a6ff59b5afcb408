// Generated from templates/ by EmbeddedTemplatesTests; do not edit by hand.
// Regenerate: EUS_UPDATE_EMBEDDED_TEMPLATES=1 swift test --filter EmbeddedTemplatesTests

/// The copy of `templates/*.mustache` compiled into the binary (see `TemplateLibrary`).
enum EmbeddedTemplates {
    static let files: [String: String] = [
        "block": ##"""
{{#isSubheading}}<h3>{{text}}</h3>{{/isSubheading}}
{{#isParagraph}}<p>{{text}}</p>{{/isParagraph}}
{{#isCallout}}<div class="callout{{#warning}} warning{{/warning}}">{{text}}</div>{{/isCallout}}
{{#isTable}}{{#table}}{{> table}}{{/table}}{{/isTable}}
{{#isKeyValues}}<dl class="kv">{{#pairs}}<dt>{{key}}</dt><dd>{{value}}</dd>{{/pairs}}</dl>{{/isKeyValues}}
{{#isFigure}}<figure class="fig fig-{{width}}" id="figure-{{name}}"><img src="{{{dataURI}}}" alt="{{caption}}"><figcaption><b>{{label}}</b> {{caption}}</figcaption></figure>{{/isFigure}}
{{#isCases}}<div class="cases{{#audit}} audit{{/audit}}">{{#cases}}{{> case}}{{/cases}}</div>{{/isCases}}
{{#isCaseTable}}{{> casetable}}{{/isCaseTable}}
{{#isPreformatted}}<details class="pre"><summary>{{title}}</summary><pre>{{text}}</pre></details>{{/isPreformatted}}

"""##,
        "case": ##"""
<article class="case{{#wrong}} wrong{{/wrong}}" id="case-{{anchor}}">
  <h4>{{id}} <span class="truth">true {{label}}</span>{{#wrong}} <span class="flag">misclassified</span>{{/wrong}}</h4>
  {{#hasTiles}}
  <div class="tiles">
    <figure>{{#image}}<img src="{{{image}}}" alt="{{id}} image">{{/image}}{{^image}}<div class="missing">image not available</div>{{/image}}<figcaption>Image</figcaption></figure>
    {{#models}}
    <figure>{{#overlay}}<img src="{{{overlay}}}" alt="{{id}} Grad-CAM {{model}}">{{/overlay}}{{^overlay}}<div class="missing">overlay not available</div>{{/overlay}}<figcaption><span style="color:{{color}}">{{model}}</span><br>P={{probability}}<br><span class="{{^correct}}bad{{/correct}}">{{call}} {{mark}}</span></figcaption></figure>
    {{/models}}
  </div>
  {{/hasTiles}}
  {{#hasAuditLines}}<ul class="audit-lines">{{#auditLines}}<li>{{.}}</li>{{/auditLines}}</ul>{{/hasAuditLines}}
</article>

"""##,
        "casetable": ##"""
<div class="table-wrap">
<p class="filter"><label><input type="checkbox" id="only-wrong"> Show only cases misclassified by either model</label> · click a column header to sort · <span id="case-count"></span></p>
<table class="data sortable" id="case-table">
<caption>Every validation case</caption>
<thead><tr>{{#caseTable.header}}<th data-type="{{type}}" tabindex="0">{{label}}</th>{{/caseTable.header}}</tr></thead>
<tbody>
{{#caseTable.rows}}<tr data-wrong="{{wrong}}">{{#cells}}<td data-v="{{sort}}"{{#num}} class="num"{{/num}}{{#bad}} class="bad"{{/bad}}>{{text}}</td>{{/cells}}</tr>
{{/caseTable.rows}}
</tbody>
</table>
</div>

"""##,
        "report": ##"""
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="eus-report">
<title>{{title}}</title>
<style>
{{> style}}
</style>
</head>
<body>
{{#banner}}<div class="banner" role="alert">{{banner}}</div>{{/banner}}
<div class="layout">
<nav class="toc" aria-label="Contents">
  <p class="toc-title">Contents</p>
  <ol>
  {{#sections}}
    <li><a href="#{{id}}">{{title}}</a></li>
  {{/sections}}
  </ol>
  <p class="toc-meta">{{generated}}</p>
</nav>
<main>
<header class="title">
  <h1>{{title}}</h1>
  <p class="subtitle">{{subtitle}}</p>
  <p class="meta">Generated {{generated}} by eus-report from <code>{{sourceName}}</code>. The same content is in report.pdf; figures are in figures/ as PDF, SVG and 300 dpi PNG.</p>
</header>
{{#sections}}
<section id="{{id}}">
  <h2><span class="num">{{number}}.</span> {{title}}</h2>
  {{#blocks}}
  {{> block}}
  {{/blocks}}
</section>
{{/sections}}
<footer><p>EUSReport · {{title}} · {{generated}}</p></footer>
</main>
</div>
<script>
{{> script}}
</script>
</body>
</html>

"""##,
        "script": ##"""
(function () {
  var table = document.getElementById('case-table');
  if (!table) return;
  var body = table.tBodies[0], box = document.getElementById('only-wrong'), count = document.getElementById('case-count');
  function refresh() {
    var shown = 0;
    Array.prototype.forEach.call(body.rows, function (row) {
      var hide = box.checked && row.getAttribute('data-wrong') !== '1';
      row.style.display = hide ? 'none' : '';
      if (!hide) shown++;
    });
    count.textContent = shown + ' of ' + body.rows.length + ' cases shown';
  }
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
    function sort() {
      var numeric = th.getAttribute('data-type') === 'number';
      var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (c) { c.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[col].getAttribute('data-v'), y = b.cells[col].getAttribute('data-v');
        if (numeric) { x = parseFloat(x); y = parseFloat(y); }
        return (x < y ? -1 : x > y ? 1 : 0) * dir;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    }
    th.addEventListener('click', sort);
    th.addEventListener('keydown', function (e) { if (e.key === 'Enter') sort(); });
  });
  box.addEventListener('change', refresh);
  refresh();
})();

"""##,
        "style": ##"""
:root { --ink: #1a1a1a; --muted: #555; --rule: #d9d9d9; --faint: #f5f5f5; --blue: #0072B2; --verm: #D55E00; --sky: #56B4E9; }
* { box-sizing: border-box; }
html { scroll-behavior: smooth; }
body { margin: 0; color: var(--ink); background: #fff; font: 15px/1.5 "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; }
.banner { position: sticky; top: 0; z-index: 10; background: #fbe3d1; color: #8a3b00; border-bottom: 2px solid var(--verm); padding: 8px 24px; font-weight: bold; font-size: 14px; }
.layout { display: grid; grid-template-columns: 230px minmax(0, 1fr); gap: 32px; max-width: 1240px; margin: 0 auto; padding: 0 20px; }
.toc { position: sticky; top: 48px; align-self: start; max-height: calc(100vh - 64px); overflow: auto; padding: 24px 0; font-size: 14px; }
.toc-title { font-weight: bold; text-transform: uppercase; letter-spacing: .06em; font-size: 12px; color: var(--muted); margin: 0 0 8px; }
.toc ol { margin: 0; padding-left: 28px; }
.toc li { margin: 4px 0; }
.toc a { color: var(--ink); text-decoration: none; }
.toc a:hover { color: var(--blue); text-decoration: underline; }
.toc-meta { color: var(--muted); font-size: 12px; margin-top: 16px; }
main { min-width: 0; max-width: 980px; padding: 16px 0 48px; }
h1 { font-size: 28px; line-height: 1.2; margin: 16px 0 4px; }
h2 { font-size: 21px; border-bottom: 2px solid var(--blue); padding-bottom: 4px; margin: 40px 0 14px; }
h2 .num { color: var(--muted); }
h3 { font-size: 16px; margin: 20px 0 8px; }
section { scroll-margin-top: 56px; }
.subtitle { font-size: 17px; color: var(--muted); margin: 0; }
.meta, .note, figcaption { color: var(--muted); font-size: 13px; }
.callout { break-inside: avoid; background: #e8f4fb; border-left: 4px solid var(--sky); padding: 8px 12px; margin: 10px 0; font-size: 14px; }
.callout.warning { background: #fbe3d1; border-left-color: var(--verm); }
.table-wrap { overflow-x: auto; margin: 12px 0 18px; }
table.data { border-collapse: collapse; font-size: 13px; width: 100%; }
table.data caption { text-align: left; font-weight: bold; padding: 4px 0; }
table.data th { text-align: left; border-top: 1.5px solid #333; border-bottom: 1px solid #333; padding: 5px 8px; white-space: nowrap; }
table.data td { padding: 4px 8px; border-bottom: 1px solid #eee; }
table.data tbody tr:nth-child(even) { background: var(--faint); }
table.data tbody tr:last-child td { border-bottom: 1.5px solid #333; }
table.data th.num { text-align: right; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.bad, span.bad { color: var(--verm); font-weight: bold; }
table.sortable th { cursor: pointer; user-select: none; }
table.sortable th[aria-sort=ascending]::after { content: " ▲"; }
table.sortable th[aria-sort=descending]::after { content: " ▼"; }
.filter { font-size: 14px; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: 3px 16px; font-size: 13px; }
dl.kv dt { font-weight: bold; }
dl.kv dd { margin: 0; overflow-wrap: anywhere; }
figure.fig { margin: 16px 0 24px; }
figure.fig img { display: block; max-width: 100%; height: auto; border: 1px solid #eee; }
figure.fig-single img { width: 62%; min-width: 340px; }
figure.fig-double img { width: 100%; }
.cases { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 14px; margin: 14px 0; }
.cases.audit { grid-template-columns: 1fr; }
.case { border: 1px solid var(--rule); border-radius: 4px; padding: 8px; break-inside: avoid; }
.case.wrong { border-color: var(--verm); }
.case h4 { margin: 0 0 6px; font-size: 14px; }
.case .truth { font-weight: normal; color: var(--muted); }
.case .flag { color: var(--verm); font-size: 12px; }
.tiles { display: grid; grid-template-columns: repeat(3, 1fr); gap: 4px; }
.audit .tiles { max-width: 560px; }
.tiles figure { margin: 0; text-align: center; }
.tiles img { width: 100%; aspect-ratio: 1; object-fit: contain; background: #000; display: block; }
.tiles figcaption { font-size: 12px; line-height: 1.3; }
.missing { aspect-ratio: 1; background: var(--faint); color: var(--muted); display: flex; align-items: center; justify-content: center; font-size: 11px; font-style: italic; }
.audit-lines { font-size: 13px; margin: 6px 0 0; padding-left: 18px; }
details.pre summary { cursor: pointer; font-weight: bold; margin: 8px 0; }
pre { background: var(--faint); padding: 10px; overflow-x: auto; font-size: 12px; }
footer { color: var(--muted); font-size: 12px; border-top: 1px solid var(--rule); margin-top: 40px; }
@media (max-width: 900px) { .layout { grid-template-columns: 1fr; } .toc { position: static; max-height: none; } }
@media print {
  body { font-size: 10pt; }
  .toc, .filter { display: none; }
  .layout { display: block; max-width: none; padding: 0; }
  .banner { position: static; }
  main { max-width: none; }
  section { break-before: page; }
  section#summary { break-before: avoid; }
  figure, .case, table, .callout { break-inside: avoid; }
  .table-wrap { overflow: visible; }
  table.data { font-size: 7.5pt; }
  table.data th, table.data td { padding: 2px 4px; white-space: normal; }
  .cases { grid-template-columns: repeat(3, 1fr); }
  details.pre > pre { display: block; }
  a { color: inherit; text-decoration: none; }
}

"""##,
        "table": ##"""
<div class="table-wrap">
<table class="data">
{{#caption}}<caption>{{caption}}</caption>{{/caption}}
<thead><tr>{{#header}}<th{{^isText}} class="num"{{/isText}}>{{text}}</th>{{/header}}</tr></thead>
<tbody>
{{#rows}}<tr>{{#cells}}<td{{^isText}} class="num"{{/isText}}>{{#href}}<a href="#{{href}}">{{text}}</a>{{/href}}{{^href}}{{text}}{{/href}}</td>{{/cells}}</tr>
{{/rows}}
</tbody>
</table>
{{#note}}<p class="note">{{note}}</p>{{/note}}
</div>

"""##,
    ]
}

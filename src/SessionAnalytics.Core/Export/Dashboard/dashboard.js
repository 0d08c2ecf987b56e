// The dashboard's only code. Data comes from the JSON block and is put into the page with textContent only:
// titles, authors, branches and skill names are never parsed as HTML. Chart.js draws on canvases (text, not HTML).
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('analytics-data').textContent);
  var palette = ['#0969da', '#cf222e', '#1a7f37', '#9a6700', '#8250df', '#bf3989', '#0550ae', '#bc4c00', '#116329', '#6e7781'];

  function setText(element, value) { element.textContent = value === null || value === undefined ? '' : String(value); }
  function byId(id) { return document.getElementById(id); }

  setText(byId('period'), data.period);
  setText(byId('repository'), data.repository);
  document.title = 'Claude Code Analytics: ' + data.repository;

  var summaryBody = byId('summary').tBodies[0];
  data.summary.forEach(function (row) {
    var tr = document.createElement('tr');
    var th = document.createElement('th');
    th.scope = 'row';
    setText(th, row[0]);
    var td = document.createElement('td');
    setText(td, row[1]);
    tr.append(th, td);
    summaryBody.append(tr);
  });

  buildTable(byId('sessions'), data.table);
  drawCharts();
  window.__dashboardReady = true;

  function buildTable(table, spec) {
    var headRow = table.tHead.rows[0];
    var body = table.tBodies[0];
    var rows = spec.rows.map(function (cells, index) {
      var tr = document.createElement('tr');
      cells.forEach(function (cell, c) {
        var td = document.createElement('td');
        if (spec.columns[c].numeric) td.className = 'num';
        setText(td, cell[0]);
        tr.append(td);
      });
      return { element: tr, cells: cells, index: index };
    });
    rows.forEach(function (r) { body.append(r.element); });

    var sortedBy = -1, descending = false;
    spec.columns.forEach(function (column, c) {
      var th = document.createElement('th');
      th.scope = 'col';
      if (column.numeric) th.className = 'num';
      var button = document.createElement('button');
      button.type = 'button';
      setText(button, column.label);
      button.addEventListener('click', function () {
        // First click: numbers largest first, text A to Z; a second click reverses.
        descending = sortedBy === c ? !descending : column.numeric;
        sortedBy = c;
        Array.prototype.forEach.call(headRow.cells, function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
        rows.sort(function (a, b) { return compare(a.cells[c][1], b.cells[c][1], column.numeric, descending) || a.index - b.index; });
        rows.forEach(function (r) { body.append(r.element); });
      });
      th.append(button);
      headRow.append(th);
    });
  }

  function compare(a, b, numeric, descending) {
    var aMissing = a === null || a === '', bMissing = b === null || b === '';
    if (aMissing || bMissing) return aMissing === bMissing ? 0 : (aMissing ? 1 : -1); // empty cells last either way
    var order = numeric ? a - b : String(a).localeCompare(String(b), 'en', { numeric: true, sensitivity: 'base' });
    return descending ? -order : order;
  }

  function drawCharts() {
    if (typeof Chart === 'undefined') {
      var status = byId('chart-status');
      setText(status, 'Chart.js could not be loaded (offline, or the CDN is blocked), so the charts are missing. ' +
        'Run Export-SessionAnalytics with -EmbedChartJs for a dashboard that works offline.');
      status.hidden = false;
      return;
    }
    Chart.defaults.animation = false;
    Chart.defaults.maintainAspectRatio = false;
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    var charts = data.charts;

    chart('chart-tokens', 'line', charts.tokens, {
      scales: { y: { type: 'logarithmic', title: { display: true, text: 'tokens (log scale)' } } },
      interaction: { mode: 'index', intersect: false }
    });
    chart('chart-cost', 'bar', charts.cost, {
      scales: { y: { beginAtZero: true, title: { display: true, text: 'USD' } } },
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { afterTitle: function (items) { return charts.cost.titles[items[0].dataIndex] || ''; } } }
      }
    });
    chart('chart-skills', 'pie', charts.skills, {});
    chart('chart-acceptance', 'line', charts.acceptance, {
      scales: { y: { min: 0, max: 100, title: { display: true, text: '% of decided PRs merged' } } }
    });
    chart('chart-models', 'doughnut', charts.models, {});
  }

  function chart(id, type, spec, options) {
    var circular = type === 'pie' || type === 'doughnut';
    var datasets = spec.datasets.map(function (d, i) {
      var color = palette[i % palette.length];
      return circular
        ? { label: d.label, data: d.data, backgroundColor: d.data.map(function (_, k) { return palette[k % palette.length]; }) }
        : { label: d.label, data: d.data, borderColor: color, backgroundColor: type === 'bar' ? color + 'b3' : color, pointRadius: 3 };
    });
    var canvas = byId(id);
    options.responsive = true;
    new Chart(canvas, { type: type, data: { labels: spec.labels, datasets: datasets }, options: options });
    if (spec.labels.length === 0) {
      var empty = document.createElement('div');
      empty.className = 'empty';
      setText(empty, spec.empty);
      canvas.parentElement.append(empty);
    }
  }
})();

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

  var tableRows = buildTable(byId('sessions'), data.table);
  var instances = {};
  var shown = data.charts;
  var chartsReady = drawCharts();
  setUpFilter();
  window.__dashboardReady = true;

  // ---- the filter: repository and period (months of session start, UTC) select the rows behind the charts and the table

  function setUpFilter() {
    var facts = data.facts;
    var repository = byId('filter-repository'), from = byId('filter-from'), to = byId('filter-to');
    facts.repositories.forEach(function (name, i) { repository.append(option(String(i), name)); });
    repository.parentElement.hidden = facts.repositories.length < 2;
    facts.months.forEach(function (month) { from.append(option(month, month)); to.append(option(month, month)); });
    from.parentElement.hidden = to.parentElement.hidden = facts.months.length < 2;
    if (facts.months.length > 0) to.value = facts.months[facts.months.length - 1];
    [repository, from, to].forEach(function (select) { select.addEventListener('change', apply); });
    byId('filter-reset').addEventListener('click', function () {
      repository.value = '';
      if (facts.months.length > 0) { from.value = facts.months[0]; to.value = facts.months[facts.months.length - 1]; }
      apply();
    });
    apply();
  }

  function option(value, text) {
    var o = document.createElement('option');
    o.value = value;
    setText(o, text);
    return o;
  }

  function apply() {
    var facts = data.facts, months = facts.months;
    var repository = byId('filter-repository').value, from = byId('filter-from').value, to = byId('filter-to').value;
    if (from && to && from > to) { var swap = from; from = to; to = swap; }
    var wholePeriod = months.length === 0 || (from === months[0] && to === months[months.length - 1]);
    var all = repository === '' && wholePeriod;
    var selected = facts.rows.map(function (row) {
      if (repository !== '' && String(row.repository) !== repository) return false;
      if (wholePeriod) return true;
      return row.month !== null && row.month >= from && row.month <= to;
    });
    var count = 0, cost = 0;
    selected.forEach(function (keep, i) { if (keep) { count++; cost += facts.rows[i].cost; } });
    tableRows.forEach(function (r) { r.element.hidden = !selected[r.index]; });
    setText(byId('filter-status'), all
      ? 'Showing all ' + facts.rows.length + ' sessions.'
      : 'Showing ' + count + ' of ' + facts.rows.length + ' sessions, $' + cost.toFixed(2) + '.');
    shown = all ? data.charts : aggregate(selected);
    if (chartsReady) redraw();
    window.__dashboardFiltered = !all;
  }

  // Adds the selected rows up as AnalyticsSummary does for the report (same orders, same rules).
  function aggregate(selected) {
    var facts = data.facts, rows = facts.rows.filter(function (_, i) { return selected[i]; });
    var days = {}, targetCost = {}, skills = {}, models = {}, last = {};
    rows.forEach(function (row) {
      if (row.day) {
        var d = days[row.day] || (days[row.day] = [0, 0, 0, 0]);
        for (var k = 0; k < 4; k++) d[k] += row.tokens[k];
      }
      targetCost[row.target] = (targetCost[row.target] || 0) + row.cost;
      if (row.started !== undefined && (last[row.target] === undefined || row.started > last[row.target])) last[row.target] = row.started;
      row.skills.forEach(function (s) { skills[s[0]] = (skills[s[0]] || 0) + s[1]; });
      row.models.forEach(function (m) {
        var entry = models[m[0]] || (models[m[0]] = { cost: 0, tokens: 0 });
        entry.cost += m[1];
        entry.tokens += m[2];
      });
    });
    var dayLabels = Object.keys(days).sort();
    var targets = Object.keys(targetCost).map(Number).sort(function (a, b) { return a - b; });
    var skillIds = Object.keys(skills).map(Number).sort(function (a, b) {
      return skills[b] - skills[a] || ordinal(facts.skills[a], facts.skills[b]);
    });
    var modelIds = Object.keys(models).map(Number).sort(function (a, b) {
      return models[b].cost - models[a].cost || models[b].tokens - models[a].tokens || ordinal(facts.models[a], facts.models[b]);
    });
    var weeks = {};
    Object.keys(last).forEach(function (t) {
      var target = facts.targets[t];
      if (target.kind !== 'PullRequest' || (target.outcome !== 'Merged' && target.outcome !== 'Rejected')) return;
      var week = weekStart(last[t]);
      var w = weeks[week] || (weeks[week] = { merged: 0, decided: 0 });
      w.decided++;
      if (target.outcome === 'Merged') w.merged++;
    });
    var weekLabels = Object.keys(weeks).sort();
    function series(label, values) { return { label: label, data: values }; }
    return {
      tokens: {
        labels: dayLabels, empty: data.charts.tokens.empty,
        datasets: ['Input', 'Output', 'Cache creation', 'Cache read'].map(function (label, k) {
          return series(label, dayLabels.map(function (d) { return days[d][k]; }));
        })
      },
      cost: {
        labels: targets.map(function (t) { return facts.targets[t].label; }), empty: data.charts.cost.empty,
        titles: targets.map(function (t) { return facts.targets[t].title; }),
        datasets: [series(data.charts.cost.datasets[0].label, targets.map(function (t) { return round(targetCost[t]); }))]
      },
      skills: {
        labels: skillIds.map(function (i) { return facts.skills[i]; }), empty: data.charts.skills.empty,
        datasets: [series(data.charts.skills.datasets[0].label, skillIds.map(function (i) { return skills[i]; }))]
      },
      acceptance: {
        labels: weekLabels.map(function (w) { return 'week of ' + w; }), empty: data.charts.acceptance.empty,
        datasets: [series(data.charts.acceptance.datasets[0].label, weekLabels.map(function (w) {
          return Math.round(1000 * weeks[w].merged / weeks[w].decided) / 10;
        }))]
      },
      models: {
        labels: modelIds.map(function (i) { return facts.models[i]; }), empty: data.charts.models.empty,
        datasets: [series(data.charts.models.datasets[0].label, modelIds.map(function (i) { return round(models[i].cost); }))]
      }
    };
  }

  function ordinal(a, b) { return a < b ? -1 : a > b ? 1 : 0; }
  // Sums of decimal costs in binary floating point: back to the cents' far side (nine decimals, as the dataset keeps).
  function round(x) { return Math.round(x * 1e9) / 1e9; }
  function weekStart(ms) {
    var d = new Date(ms);
    var day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    var monday = new Date(day - ((d.getUTCDay() + 6) % 7) * 86400000);
    return monday.toISOString().slice(0, 10);
  }

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
    return rows;
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
      return false;
    }
    Chart.defaults.animation = false;
    Chart.defaults.maintainAspectRatio = false;
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;

    chart('chart-tokens', 'line', 'tokens', {
      scales: { y: { type: 'logarithmic', title: { display: true, text: 'tokens (log scale)' } } },
      interaction: { mode: 'index', intersect: false }
    });
    chart('chart-cost', 'bar', 'cost', {
      scales: { y: { beginAtZero: true, title: { display: true, text: 'USD' } } },
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { afterTitle: function (items) { return shown.cost.titles[items[0].dataIndex] || ''; } } }
      }
    });
    chart('chart-skills', 'pie', 'skills', {});
    chart('chart-acceptance', 'line', 'acceptance', {
      scales: { y: { min: 0, max: 100, title: { display: true, text: '% of decided PRs merged' } } }
    });
    chart('chart-models', 'doughnut', 'models', {});
    return true;
  }

  function datasetsFor(type, spec) {
    var circular = type === 'pie' || type === 'doughnut';
    return spec.datasets.map(function (d, i) {
      var color = palette[i % palette.length];
      return circular
        ? { label: d.label, data: d.data, backgroundColor: d.data.map(function (_, k) { return palette[k % palette.length]; }) }
        : { label: d.label, data: d.data, borderColor: color, backgroundColor: type === 'bar' ? color + 'b3' : color, pointRadius: 3 };
    });
  }

  function redraw() {
    Object.keys(instances).forEach(function (id) {
      var entry = instances[id], spec = shown[entry.name];
      entry.chart.data.labels = spec.labels;
      entry.chart.data.datasets = datasetsFor(entry.type, spec);
      entry.chart.update();
      showEmpty(entry.chart.canvas, spec);
    });
  }

  function showEmpty(canvas, spec) {
    var empty = canvas.parentElement.querySelector('.empty');
    if (!empty) {
      empty = document.createElement('div');
      empty.className = 'empty';
      canvas.parentElement.append(empty);
    }
    setText(empty, spec.empty);
    empty.hidden = spec.labels.length > 0;
  }

  function chart(id, type, name, options) {
    var spec = shown[name];
    var canvas = byId(id);
    options.responsive = true;
    instances[id] = { name: name, type: type, chart: new Chart(canvas, { type: type, data: { labels: spec.labels, datasets: datasetsFor(type, spec) }, options: options }) };
    showEmpty(canvas, spec);
  }
})();

// Opens a dashboard.html written by Export-SessionAnalytics in headless Chromium with every network request blocked,
// and prints what it observed as JSON on stdout: console and page errors, dialogs, blocked requests, the Chart.js
// charts drawn (type, points, painted pixels), the sessions table, the result of sorting it, injection probes.
// The xunit test (tests/Unit/Export/DashboardBrowserTests.cs) decides what is right; this script only observes.
//
// usage: node check-dashboard.mjs <dashboard.html> <screenshot.png>
import { chromium } from 'playwright-core';
import { pathToFileURL } from 'node:url';

const [htmlPath, screenshotPath] = process.argv.slice(2);
if (!htmlPath || !screenshotPath) {
  console.error('usage: node check-dashboard.mjs <dashboard.html> <screenshot.png>');
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.SESSIONANALYTICS_CHROMIUM || '/usr/bin/chromium',
  headless: true,
  // Playwright gives every launch a fresh temporary profile (its own --user-data-dir).
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--host-resolver-rules=MAP * ~NOTFOUND'],
});

const observed = { consoleErrors: [], pageErrors: [], dialogs: [], blockedRequests: [] };
try {
  // offline: the browser has no network; the route below also records anything that tries.
  const context = await browser.newContext({ offline: true, viewport: { width: 1400, height: 900 } });
  await context.route('**/*', route => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
    observed.blockedRequests.push(url);
    return route.abort('internetdisconnected');
  });
  const page = await context.newPage();
  page.on('console', message => { if (message.type() === 'error') observed.consoleErrors.push(message.text()); });
  page.on('pageerror', error => observed.pageErrors.push(String(error)));
  page.on('dialog', dialog => { observed.dialogs.push(dialog.message()); dialog.dismiss().catch(() => {}); });

  await page.goto(pathToFileURL(htmlPath).href, { waitUntil: 'load' });
  await page.waitForFunction(() => window.__dashboardReady === true, null, { timeout: 20000 });

  observed.chartJsLoaded = await page.evaluate(() => typeof Chart !== 'undefined');
  const chartValues = () => page.evaluate(() => typeof Chart === 'undefined' ? [] : Object.values(Chart.instances).map(chart => ({
    id: chart.canvas.id,
    labels: chart.data.labels.map(String),
    data: chart.data.datasets.map(d => d.data.map(Number)),
    empty: !(chart.canvas.parentElement.querySelector('.empty')?.hidden ?? true),
  })));
  observed.chartValues = await chartValues();
  observed.charts = await page.evaluate(() => {
    if (typeof Chart === 'undefined') return [];
    return Object.values(Chart.instances).map(chart => {
      const canvas = chart.canvas;
      const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) painted++;
      return {
        id: canvas.id,
        type: chart.config.type,
        viaGetChart: Chart.getChart(canvas) === chart,
        labels: chart.data.labels.map(String),
        datasets: chart.data.datasets.map(d => ({ label: d.label, points: d.data.length })),
        width: canvas.width,
        height: canvas.height,
        paintedPixels: painted,
      };
    });
  });
  observed.chartStatus = await page.evaluate(() => {
    const status = document.getElementById('chart-status');
    return status.hidden ? null : status.textContent;
  });
  observed.period = await page.textContent('#period');
  observed.repository = await page.textContent('#repository');
  observed.summary = await page.$$eval('#summary tr', rows => rows.map(r => [r.cells[0].textContent, r.cells[1].textContent]));
  observed.headers = await page.$$eval('#sessions thead th', ths => ths.map(th => th.textContent));
  const column = async label => {
    const index = observed.headers.indexOf(label);
    return page.$$eval(`#sessions tbody tr td:nth-child(${index + 1})`, tds => tds.map(td => td.textContent));
  };
  observed.titles = await column('Title');
  observed.injection = await page.evaluate(() => ({
    pwned: window.__pwned === true,
    imgElements: document.querySelectorAll('img').length,
    scriptElements: document.querySelectorAll('script').length,
    scriptsContainingHostileMarkup: Array.from(document.querySelectorAll('script')).filter(s => s.textContent.includes('<script>alert(1)')).length,
  }));

  // Sorting: a number column (first click largest first, second click reversed) and a text column.
  const sortBy = async label => {
    await page.click(`#sessions thead th:nth-child(${observed.headers.indexOf(label) + 1}) button`);
    return {
      ariaSort: await page.getAttribute(`#sessions thead th:nth-child(${observed.headers.indexOf(label) + 1})`, 'aria-sort'),
      values: await column(label),
    };
  };
  observed.sortCostFirst = await sortBy('Cost (USD)');
  observed.sortCostSecond = await sortBy('Cost (USD)');
  observed.sortSession = await sortBy('Session');

  // The filter: each repository alone, then the first repository over its last month only, then "Show all".
  const visibleRows = () => page.$$eval('#sessions tbody tr', trs => trs.filter(tr => !tr.hidden).map(tr => Array.from(tr.cells).map(td => td.textContent)));
  observed.filter = {
    repositoryShown: await page.isVisible('#filter-repository'),
    periodShown: await page.isVisible('#filter-from'),
    repositories: await page.$$eval('#filter-repository option', os => os.map(o => [o.value, o.textContent])),
    months: await page.$$eval('#filter-from option', os => os.map(o => o.value)),
    views: [],
  };
  for (const [value, name] of observed.filter.repositoryShown ? observed.filter.repositories.filter(([v]) => v !== '') : []) {
    await page.selectOption('#filter-repository', value);
    observed.filter.views.push({ repository: name, from: null, to: null, charts: await chartValues(), rows: await visibleRows(), status: await page.textContent('#filter-status') });
  }
  if (observed.filter.repositoryShown && observed.filter.periodShown) {
    const [value, name] = observed.filter.repositories.find(([v]) => v !== '') ?? ['', null];
    const last = observed.filter.months[observed.filter.months.length - 1];
    await page.selectOption('#filter-repository', value);
    await page.selectOption('#filter-from', last);
    observed.filter.views.push({ repository: name, from: last, to: last, charts: await chartValues(), rows: await visibleRows(), status: await page.textContent('#filter-status') });
    await page.screenshot({ path: screenshotPath.replace(/\.png$/, '-filtered.png'), fullPage: true });
  }
  await page.click('#filter-reset');
  observed.filter.afterReset = { charts: await chartValues(), rows: (await visibleRows()).length, status: await page.textContent('#filter-status') };

  await page.screenshot({ path: screenshotPath, fullPage: true });
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify(observed));

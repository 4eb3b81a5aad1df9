// Monthly timeline: incidents as bars (left axis), fatalities as a line (right axis),
// drawn as SVG with no library. Exports render(container, rows, opts).
// rows: [{month: "YYYY-MM", incidents, fatalities}] in any order, gaps allowed; missing
// months between the first and the last are drawn as zero.
var NS = 'http://www.w3.org/2000/svg';

function el(name, attrs, text) {
  var e = document.createElementNS(NS, name);
  if (attrs) {
    Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
  }
  if (text !== undefined) e.textContent = text;
  return e;
}

function nextMonth(m) {
  var y = parseInt(m.slice(0, 4), 10);
  var mo = parseInt(m.slice(5, 7), 10);
  mo += 1;
  if (mo > 12) { mo = 1; y += 1; }
  return y + '-' + (mo < 10 ? '0' : '') + mo;
}

// Fill the gaps so that every month between the first and the last has a row.
export function complete(rows) {
  var byMonth = {};
  rows.forEach(function (r) {
    if (!r || typeof r.month !== 'string' || r.month.length < 7) return;
    var m = r.month.slice(0, 7);
    var cur = byMonth[m] || { month: m, incidents: 0, fatalities: 0 };
    cur.incidents += Number(r.incidents) || 0;
    cur.fatalities += Number(r.fatalities) || 0;
    byMonth[m] = cur;
  });
  var months = Object.keys(byMonth).sort();
  if (months.length === 0) return [];
  var out = [];
  var m = months[0];
  var last = months[months.length - 1];
  var guard = 0;
  while (m <= last && guard < 2400) {
    out.push(byMonth[m] || { month: m, incidents: 0, fatalities: 0 });
    m = nextMonth(m);
    guard += 1;
  }
  return out;
}

// A "nice" axis maximum and step for n ticks.
function niceScale(max, ticks) {
  if (!(max > 0)) return { max: 1, step: 1 };
  var raw = max / ticks;
  var mag = Math.pow(10, Math.floor(Math.log10(raw)));
  var norm = raw / mag;
  var step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
  step = Math.max(1, step);
  return { max: Math.ceil(max / step) * step, step: step };
}

export function render(container, rows, opts) {
  opts = opts || {};
  var t = opts.t || function (k) { return k; };
  var fmt = opts.fmt || function (n) { return String(n); };
  container.textContent = '';
  var data = complete(rows || []);
  if (data.length === 0) {
    var p = document.createElement('p');
    p.className = 'muted';
    p.setAttribute('data-testid', 'timeline-empty');
    p.textContent = t('timeline.empty');
    container.appendChild(p);
    return;
  }

  var W = Math.max(320, container.clientWidth || 800);
  var H = opts.height || 190;
  var pad = { l: 44, r: 48, t: 12, b: 26 };
  var iw = W - pad.l - pad.r;
  var ih = H - pad.t - pad.b;
  var maxInc = 0, maxFat = 0;
  data.forEach(function (d) {
    if (d.incidents > maxInc) maxInc = d.incidents;
    if (d.fatalities > maxFat) maxFat = d.fatalities;
  });
  var si = niceScale(maxInc, 4);
  var sf = niceScale(maxFat, 4);
  var bw = iw / data.length;

  var svg = el('svg', {
    viewBox: '0 0 ' + W + ' ' + H, width: W, height: H,
    role: 'img', 'aria-label': t('timeline.title'), 'class': 'timeline-svg'
  });

  // Grid and left axis (incidents).
  var g = el('g', { 'class': 'axis axis-incidents' });
  for (var v = 0; v <= si.max; v += si.step) {
    var y = pad.t + ih - (v / si.max) * ih;
    g.appendChild(el('line', { x1: pad.l, x2: pad.l + iw, y1: y, y2: y, 'class': 'grid' }));
    g.appendChild(el('text', { x: pad.l - 6, y: y + 4, 'text-anchor': 'end' }, fmt(v)));
  }
  svg.appendChild(g);
  // Right axis (fatalities).
  var gr = el('g', { 'class': 'axis axis-fatalities' });
  for (var fv = 0; fv <= sf.max; fv += sf.step) {
    var fy = pad.t + ih - (fv / sf.max) * ih;
    gr.appendChild(el('text', { x: pad.l + iw + 6, y: fy + 4, 'text-anchor': 'start' }, fmt(fv)));
  }
  svg.appendChild(gr);

  // Year labels on January (or on the first month) when there is room.
  var gx = el('g', { 'class': 'axis axis-x' });
  var yearsShown = 0;
  var labelEvery = Math.max(1, Math.ceil((data.length / 12) / (iw / 48)));
  data.forEach(function (d, i) {
    var isJan = d.month.slice(5, 7) === '01';
    if (i === 0 || isJan) {
      var x = pad.l + i * bw;
      gx.appendChild(el('line', { x1: x, x2: x, y1: pad.t + ih, y2: pad.t + ih + 4, 'class': 'tick' }));
      if (data.length <= 24) return;
      if (yearsShown % labelEvery === 0) {
        gx.appendChild(el('text', { x: x + 2, y: H - 8, 'text-anchor': 'start' }, d.month.slice(0, 4)));
      }
      yearsShown += 1;
    }
  });
  if (data.length <= 24) {
    data.forEach(function (d, i) {
      if (data.length > 12 && i % 2 === 1) return;
      gx.appendChild(el('text', { x: pad.l + i * bw + bw / 2, y: H - 8, 'text-anchor': 'middle' },
        d.month.slice(2, 4) + '/' + d.month.slice(5, 7)));
    });
  }
  svg.appendChild(gx);

  // Bars (incidents), one group per month with a tooltip and stable attributes.
  var gb = el('g', { 'class': 'bars' });
  data.forEach(function (d, i) {
    var h = (d.incidents / si.max) * ih;
    var inRange = opts.range && (!opts.range[0] || d.month >= opts.range[0]) && (!opts.range[1] || d.month <= opts.range[1]);
    var grp = el('g', {
      'class': 'month' + (opts.range ? (inRange ? ' in-range' : ' out-of-range') : ''),
      'data-month': d.month,
      'data-incidents': d.incidents,
      'data-fatalities': d.fatalities,
      'data-testid': 'timeline-month'
    });
    grp.appendChild(el('title', null, d.month + ': ' + fmt(d.incidents) + ' ' +
      t('timeline.incidents').toLowerCase() + ', ' + fmt(d.fatalities) + ' ' +
      t('timeline.fatalities').toLowerCase()));
    // Full-height transparent hit area so that thin bars are still clickable.
    grp.appendChild(el('rect', { x: pad.l + i * bw, y: pad.t, width: Math.max(bw, 1), height: ih, 'class': 'hit' }));
    grp.appendChild(el('rect', {
      x: pad.l + i * bw + (bw > 3 ? bw * 0.1 : 0), y: pad.t + ih - h,
      width: Math.max(bw > 3 ? bw * 0.8 : bw, 0.5), height: Math.max(h, 0), 'class': 'bar'
    }));
    if (opts.onMonthClick) {
      grp.addEventListener('click', function () { opts.onMonthClick(d.month); });
    }
    gb.appendChild(grp);
  });
  svg.appendChild(gb);

  // Fatalities line.
  var pts = data.map(function (d, i) {
    var x = pad.l + i * bw + bw / 2;
    var y = pad.t + ih - (d.fatalities / sf.max) * ih;
    return x.toFixed(1) + ',' + y.toFixed(1);
  });
  svg.appendChild(el('polyline', { points: pts.join(' '), 'class': 'fatalities-line' }));

  container.appendChild(svg);

  // Legend.
  var legend = document.createElement('div');
  legend.className = 'timeline-legend';
  var li = document.createElement('span');
  li.className = 'key key-incidents';
  li.textContent = t('timeline.incidents') + ' (' + fmt(sumOf(data, 'incidents')) + ')';
  var lf = document.createElement('span');
  lf.className = 'key key-fatalities';
  lf.textContent = t('timeline.fatalities') + ' (' + fmt(sumOf(data, 'fatalities')) + ')';
  legend.appendChild(li);
  legend.appendChild(lf);
  if (opts.onMonthClick) {
    var hint = document.createElement('span');
    hint.className = 'muted';
    hint.textContent = t('timeline.clickHint');
    legend.appendChild(hint);
  }
  container.appendChild(legend);

  // The same numbers as an accessible table (newest first).
  var det = document.createElement('details');
  det.className = 'timeline-table';
  var sum = document.createElement('summary');
  sum.textContent = t('timeline.table');
  det.appendChild(sum);
  var table = document.createElement('table');
  table.setAttribute('data-testid', 'timeline-table');
  var thead = document.createElement('thead');
  var trh = document.createElement('tr');
  [t('timeline.month'), t('timeline.incidents'), t('timeline.fatalities')].forEach(function (h) {
    var th = document.createElement('th');
    th.textContent = h;
    trh.appendChild(th);
  });
  thead.appendChild(trh);
  table.appendChild(thead);
  var tbody = document.createElement('tbody');
  data.slice().reverse().forEach(function (d) {
    if (!d.incidents && !d.fatalities) return;
    var tr = document.createElement('tr');
    tr.setAttribute('data-month', d.month);
    [d.month, fmt(d.incidents), fmt(d.fatalities)].forEach(function (c, j) {
      var td = document.createElement('td');
      td.textContent = c;
      if (j === 1) td.setAttribute('data-testid', 'timeline-incidents');
      if (j === 2) td.setAttribute('data-testid', 'timeline-fatalities');
      tr.appendChild(td);
    });
    tbody.appendChild(tr);
  });
  table.appendChild(tbody);
  det.appendChild(table);
  container.appendChild(det);
}

function sumOf(data, k) {
  return data.reduce(function (a, d) { return a + (Number(d[k]) || 0); }, 0);
}

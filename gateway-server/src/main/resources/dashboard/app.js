/*
 * Tiergate dashboard. Reads /dashboard/api/* with the session cookie the login sets (the admin key is
 * sent once, in a JSON body, and kept nowhere in the page), and draws each view with Chart.js.
 * Everything is built with DOM calls and textContent: nothing the gateway answers is parsed as HTML.
 */
(function () {
  'use strict';

  const API = '/dashboard/api/';
  const TAIL_POLL_MS = 2000;
  const TAIL_MAX_ROWS = 500;
  const VIEWS = ['spend', 'caches', 'routing', 'latency', 'upstreams', 'tail'];
  /** The views that show a period of days (the others show what this replica saw since it started). */
  const PERIOD_VIEWS = ['spend', 'caches', 'routing'];
  const REASONS = [
    ['exact_cache_usd', 'Exact cache', '#1e8a4c'],
    ['semantic_cache_usd', 'Semantic cache', '#5cb85c'],
    ['routing_usd', 'Routing', '#2f7ebc'],
    ['prompt_cache_usd', 'Provider prompt cache', '#8e6cc2'],
    ['escalation_usd', 'Escalations', '#d9822b'],
    ['shadow_check_usd', 'Shadow checks', '#c0392b'],
    ['failed_attempts_usd', 'Failed attempts', '#7f8c8d'],
  ];
  const TEAM_COLOURS = ['#2f7ebc', '#1e8a4c', '#d9822b', '#8e6cc2', '#c0392b', '#16a2a2', '#b8a000', '#7f8c8d',
    '#e377c2', '#5a6fd6'];
  const TIER_COLOURS = { small: '#1e8a4c', mid: '#2f7ebc', frontier: '#8e6cc2' };
  const CACHE_OUTCOMES = [['hit', 'Hit', '#1e8a4c'], ['semantic_hit', 'Semantic hit', '#5cb85c'],
    ['miss', 'Miss', '#d9822b'], ['bypass', 'Bypassed', '#9aa5b1'], ['other', 'No cache', '#cfd6de']];

  const charts = {};
  let current = null;
  let tail = { next: null, timer: null, paused: false, busy: false };

  /** How many times the sign-in page was shown: an API answer to a call made before the last time is dropped. */
  let signIns = 0;

  /** Signals a 401 from the API: the session is gone, so the login is shown again. */
  class LoginRequired extends Error {}
  /** Signals an API answer that arrived after the admin signed out: nothing is drawn with it. */
  class SignedOut extends Error {}

  // ---------- formatting ----------

  function usd(v) {
    if (v === null || v === undefined) { return '–'; }
    const a = Math.abs(v);
    if (a === 0) { return '$0'; }
    const text = a >= 1
      ? a.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })
      : a.toLocaleString('en-US', { maximumSignificantDigits: 4 });
    return (v < 0 ? '−$' : '$') + text;
  }

  function count(v) {
    return v === null || v === undefined ? '–' : Number(v).toLocaleString('en-US');
  }

  function percent(share) {
    if (share === null || share === undefined || Number.isNaN(share)) { return '–'; }
    return (share * 100).toLocaleString('en-US', { maximumFractionDigits: 1 }) + '%';
  }

  function ms(v) {
    if (v === null || v === undefined) { return '–'; }
    return (v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toLocaleString('en-US', { maximumSignificantDigits: 3 }))
      + ' ms';
  }

  /** A histogram bucket by its upper bound in ms ("> 2500" for the last, unbounded one). */
  function bucketLabel(le, previous) {
    return le === null ? '> ' + previous : String(le);
  }

  // ---------- DOM helpers ----------

  function $(id) { return document.getElementById(id); }

  function el(tag, props, children) {
    const node = document.createElement(tag);
    if (props) {
      for (const [k, v] of Object.entries(props)) {
        if (k === 'text') { node.textContent = v; } else if (k === 'cls') { node.className = v; } else { node.setAttribute(k, v); }
      }
    }
    for (const child of children || []) { node.appendChild(child); }
    return node;
  }

  function cell(text, cls) { return el('td', { text: String(text), cls: cls || '' }); }

  function moneyCell(v) { return cell(usd(v), 'num' + (v < 0 ? ' neg' : v > 0 ? ' pos' : '')); }

  function fillBody(table, rows) {
    const body = $(table).tBodies[0];
    body.replaceChildren(...rows);
  }

  function setText(id, text) { $(id).textContent = text; }

  function showBanner(message) {
    const banner = $('banner');
    banner.textContent = message;
    banner.hidden = !message;
  }

  // ---------- API ----------

  function period() { return 'days=' + encodeURIComponent($('days').value); }

  /**
   * One API call. An answer that arrives after the admin signed out (the call was made before) is
   * dropped with SignedOut, so that nothing of it is drawn on the sign-in page.
   */
  async function api(path) {
    const session = signIns;
    const res = await fetch(API + path, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    if (session !== signIns) { throw new SignedOut(); }
    if (res.status === 401) { throw new LoginRequired('login required'); }
    if (!res.ok) {
      let message = res.status + ' ' + res.statusText;
      try { message = (await res.json()).error.message || message; } catch (ignored) { /* not JSON */ }
      throw new Error(message);
    }
    const body = await res.json();
    if (session !== signIns) { throw new SignedOut(); }
    return body;
  }

  // ---------- charts ----------

  function chart(id, config) {
    if (charts[id]) { charts[id].destroy(); }
    config.options = Object.assign({
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      plugins: {},
    }, config.options || {});
    config.options.plugins = Object.assign({ legend: { position: 'bottom', labels: { boxWidth: 12 } } },
      config.options.plugins);
    charts[id] = new Chart($(id), config);
    return charts[id];
  }

  function stackedBars(horizontal, money) {
    const valueAxis = { stacked: true, beginAtZero: true };
    valueAxis.ticks = money ? { callback: (v) => usd(v) } : { precision: 0 };
    const options = { scales: { x: { stacked: true }, y: { stacked: true } } };
    options.scales[horizontal ? 'x' : 'y'] = valueAxis;
    if (horizontal) { options.indexAxis = 'y'; }
    if (money) {
      options.plugins = { tooltip: { callbacks: { label: (c) => c.dataset.label + ': ' + usd(c.parsed[horizontal ? 'x' : 'y']) } } };
    }
    return options;
  }

  // ---------- views ----------

  async function showSpend() {
    const data = await api('spend?' + period());
    const t = data.totals;
    setText('spend-requests', count(t.requests));
    setText('spend-actual', usd(t.actual_usd));
    setText('spend-baseline', usd(t.baseline_usd));
    setText('spend-saving', usd(t.saving_usd));
    setText('spend-saving-share', t.baseline_usd > 0 ? percent(t.saving_usd / t.baseline_usd) + ' of what it would have cost' : '');

    const index = new Map(data.days.map((d, i) => [d, i]));
    const byTeam = new Map(data.teams.map((team) => [team, data.days.map(() => 0)]));
    const byReason = new Map(REASONS.map(([key]) => [key, data.days.map(() => 0)]));
    const perTeam = new Map(data.teams.map((team) => [team, { requests: 0, actual_usd: 0, baseline_usd: 0, saving_usd: 0, by_reason: {} }]));
    for (const row of data.rows) {
      const i = index.get(row.day);
      if (i === undefined) { continue; }
      if (!byTeam.has(row.team)) { byTeam.set(row.team, data.days.map(() => 0)); }
      byTeam.get(row.team)[i] += row.actual_usd;
      for (const [key] of REASONS) { byReason.get(key)[i] += row.by_reason[key] || 0; }
      if (!perTeam.has(row.team)) { perTeam.set(row.team, { requests: 0, actual_usd: 0, baseline_usd: 0, saving_usd: 0, by_reason: {} }); }
      const sum = perTeam.get(row.team);
      sum.requests += row.requests;
      sum.actual_usd += row.actual_usd;
      sum.baseline_usd += row.baseline_usd;
      sum.saving_usd += row.saving_usd;
      for (const [key] of REASONS) { sum.by_reason[key] = (sum.by_reason[key] || 0) + (row.by_reason[key] || 0); }
    }
    const labels = data.days.map((d) => d.slice(5));
    chart('chart-spend-team', {
      type: 'bar',
      data: {
        labels,
        datasets: [...byTeam.entries()].map(([team, values], i) => ({
          label: team, data: values, backgroundColor: TEAM_COLOURS[i % TEAM_COLOURS.length], stack: 'spend',
        })),
      },
      options: stackedBars(false, true),
    });
    chart('chart-savings-reason', {
      type: 'bar',
      data: {
        labels,
        datasets: REASONS.map(([key, label, colour]) => ({ label, data: byReason.get(key), backgroundColor: colour, stack: 'saving' })),
      },
      options: stackedBars(false, true),
    });
    fillBody('spend-table', [...perTeam.entries()].map(([team, s]) => el('tr', { 'data-team': team }, [
      cell(team), cell(count(s.requests), 'num'), cell(usd(s.actual_usd), 'num'), cell(usd(s.baseline_usd), 'num'),
      moneyCell(s.saving_usd), ...REASONS.map(([key]) => moneyCell(s.by_reason[key] || 0)),
    ])));
  }

  async function showCaches() {
    const data = await api('caches?' + period());
    let requests = 0;
    let hits = 0;
    let semantic = 0;
    for (const t of data.teams) { requests += t.requests; hits += t.hit + t.semantic_hit; semantic += t.semantic_hit; }
    setText('caches-requests', count(requests));
    setText('caches-hit-rate', requests > 0 ? percent(hits / requests) : '–');
    setText('caches-semantic-rate', requests > 0 ? percent(semantic / requests) : '–');
    const teams = data.teams.map((t) => t.team);
    chart('chart-cache-outcomes', {
      type: 'bar',
      data: {
        labels: teams,
        datasets: CACHE_OUTCOMES.map(([key, label, colour]) => ({ label, data: data.teams.map((t) => t[key] || 0), backgroundColor: colour })),
      },
      options: stackedBars(true, false),
    });
    const verified = data.teams.filter((t) => t.false_hit);
    $('false-hit-note').hidden = verified.length > 0;
    $('chart-false-hits').parentElement.hidden = verified.length === 0;
    if (verified.length > 0) {
      chart('chart-false-hits', {
        type: 'bar',
        data: {
          labels: verified.map((t) => t.team),
          datasets: [
            { label: 'Estimate', data: verified.map((t) => t.false_hit.estimate * 100), backgroundColor: '#d9822b' },
            { label: 'Upper bound', data: verified.map((t) => t.false_hit.upper * 100), backgroundColor: '#f3c89a' },
          ],
        },
        options: { scales: { y: { beginAtZero: true, ticks: { callback: (v) => v + '%' } } } },
      });
    } else if (charts['chart-false-hits']) {
      charts['chart-false-hits'].destroy();
      delete charts['chart-false-hits'];
    }
    fillBody('caches-table', data.teams.map((t) => el('tr', { 'data-team': t.team }, [
      cell(t.team), cell(count(t.requests), 'num'), cell(count(t.hit), 'num'), cell(count(t.semantic_hit), 'num'),
      cell(count(t.miss), 'num'), cell(count(t.bypass), 'num'), cell(count(t.other || 0), 'num'), cell(percent(t.hit_rate), 'num'),
      cell(percent(t.semantic_hit_rate), 'num'),
      cell(t.false_hit ? percent(t.false_hit.estimate) + ' (≤ ' + percent(t.false_hit.upper) + ', '
        + count(t.false_hit.checked) + ' checked)' : 'not verified', 'num'),
    ])));
  }

  async function showRouting() {
    const data = await api('routing?' + period());
    const tiers = tierNames(data.teams);
    let routed = 0;
    let small = 0;
    let escalations = 0;
    for (const t of data.teams) {
      for (const tier of tiers) { if (tier !== 'none') { routed += t.tiers[tier] || 0; } }
      small += t.tiers.small || 0;
      escalations += t.escalations;
    }
    setText('routing-requests', count(routed));
    setText('routing-small-share', routed > 0 ? percent(small / routed) : '–');
    setText('routing-escalations', count(escalations));
    const teams = data.teams.map((t) => t.team);
    chart('chart-tiers', {
      type: 'bar',
      data: {
        labels: teams,
        datasets: tiers.map((tier, i) => ({
          label: tier === 'none' ? 'no tier (a model named)' : tier,
          data: data.teams.map((t) => t.tiers[tier] || 0),
          backgroundColor: tier === 'none' ? '#9aa5b1' : (TIER_COLOURS[tier] || TEAM_COLOURS[(i + 5) % TEAM_COLOURS.length]),
        })),
      },
      options: stackedBars(true, false),
    });
    chart('chart-escalations', {
      type: 'bar',
      data: { labels: teams, datasets: [{ label: 'Escalations', data: data.teams.map((t) => t.escalations), backgroundColor: '#d9822b' }] },
      options: { indexAxis: 'y', scales: { x: { beginAtZero: true, ticks: { precision: 0 } } }, plugins: { legend: { display: false } } },
    });
    $('policies').replaceChildren(...data.teams.map(policyCard));
  }

  /** small, mid and frontier first, then any other tier the teams used, then requests without a tier. */
  function tierNames(teams) {
    const names = new Set(Object.keys(TIER_COLOURS));
    for (const t of teams) { for (const tier of Object.keys(t.tiers)) { if (tier !== 'none') { names.add(tier); } } }
    if (teams.some((t) => t.tiers.none)) { names.add('none'); }
    return [...names];
  }

  function policyCard(t) {
    const card = el('div', { cls: 'card', 'data-team': t.team }, [el('h3', { text: t.team })]);
    const p = t.policy;
    if (!p) {
      card.appendChild(el('p', { cls: 'note', text: 'Static routing: the router does not learn for this team.' }));
      return card;
    }
    const rows = [
      ['Policy', p.policy === 'learned' ? 'learned, version ' + p.policy_version : 'static (nothing learned yet)'],
      ['Feedback scores', count(p.feedback_count)],
      ['Rewards (all)', count(p.rewards)],
      ['Explore rate', percent(p.explore_rate)],
    ];
    const e = p.estimate || {};
    if (e.serving && e.static) {
      rows.push(['Quality, serving / static', num(e.serving.quality) + ' / ' + num(e.static.quality)]);
      rows.push(['Relative cost, serving / static', num(e.serving.relative_cost) + ' / ' + num(e.static.relative_cost)]);
    }
    if (e.gain_over_static !== undefined) {
      rows.push(['Gain over static', num(e.gain_over_static) + ' ± ' + num(e.gain_standard_error)]);
    }
    const cells = Object.entries(p.learned_cells || {});
    rows.push(['Learned cells', cells.length ? cells.map(([c, tier]) => c + ' → ' + tier).join(', ') : 'none']);
    card.appendChild(el('dl', null, rows.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })])));
    const tiers = Object.entries(p.tiers || {});
    if (tiers.length) {
      card.appendChild(el('table', null, [
        el('thead', null, [el('tr', null, [el('th', { text: 'Tier' }), el('th', { text: 'Rewards', cls: 'num' }),
          el('th', { text: 'Quality', cls: 'num' }), el('th', { text: 'Relative cost', cls: 'num' })])]),
        el('tbody', null, tiers.map(([tier, a]) => el('tr', null, [cell(tier), cell(count(a.rewards), 'num'),
          cell(num(a.quality), 'num'), cell(num(a.relative_cost), 'num')]))),
      ]));
    }
    return card;
  }

  function num(v) {
    return v === null || v === undefined ? '–' : Number(v).toLocaleString('en-US', { maximumFractionDigits: 3 });
  }

  async function showLatency() {
    const data = await api('latency');
    const g = data.gateway;
    setText('latency-count', count(g.count));
    setText('latency-p50', ms(g.p50_ms));
    setText('latency-p90', ms(g.p90_ms));
    setText('latency-p99', ms(g.p99_ms));
    const labels = g.buckets.map((b, i) => bucketLabel(b.le_ms, i > 0 ? g.buckets[i - 1].le_ms : 0));
    chart('chart-gateway-latency', {
      type: 'bar',
      data: { labels, datasets: [{ label: 'Requests', data: g.buckets.map((b) => b.count), backgroundColor: '#2f7ebc' }] },
      options: {
        scales: {
          x: { title: { display: true, text: 'ms, up to' }, ticks: { maxRotation: 0, autoSkip: false } },
          y: { beginAtZero: true, ticks: { precision: 0 } },
        },
        plugins: { legend: { display: false } },
      },
    });
    const providers = data.upstreams.map((u) => u.provider);
    chart('chart-upstream-latency', {
      type: 'bar',
      data: {
        labels: providers,
        datasets: [['p50_ms', 'p50', '#8fd3a8'], ['p90_ms', 'p90', '#2f7ebc'], ['p99_ms', 'p99', '#1f3b57']]
          .map(([key, label, colour]) => ({ label, data: data.upstreams.map((u) => u[key]), backgroundColor: colour })),
      },
      options: { scales: { y: { beginAtZero: true, ticks: { callback: (v) => v + ' ms' } } } },
    });
    fillBody('latency-table', data.upstreams.map((u) => el('tr', { 'data-provider': u.provider }, [
      cell(u.provider), cell(count(u.count), 'num'), cell(ms(u.p50_ms), 'num'), cell(ms(u.p90_ms), 'num'), cell(ms(u.p99_ms), 'num'),
    ])));
  }

  async function showUpstreams() {
    const data = await api('upstreams');
    const states = { closed: 0, half_open: 0, open: 0 };
    for (const b of data.breakers) { states[b.state] = (states[b.state] || 0) + 1; }
    setText('breakers-closed', count(states.closed));
    setText('breakers-half-open', count(states.half_open));
    setText('breakers-open', count(states.open));
    setText('errors-count', count(data.errors.length));
    const breakers = data.breakers.map((b) => el('div', { cls: 'tile ' + b.state, 'data-provider': b.provider }, [
      el('div', { text: b.provider }),
      el('div', { cls: 'deployment', text: b.deployment && b.deployment !== b.provider ? b.deployment : '' }),
      el('div', { cls: 'state', text: b.state.replace('_', ' ') }),
    ]));
    $('breakers').replaceChildren(...(breakers.length ? breakers : [el('p', { cls: 'note', text: 'No provider has been called yet.' })]));
    const providers = [...new Set(data.errors.map((e) => e.provider))];
    const statusLabel = (e) => (e.status ? String(e.status) : 'no answer');
    const statuses = [...new Set(data.errors.map(statusLabel))].sort();
    chart('chart-errors', {
      type: 'bar',
      data: {
        labels: providers,
        datasets: statuses.map((s, i) => ({
          label: s,
          data: providers.map((p) => data.errors.filter((e) => e.provider === p && statusLabel(e) === s).length),
          backgroundColor: TEAM_COLOURS[(i + 4) % TEAM_COLOURS.length],
        })),
      },
      options: stackedBars(false, false),
    });
    fillBody('errors-table', data.errors.map((e) => el('tr', null, [
      cell(shortTime(e.at)), cell(e.provider), cell(e.model || ''), cell(e.status ? e.status : 'none', 'num status-err'),
      cell(e.code || ''), cell(e.outcome || ''), cell(e.attempt, 'num'), cell(e.request_id || ''),
    ])));
  }

  function shortTime(iso) {
    if (!iso) { return ''; }
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) { return String(iso); }
    const time = d.toLocaleTimeString('en-GB', { hour12: false });
    return d.toDateString() === new Date().toDateString() ? time : d.toISOString().slice(0, 10) + ' ' + time;
  }

  // ---------- live tail ----------

  async function showTail() {
    tail.next = null;
    $('tail-table').tBodies[0].replaceChildren();
    await pollTail();
  }

  async function pollTail() {
    if (tail.busy) { return; }
    tail.busy = true;
    try {
      const data = await api('tail' + (tail.next === null ? '' : '?after=' + encodeURIComponent(tail.next)));
      if (current !== 'tail') { return; }
      const body = $('tail-table').tBodies[0];
      const receivedAt = new Date().toISOString();
      for (const old of body.querySelectorAll('tr.fresh')) { old.classList.remove('fresh'); }
      for (const line of data.lines) {
        body.insertBefore(tailRow(line, receivedAt), body.firstChild);
      }
      while (body.rows.length > TAIL_MAX_ROWS) { body.deleteRow(body.rows.length - 1); }
      tail.next = data.next;
      setText('tail-status', (tail.paused ? 'Paused' : 'Live, every ' + TAIL_POLL_MS / 1000 + ' s')
        + ' · ' + count(body.rows.length) + ' lines');
      showBanner('');
    } finally {
      tail.busy = false;
      scheduleTail();
    }
  }

  /** A row of the tail; its time is the line's own, or else when the page received it. */
  function tailRow(line, receivedAt) {
    const e = line.entry || {};
    const status = Number(e.status);
    return el('tr', { cls: 'fresh', 'data-seq': String(line.seq) }, [
      cell(line.seq, 'num'), cell(shortTime(e['@timestamp'] || e.timestamp || receivedAt)), cell(e.request_id || ''),
      cell((e.method ? e.method + ' ' : '') + (e.route || '')), cell(e.status === undefined ? '' : e.status, 'num' + (status >= 400 ? ' status-err' : '')),
      cell(e.team || ''), cell(e.model || e.requested_model || ''), cell(e.tier || ''), cell(e.cache || ''),
      cell(e.duration_ms === undefined ? '' : e.duration_ms, 'num'),
      cell(e.cost_usd === undefined ? '' : usd(e.cost_usd), 'num'),
      cell(e.saving_usd === undefined ? '' : usd(e.saving_usd), 'num'),
    ]);
  }

  function scheduleTail() {
    clearTimeout(tail.timer);
    tail.timer = null;
    if (current === 'tail' && !tail.paused) {
      tail.timer = setTimeout(() => { pollTail().catch(failed); }, TAIL_POLL_MS);
    }
  }

  // ---------- navigation and login ----------

  const SHOW = { spend: showSpend, caches: showCaches, routing: showRouting, latency: showLatency, upstreams: showUpstreams, tail: showTail };

  function viewFromHash() {
    const name = location.hash.replace('#', '');
    return VIEWS.includes(name) ? name : 'spend';
  }

  async function show(name) {
    current = name;
    clearTimeout(tail.timer);
    for (const v of VIEWS) { $('view-' + v).hidden = v !== name; }
    $('period').hidden = !PERIOD_VIEWS.includes(name);
    for (const a of document.querySelectorAll('#nav a')) { a.classList.toggle('active', a.dataset.view === name); }
    showBanner('');
    document.body.dataset.view = name;
    document.body.dataset.loaded = '';
    try {
      await SHOW[name]();
      if (current === name) { document.body.dataset.loaded = name; }
    } catch (e) {
      failed(e);
    }
  }

  function failed(e) {
    if (e instanceof SignedOut) {
      return;   // the page was cleared when the admin signed out
    }
    if (e instanceof LoginRequired) {
      showLogin('Your session has ended; sign in again.');
    } else {
      showBanner('Could not load this view: ' + e.message);
      document.body.dataset.loaded = 'error';
    }
  }

  /** Drops everything the views show, so that nothing of it stays in the page after signing out. */
  function clearViews() {
    for (const id of Object.keys(charts)) { charts[id].destroy(); delete charts[id]; }
    for (const v of document.querySelectorAll('.kpi-value')) { v.textContent = '–'; }
    for (const v of document.querySelectorAll('.kpi-note')) { v.textContent = ''; }
    for (const body of document.querySelectorAll('.view tbody')) { body.replaceChildren(); }
    $('policies').replaceChildren();
    $('breakers').replaceChildren();
    setText('admin-name', '');
    tail.next = null;
  }

  function showLogin(message) {
    signIns++;
    current = null;
    clearTimeout(tail.timer);
    clearViews();
    for (const v of VIEWS) { $('view-' + v).hidden = true; }
    $('nav').hidden = true;
    $('who').hidden = true;
    $('period').hidden = true;
    showBanner('');
    $('login').hidden = false;
    $('login-error').textContent = message || '';
    $('login-error').hidden = !message;
    document.body.dataset.view = 'login';
    $('admin-key').focus();
  }

  function showApp(session) {
    $('login').hidden = true;
    $('nav').hidden = false;
    $('who').hidden = false;
    setText('admin-name', session.admin);
    show(viewFromHash());
  }

  async function login(event) {
    event.preventDefault();
    const input = $('admin-key');
    const button = $('login-submit');
    button.disabled = true;
    try {
      const res = await fetch(API + 'login', {
        method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ key: input.value }),
      });
      input.value = '';
      if (res.status === 204 || res.ok) {
        showApp(await api('session'));
      } else if (res.status === 401 || res.status === 403) {
        showLogin('That is not an admin key of this gateway.');
      } else if (res.status === 429) {
        showLogin('Too many wrong keys from this address: try again in '
          + (res.headers.get('retry-after') || '60') + ' s.');
      } else {
        showLogin('Sign-in failed: ' + res.status + ' ' + res.statusText);
      }
    } catch (e) {
      showLogin('Sign-in failed: ' + e.message);
    } finally {
      button.disabled = false;
    }
  }

  async function logout() {
    try {
      await fetch(API + 'logout', { method: 'POST', credentials: 'same-origin' });
    } finally {
      showLogin('Signed out.');
    }
  }

  async function start() {
    $('login-form').addEventListener('submit', login);
    $('logout').addEventListener('click', logout);
    $('days').addEventListener('change', () => { if (PERIOD_VIEWS.includes(current)) { show(current); } });
    $('tail-pause').addEventListener('click', () => {
      tail.paused = !tail.paused;
      $('tail-pause').textContent = tail.paused ? 'Resume' : 'Pause';
      if (tail.paused) { clearTimeout(tail.timer); } else { pollTail().catch(failed); }
    });
    window.addEventListener('hashchange', () => { if (current !== null) { show(viewFromHash()); } });
    if (typeof Chart !== 'undefined') {
      Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
      Chart.defaults.color = '#5b6b7b';
    }
    try {
      showApp(await api('session'));
    } catch (e) {
      if (e instanceof LoginRequired) { showLogin(''); } else { showLogin('The gateway did not answer: ' + e.message); }
    }
  }

  document.addEventListener('DOMContentLoaded', () => { start(); });
}());

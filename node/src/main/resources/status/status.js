// The swiftserve status page: polls the node's read-only JSON and redraws. No framework, no build.
// Everything from the node is put in the page as text (never as HTML): paths and summaries come from
// the chain, which any member can write to.
'use strict';

const REFRESH_MS = 2000;
const BLOCKS = 10;

const $ = (id) => document.getElementById(id);

/** el('td', {class: 'x', title: 't'}, 'text', childNode, ...) */
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c !== undefined && c !== null) e.append(c instanceof Node ? c : String(c));
  }
  return e;
}

const short = (id) => (id || '').slice(0, 12);

function bytes(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? n.toFixed(0) : n.toFixed(n < 10 ? 2 : 1)) + ' ' + units[i];
}

const rate = (n) => bytes(n || 0) + '/s';

const pad = (n) => String(n).padStart(2, '0');

/** Local time as 2026-11-21 13:24:06: unambiguous in any locale. */
function time(ms) {
  const d = new Date(ms);
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' '
    + pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
}

/** A node id: short and monospaced, the full id on hover and in data-node-id. */
function nodeRef(id, selfId) {
  return el('span', {class: 'id', title: id, 'data-node-id': id}, short(id),
    id === selfId ? el('span', {class: 'tag'}, 'this node') : null);
}

async function getJson(path) {
  const r = await fetch(path, {cache: 'no-store'});
  if (!r.ok) throw new Error(path + ': HTTP ' + r.status);
  return r.json();
}

function renderNode(s) {
  document.title = 'swiftserve · ' + s.networkName + ' · ' + short(s.nodeId);
  $('network-name').textContent = s.networkName;
  const t = s.transfer;
  const facts = [
    ['node id', el('span', {class: 'id', 'data-node-id': s.nodeId}, s.nodeId), 'wide'],
    ['network', [s.networkName + ' ', el('span', {class: 'id', title: s.networkId}, short(s.networkId))]],
    ['listening on', s.listen],
    ['chain head', ['height ' + s.height + ' · ', el('span', {class: 'id', title: s.headHash}, short(s.headHash))]],
    ['members', s.members + ' (' + s.peersConnected + ' connected)'],
    ['files complete', t.filesComplete + ' of ' + s.filePage.total],
    ['upload', rate(t.upBytesPerSec) + ' · ' + bytes(t.bytesUp) + ' sent'],
    ['download', rate(t.downBytesPerSec) + ' · ' + bytes(t.bytesDown) + ' received'],
    ['chunks', t.chunksVerified + ' verified · ' + t.chunksFailed + ' failed'],
  ];
  $('node').replaceChildren(...facts.flatMap(([k, v, cls]) => [el('dt', null, k), el('dd', {class: cls}, v)]));
}

function renderMembers(peers, selfId) {
  const rows = peers.peers.map((p) => {
    const state = p.self ? 'self' : p.connected ? 'online' : 'offline';
    const label = p.self || !p.connected ? state.replace('self', 'online') : 'online, ' + (p.direction === 'out' ? 'outbound' : 'inbound');
    const address = p.address || (p.advertised || []).join(', ');
    const invited = !p.invitedBy || p.invitedBy === p.nodeId ? 'founder'
      : ['invited by ', el('span', {class: 'id', title: p.invitedBy}, short(p.invitedBy))];
    return el('tr', {'data-node-id': p.nodeId, 'data-state': state},
      el('td', null, nodeRef(p.nodeId, selfId), el('span', {class: 'total'}, invited)),
      el('td', null, el('span', {class: 'state ' + state}, label)),
      el('td', {class: 'addr'}, address || '—'));
  });
  $('members').tBodies[0].replaceChildren(...rows);
  const online = peers.peers.filter((p) => p.self || p.connected).length;
  $('members-count').textContent = online + ' of ' + peers.peers.length + ' online';
}

function renderPeers(s) {
  const flow = (r, total, what) => [el('span', {class: 'rate'}, rate(r)), el('span', {class: 'total'}, bytes(total) + ' ' + what)];
  const rows = s.peers.map((p) => el('tr', {'data-node-id': p.nodeId},
    el('td', null, nodeRef(p.nodeId, s.nodeId)),
    el('td', {class: 'addr'}, p.address),
    el('td', {class: 'num'}, flow(p.upBytesPerSec, p.bytesUp, 'sent')),
    el('td', {class: 'num'}, flow(p.downBytesPerSec, p.bytesDown, 'received'))));
  $('peers').tBodies[0].replaceChildren(...(rows.length ? rows
    : [el('tr', null, el('td', {colspan: 4, class: 'empty'}, 'No peer connected.'))]));
  $('peers-count').textContent = String(s.peers.length);
}

function renderFiles(s, online) {
  const files = s.files.map((f) => {
    const bars = f.nodes.map((n) => {
      const pct = f.chunks === 0 ? 100 : Math.floor((100 * n.have) / f.chunks);
      const offline = !online.has(n.nodeId);
      const unknown = !n.complete && n.have === 0 && offline;
      const said = n.complete ? 'complete' : n.have + ' / ' + f.chunks + ' chunks';
      // what an offline member reported last, perhaps before this node restarted
      const text = unknown ? 'offline, unknown' : offline ? said + ' (offline, last known)' : said;
      return el('div', {class: 'node-progress', 'data-node-id': n.nodeId, 'data-complete': String(n.complete)},
        nodeRef(n.nodeId, s.nodeId),
        el('progress', {max: Math.max(f.chunks, 1), value: f.chunks === 0 ? 1 : n.have, class: n.complete ? 'done' : '',
          'aria-label': short(n.nodeId) + ' has ' + pct + '% of ' + f.path}),
        el('span', {class: 'pct'}, unknown ? '—' : pct + '%'),
        el('span', {class: 'progress-text' + (n.complete ? ' complete' : '')}, text));
    });
    const state = f.state.startsWith('error') ? 'error' : f.state;
    return el('article', {class: 'file', 'data-path': f.path, 'data-state': f.state},
      el('h3', null, el('span', {class: 'path'}, f.path),
        el('span', {class: 'meta'}, 'v' + f.version + ' · ' + bytes(f.size) + ' · ' + f.chunks + ' chunks'),
        el('span', {class: 'badge ' + state, title: 'this node: ' + f.state}, f.state)),
      el('div', {class: 'bars'}, bars));
  });
  $('files').replaceChildren(...(files.length ? files
    : [el('p', {class: 'empty'}, 'No files yet. Add one with: swiftserve add --data DIR FILE')]));
  const page = s.filePage;
  // a large file set is listed a page at a time: the count is of all of them
  $('files-count').textContent = s.transfer.filesComplete + ' of ' + page.total + ' complete here'
    + (s.files.length < page.total ? ' · showing ' + s.files.length + ' by path' : '');
}

function renderChain(chain, selfId) {
  const rows = chain.blocks.map((b) => el('tr', null,
    el('td', {class: 'num'}, b.height),
    el('td', null, el('span', {class: 'id', title: b.hash}, short(b.hash))),
    el('td', null, el('span', {class: 'id', title: b.sealer}, short(b.sealer)), b.sealer === selfId ? ' (this node)' : ''),
    el('td', {class: 'time'}, time(b.timestampMs)),
    el('td', null, b.transactions.length === 0 ? el('span', {class: 'empty'}, '—')
      : el('ul', {class: 'txs'}, b.transactions.map((t) => el('li', null, el('b', null, t.kind), ' ', t.summary))))));
  $('chain').tBodies[0].replaceChildren(...rows);
  $('chain-head').textContent = 'height ' + chain.height + ' · head ' + short(chain.headHash);
}

let chainHead = null;
let chain = null;

async function refresh() {
  try {
    const [status, peers] = await Promise.all([getJson('api/status'), getJson('api/peers')]);
    if (status.headHash !== chainHead) {
      chain = await getJson('api/chain?limit=' + BLOCKS);
      chainHead = chain.headHash;
    }
    const online = new Set(peers.peers.filter((p) => p.self || p.connected).map((p) => p.nodeId));
    renderNode(status);
    renderMembers(peers, status.nodeId);
    renderPeers(status);
    renderFiles(status, online);
    renderChain(chain, status.nodeId);
    $('error').hidden = true;
    $('live').className = 'live ok';
    $('live').textContent = 'live · updated ' + time(Date.now()).slice(11);
  } catch (e) {
    $('error').hidden = false;
    $('error').textContent = 'Cannot reach the node (' + e.message + '); retrying. The data below may be stale.';
    $('live').className = 'live stale';
    $('live').textContent = 'disconnected';
  } finally {
    setTimeout(refresh, REFRESH_MS);
  }
}

refresh();

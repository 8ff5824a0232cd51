/*
 * The Phones page. Everything shown comes from phones.json and is put into the page as text
 * (textContent, input.value), never as HTML: MAC, model, User-Agent, names come off the network.
 * POSTs carry the page's token in the X-PnP-Token header.
 */
(function () {
  'use strict';
  var page = document.getElementById('pnp-phones');
  var root = page.getAttribute('data-root');
  var token = page.getAttribute('data-token');
  var base = window.location.origin; // no user:password@ from the address bar in fetch URLs
  var POLL_MS = 3000;
  var last = null;   // the phones.json text last rendered
  var data = { phones: [], endpoints: [] };

  function $(id) { return document.getElementById(id); }

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }

  function cell(main, sub, cls) {
    var td = el('td', null, cls);
    td.appendChild(document.createTextNode(main || ''));
    if (sub) { td.appendChild(el('span', sub, 'pnp-sub')); }
    return td;
  }

  function ago(iso) {
    if (!iso) { return ''; }
    var s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    if (s < 60) { return s + ' s ago'; }
    if (s < 3600) { return Math.round(s / 60) + ' min ago'; }
    if (s < 86400) { return Math.round(s / 3600) + ' h ago'; }
    return new Date(iso).toLocaleString();
  }

  function message(text, bad, secret) {
    var m = $('pnp-message');
    m.textContent = text;
    if (secret) {
      m.appendChild(document.createTextNode(' SIP password (shown only now, copy it): '));
      m.appendChild(el('span', secret, 'pnp-secret'));
    }
    m.className = bad ? 'pnp-bad' : '';
    m.hidden = false;
  }

  function post(params) {
    return send('', 'application/x-www-form-urlencoded', new URLSearchParams(params));
  }

  // The CSV goes as the request body, not as a form field: Jetty refuses forms over 200 KB.
  function postCsv(csv) {
    return send('?action=import', 'text/csv; charset=utf-8', csv);
  }

  function send(query, type, body) {
    return fetch(base + root + query, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'X-PnP-Token': token, 'Content-Type': type },
      body: body
    }).then(function (r) {
      return r.json().catch(function () { return { ok: false, error: 'HTTP ' + r.status }; });
    }).then(function (answer) {
      if (answer.error) { message(answer.error, true); }
      poll();
      return answer;
    }, function (e) {
      message('The server did not answer: ' + e, true);
      return { ok: false };
    });
  }

  function matches(p, q) {
    if (!q) { return true; }
    var a = p.assignment || {};
    return [p.mac, p.mac.replace(/:/g, ''), p.vendor, p.model, p.firmware, p.userAgent, p.address, p['interface'],
      p.profile, p.extension, p.state, p.reason, a.displayName, p.reask ? p.reask.summary : ''].join(' ').toLowerCase().indexOf(q) >= 0;
  }

  function button(label, title, onclick) {
    var b = el('button', label);
    b.type = 'button';
    b.title = title;
    b.addEventListener('click', onclick);
    return b;
  }

  function row(p) {
    var tr = el('tr');
    tr.setAttribute('data-mac', p.mac);
    tr.appendChild(cell(p.mac, p.heard ? p.sightings + ' SUBSCRIBE(s), last ' + ago(p.lastSeen) : 'not heard yet',
      'pnp-mac'));
    resyncCheckbox(tr.firstChild, p);
    tr.appendChild(cell(p.vendor, p.userAgent));
    tr.appendChild(cell(p.model));
    tr.appendChild(cell(p.firmware));
    tr.appendChild(cell(p.address));
    tr.appendChild(cell(p['interface']));
    tr.appendChild(cell(p.profile, p.claimReason, p.claimed ? '' : 'pnp-down'));
    tr.appendChild(cell(p.extension, p.assignment ? p.assignment.displayName : ''));
    var state = cell('', p.reason);
    state.insertBefore(el('span', p.state, 'pnp-state pnp-state-' + p.state), state.firstChild);
    state.insertBefore(document.createTextNode(' ' + ago(p.stateSince)), state.childNodes[1]);
    tr.appendChild(state);
    tr.appendChild(cell(p.lastDownload ? ago(p.lastDownloadTime) : '', p.lastDownload));
    var actions = el('td', null, 'pnp-actions');
    actions.appendChild(button(p.assigned ? 'Edit…' : 'Assign…', 'extension, name, password, keys', function () {
      openAssign(p);
    }));
    if (p.heard && p.assigned && p.claimed) {
      actions.appendChild(button('Provision again', 'render the files again and send the NOTIFY', function () {
        post({ action: 'renotify', mac: p.mac }).then(function (a) { if (a.ok) { message(a.message); } });
      }));
    }
    resyncButton(actions, p);
    if (p.heard && p.assigned && p.claimed) {
      actions.appendChild(button('Rotate secrets', 'new URL token and HTTP credentials; the old ones stop working',
        function () {
          if (window.confirm('Rotate the secrets of ' + p.mac + '? Its old URL and HTTP credentials stop working.')) {
            post({ action: 'rotate', mac: p.mac }).then(function (a) { if (a.ok) { message(a.message); } });
          }
        }));
    }
    if (p.reask) {
      state.appendChild(el('div', p.reask.summary, 'pnp-reask'));
      actions.appendChild(button('Approve', 'provision the asker: new token and HTTP credentials', function () {
        if (window.confirm(p.mac + ' ' + p.reask.summary + '. Provision ' + p.reask.address + '?')) {
          post({ action: 'approve', mac: p.mac }).then(function (a) { if (a.ok) { message(a.message); } });
        }
      }));
      actions.appendChild(button('Ignore', 'drop the request; nothing changes', function () {
        post({ action: 'ignore', mac: p.mac }).then(function (a) { if (a.ok) { message(a.message); } });
      }));
    }
    if (p.assigned) {
      actions.appendChild(button('Unassign', 'delete the assignment: its files stop being served', function () {
        if (window.confirm('Unassign ' + p.mac + '? Its files stop being served at once.')) {
          post({ action: 'unassign', mac: p.mac }).then(function (a) { if (a.ok) { message(a.message); } });
        }
      }));
    }
    if (p.heard) {
      actions.appendChild(button('Forget', 'drop what was heard of it (an assignment stays)', function () {
        if (window.confirm('Forget what was heard of ' + p.mac + '?')) {
          post({ action: 'forget', mac: p.mac }).then(function (a) { if (a.ok) { message(a.message); } });
        }
      }));
    }
    tr.appendChild(actions);
    return tr;
  }

  function render() {
    var q = $('pnp-filter').value.trim().toLowerCase();
    var body = document.createElement('tbody');
    var shown = 0;
    data.phones.forEach(function (p) {
      if (matches(p, q)) { body.appendChild(row(p)); shown++; }
    });
    if (data.phones.length === 0) {
      var td = el('td', 'No phone heard or expected yet. Phones appear here when they boot; or pre-assign a MAC.');
      td.colSpan = 11;
      body.appendChild(el('tr')).appendChild(td);
    }
    var table = $('pnp-table');
    table.replaceChild(body, table.tBodies[0]);
    $('pnp-count').textContent = shown === data.phones.length ? data.phones.length + ' phone(s)'
      : shown + ' of ' + data.phones.length + ' phone(s)';

    var eps = document.createElement('tbody');
    data.endpoints.forEach(function (e) {
      var tr = el('tr');
      tr.appendChild(cell(e.protocol));
      tr.appendChild(cell(e.address));
      tr.appendChild(cell(String(e.port)));
      tr.appendChild(cell(e.listening ? 'listening' : 'NOT listening', e.problem,
        e.listening ? 'pnp-up' : 'pnp-down'));
      eps.appendChild(tr);
    });
    if (data.endpoints.length === 0) {
      var none = el('td', 'No server reports its endpoints (pnp.sip, pnp.http, pnp.tftp not running?)', 'pnp-down');
      none.colSpan = 4;
      eps.appendChild(el('tr')).appendChild(none);
    }
    var et = $('pnp-endpoints');
    et.replaceChild(eps, et.tBodies[0]);
    renderResync();
  }

  function poll() {
    return fetch(base + root + '.json', { credentials: 'same-origin', cache: 'no-store' })
      .then(function (r) {
        if (!r.ok) { throw new Error('HTTP ' + r.status); }
        return r.text();
      })
      .then(function (text) {
        $('pnp-status').textContent = 'updated ' + new Date().toLocaleTimeString();
        $('pnp-status').className = '';
        if (text !== last) {
          last = text;
          data = JSON.parse(text);
          render();
        }
      }, function (e) {
        $('pnp-status').textContent = 'cannot reach the server (' + e.message + '); retrying';
        $('pnp-status').className = 'pnp-bad';
      });
  }

  // ---- resync: tell running phones to fetch their changed files ----
  var selected = {}; // MAC -> true, kept across re-renders

  /** A phone that downloaded its files can be resynced: running with them, or after a resync. */
  function resyncable(p) {
    return p.assigned && p.claimed && p.lastDownload !== '' && p.state !== 'FAILED';
  }

  function resyncCheckbox(td, p) {
    if (!resyncable(p)) { return; }
    var box = el('input');
    box.type = 'checkbox';
    box.title = 'select for "Resync selected"';
    box.className = 'pnp-select';
    box.checked = !!selected[p.mac];
    box.addEventListener('change', function () {
      if (box.checked) { selected[p.mac] = true; } else { delete selected[p.mac]; }
      renderResync();
    });
    td.insertBefore(box, td.firstChild);
  }

  function resyncButton(actions, p) {
    if (!resyncable(p)) { return; }
    actions.appendChild(button('Resync', 'send the resync NOTIFY and wait for the phone to download its files',
      function () { resync({ action: 'resync', mac: p.mac }); }));
  }

  function resync(params) {
    return post(params).then(function (a) { if (a.ok) { message(a.message); poll(); } });
  }

  function renderResync() {
    var macs = Object.keys(selected).filter(function (m) {
      return data.phones.some(function (p) { return p.mac === m && resyncable(p); });
    });
    $('pnp-resync-selected').disabled = macs.length === 0;
    $('pnp-resync-selected').textContent = 'Resync selected (' + macs.length + ')';
    var r = data.resync;
    $('pnp-resync-progress').textContent = !r ? '' : (r.queued + r.waiting === 0 && r.sent === 0 ? 'no resync under way'
      : 'resync: ' + r.queued + ' queued (' + r.perSecond + '/s), ' + r.waiting + ' awaiting download; '
        + r.sent + ' sent, ' + r.resynced + ' resynced, ' + r.failed + ' failed');
  }

  $('pnp-resync-selected').addEventListener('click', function () {
    var macs = Object.keys(selected);
    var body = new URLSearchParams({ action: 'resync' });
    macs.forEach(function (m) { body.append('mac', m); });
    send('', 'application/x-www-form-urlencoded', body.toString()).then(function (a) {
      if (a.ok) { selected = {}; message(a.message); poll(); }
    });
  });
  $('pnp-resync-all').addEventListener('click', function () {
    var vendor = $('pnp-resync-vendor').value.trim();
    var what = vendor ? 'every running ' + vendor + ' phone' : 'every running phone';
    if (window.confirm('Send the resync NOTIFY to ' + what + '?')) {
      resync(vendor ? { action: 'resync', scope: 'vendor', value: vendor } : { action: 'resync', scope: 'all' });
    }
  });

  // ---- assign form ----
  var form = $('pnp-assign');

  function addKey(spec) {
    var parts = (spec || '').split(':');
    var tr = el('tr');
    var pos = el('input'); pos.type = 'number'; pos.min = '1'; pos.size = 3; pos.name = 'keyPosition';
    pos.value = parts[0] || String(form.querySelectorAll('.pnp-keys tbody tr').length + 1);
    var type = el('select'); type.name = 'keyType';
    [['blf', 'BLF (busy lamp)'], ['speed', 'Speed dial']].forEach(function (o) {
      var opt = el('option', o[1]); opt.value = o[0]; type.appendChild(opt);
    });
    type.value = (parts[1] || 'blf').toLowerCase().indexOf('speed') === 0 ? 'speed' : 'blf';
    var value = el('input'); value.name = 'keyValue'; value.size = 8; value.value = parts[2] || '';
    var label = el('input'); label.name = 'keyLabel'; label.size = 14; label.value = parts.slice(3).join(':');
    [pos, type, value, label].forEach(function (i) { tr.appendChild(el('td')).appendChild(i); });
    tr.appendChild(el('td')).appendChild(button('Remove', 'remove this key', function () { tr.remove(); }));
    form.querySelector('.pnp-keys tbody').appendChild(tr);
  }

  function openAssign(p) {
    var a = (p && p.assignment) || {};
    form.reset();
    form.querySelector('.pnp-keys tbody').textContent = '';
    form.elements.mac.value = p ? p.mac : '';
    form.elements.mac.readOnly = !!p;
    form.elements.extension.value = a.extension || (p ? p.extension : '') || '';
    form.elements.displayName.value = a.displayName || '';
    form.elements.sipUserId.value = a.sipUserId || '';
    form.elements.authId.value = a.authId || '';
    form.elements.codecs.value = a.codecs || '';
    (a.lineKeys || []).forEach(addKey);
    form.querySelector('h3').textContent = p ? 'Assign ' + p.mac + (p.model ? ' (' + p.model + ')' : '')
      : 'Pre-assign a phone by MAC';
    form.hidden = false;
    (p ? form.elements.extension : form.elements.mac).focus();
  }

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var keys = [];
    form.querySelectorAll('.pnp-keys tbody tr').forEach(function (tr) {
      var v = tr.querySelector('[name=keyValue]').value.trim();
      if (v) {
        var label = tr.querySelector('[name=keyLabel]').value.trim();
        keys.push(tr.querySelector('[name=keyPosition]').value + ':' + tr.querySelector('[name=keyType]').value
          + ':' + v + (label ? ':' + label : ''));
      }
    });
    var f = form.elements;
    post({ action: 'assign', mac: f.mac.value, extension: f.extension.value, displayName: f.displayName.value,
      sipUserId: f.sipUserId.value, authId: f.authId.value, password: f.password.value, codecs: f.codecs.value,
      lineKeys: keys.join('\n') }).then(function (a) {
      if (a.ok) {
        form.hidden = true;
        message(a.message + (a.warning ? ' Note: ' + a.warning : ''), false, a.password);
      }
    });
  });
  $('pnp-add-key').addEventListener('click', function () { addKey(''); });
  $('pnp-new').addEventListener('click', function () { openAssign(null); });

  // ---- import ----
  var importForm = $('pnp-import');
  $('pnp-import-open').addEventListener('click', function () { importForm.hidden = false; });
  importForm.addEventListener('submit', function (ev) {
    ev.preventDefault();
    postCsv(importForm.elements.csv.value).then(function (a) {
      if (!a.lines) { return; }
      message(a.message, !a.ok);
      var body = document.createElement('tbody');
      a.lines.forEach(function (l) {
        var tr = el('tr');
        tr.appendChild(cell(String(l.line)));
        tr.appendChild(cell(l.mac));
        tr.appendChild(cell(l.saved ? 'saved' : 'rejected', l.message, l.saved ? 'pnp-up' : 'pnp-down'));
        tr.appendChild(el('td')).appendChild(el('span', l.password, l.password ? 'pnp-secret' : ''));
        body.appendChild(tr);
      });
      var t = $('pnp-import-result');
      t.replaceChild(body, t.tBodies[0]);
      t.hidden = false;
    });
  });

  page.querySelectorAll('.pnp-cancel').forEach(function (b) {
    b.addEventListener('click', function () { b.closest('form').hidden = true; });
  });
  $('pnp-filter').addEventListener('input', render);

  poll();
  window.setInterval(poll, POLL_MS);
}());

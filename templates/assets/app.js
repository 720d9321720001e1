// Progressive enhancement of the pages: every form works without this file. With it, an answer
// saves as it changes (through the JSON API, with the revision it was read at), a conflict is said
// plainly and loses nothing typed, and the provisional result updates after each save.
(function () {
  'use strict';
  var lang = document.documentElement.lang === 'en' ? 'en' : 'zh-TW';
  var words = {
    'zh-TW': { saving: '儲存中…', saved: '已儲存', conflict: '這個答案已在其他地方被更新，您的修改沒有儲存。請重新整理頁面查看最新內容（您輸入的文字仍在欄位中）。', failed: '儲存失敗：', offline: '無法連線，請稍後再按「儲存」。', needRating: '請先選擇評等。' },
    en: { saving: 'Saving…', saved: 'Saved', conflict: 'This answer was changed elsewhere, so your change was not saved. Reload the page to see the latest (what you typed is still in the fields).', failed: 'Not saved: ', offline: 'No connection. Press Save again later.', needRating: 'Choose a rating first.' },
  }[lang];

  function value(form, name) {
    var field = form.elements.namedItem(name);
    if (!field) return null;
    if (field instanceof RadioNodeList || (field.length !== undefined && !field.tagName)) {
      for (var i = 0; i < field.length; i++) if (field[i].checked) return field[i].value;
      return null;
    }
    return field.value;
  }

  function refreshResult() {
    var panel = document.querySelector('[data-result-panel]');
    if (!panel) return;
    fetch('/api/assessments/' + encodeURIComponent(panel.getAttribute('data-assessment')) + '/result', { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        if (!body) return;
        var self = body.self;
        var level = panel.querySelector('[data-result-level]');
        var score = panel.querySelector('[data-result-score]');
        if (level) level.textContent = String(self.level);
        if (score) score.textContent = String(self.score);
        var processId = panel.getAttribute('data-process');
        var processLevel = panel.querySelector('[data-result-process]');
        if (processId && processLevel) {
          var p = self.processes.filter(function (x) { return x.id === processId; })[0];
          processLevel.textContent = p && p.level !== null ? String(p.level) : '—';
        }
      })
      .catch(function () {});
  }

  // One save at a time per form: a change made while one is under way is saved after it, with the new revision.
  function save(form) {
    if (form.dataset.busy === '1') { form.dataset.again = '1'; return; }
    form.dataset.busy = '1';
    send(form, function () {
      form.dataset.busy = '';
      if (form.dataset.again === '1') { form.dataset.again = ''; save(form); }
    });
  }

  function send(form, done) {
    var state = form.querySelector('.save-state');
    var rating = value(form, 'rating');
    if (!rating) { if (state) { state.textContent = words.needRating; state.className = 'save-state'; } done(); return; }
    var body = { rating: rating, revision: Number(value(form, 'revision') || 0) };
    ['evidence', 'note', 'justification'].forEach(function (name) {
      var v = value(form, name);
      if (v !== null) body[name] = v.trim() === '' ? null : v;
    });
    if (rating === 'NA') delete body.evidence;
    if (state) { state.textContent = words.saving; state.className = 'save-state'; }
    fetch(form.getAttribute('data-url'), { method: 'PUT', credentials: 'same-origin', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) })
      .then(function (r) {
        return r.json().then(function (json) { return { status: r.status, json: json }; }, function () { return { status: r.status, json: null }; });
      })
      .then(function (res) {
        if (res.status === 200) {
          form.elements.namedItem('revision').value = String(res.json.revision);
          if (state) { state.textContent = words.saved; state.className = 'save-state'; }
          var pending = form.parentNode.querySelector('.unconfirmed');
          if (pending) pending.parentNode.removeChild(pending);
          refreshResult();
        } else if (res.status === 409) {
          if (state) { state.textContent = words.conflict; state.className = 'save-state error'; }
        } else {
          var why = res.json && res.json.error ? (res.json.error.details && res.json.error.details.length ? res.json.error.details.map(function (d) { return d.message; }).join('; ') : res.json.error.message) : String(res.status);
          if (state) { state.textContent = words.failed + why; state.className = 'save-state error'; }
        }
      })
      .catch(function () { if (state) { state.textContent = words.offline; state.className = 'save-state error'; } })
      .then(done);
  }

  function debounce(fn, ms) {
    var timer = null;
    return function () { var args = arguments; clearTimeout(timer); timer = setTimeout(function () { fn.apply(null, args); }, ms); };
  }

  document.querySelectorAll('form[data-autosave]').forEach(function (form) {
    var later = debounce(function () { save(form); }, 800);
    form.addEventListener('change', function (e) { if (e.target && e.target.name === 'rating') save(form); else later(); });
    form.addEventListener('input', function (e) { if (e.target && e.target.tagName === 'TEXTAREA') later(); });
    form.addEventListener('submit', function (e) { e.preventDefault(); save(form); });
  });
})();

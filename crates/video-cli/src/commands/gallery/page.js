(function () {
  var grid = document.getElementById('grid');
  var cards = [].slice.call(grid.children);
  var form = document.getElementById('controls');
  var model = document.getElementById('f-model');
  var status = document.getElementById('f-status');
  var order = document.getElementById('sort');
  form.hidden = false;
  function cost(card, unknown) {
    var value = Number(card.dataset.cost);
    return value < 0 ? unknown : value;
  }
  var sorts = {
    'new': function (a, b) {
      return b.dataset.created - a.dataset.created || b.dataset.entry - a.dataset.entry;
    },
    'old': function (a, b) {
      return a.dataset.created - b.dataset.created || a.dataset.entry - b.dataset.entry;
    },
    'cost-desc': function (a, b) { return cost(b, -1) - cost(a, -1); },
    'cost-asc': function (a, b) { return cost(a, Infinity) - cost(b, Infinity); },
    'model': function (a, b) { return a.dataset.model.localeCompare(b.dataset.model); },
    'status': function (a, b) { return a.dataset.status.localeCompare(b.dataset.status); }
  };
  function apply() {
    var shown = 0;
    cards.forEach(function (card) {
      var fits = (!model.value || card.dataset.model === model.value) &&
        (!status.value || card.dataset.status === status.value);
      card.hidden = !fits;
      if (fits) { shown += 1; }
    });
    cards.slice().sort(sorts[order.value] || sorts['new']).forEach(function (card) {
      grid.appendChild(card);
    });
    document.getElementById('count').textContent = shown + ' of ' + cards.length + ' shown';
  }
  [model, status, order].forEach(function (control) {
    control.addEventListener('change', apply);
  });
  // `#model=M&status=S&sort=K` presets the controls (a view to share or bookmark).
  location.hash.slice(1).split('&').forEach(function (pair) {
    var parts = pair.split('=');
    var control = { model: model, status: status, sort: order }[parts[0]];
    if (control && parts.length === 2) { control.value = decodeURIComponent(parts[1]); }
  });
  [].forEach.call(document.querySelectorAll('video'), function (video) {
    function seen() {
      video.dataset.ready = String(video.readyState);
      video.dataset.duration = String(video.duration);
      var real = video.closest('.card').querySelector('.real');
      if (real && isFinite(video.duration)) {
        real.textContent = ' (file: ' + video.duration.toFixed(1) + ' s)';
      }
    }
    if (video.readyState >= 1) { seen(); }
    video.addEventListener('loadedmetadata', seen);
    video.addEventListener('error', function () { video.dataset.error = '1'; });
  });
  apply();
})();

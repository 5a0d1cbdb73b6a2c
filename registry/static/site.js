// A form with data-confirm asks before it is sent (destructive actions: end an alert, retire a machine).
document.addEventListener('submit', function (event) {
  var form = event.target.closest('form[data-confirm]');
  if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
});

// A list's filters stand open on a wide screen; on a phone they fold away until asked for.
document.addEventListener('DOMContentLoaded', function () {
  var panel = document.getElementById('filter-panel');
  if (panel && window.matchMedia('(min-width: 641px)').matches) panel.open = true;
});

// A print button (labels, QR posters, inspection records).
document.addEventListener('click', function (event) {
  if (event.target.closest('[data-print]')) window.print();
});

// A picture that cannot be shown gives way to the words in its data-missing.
document.addEventListener('error', function (event) {
  var img = event.target;
  if (img.tagName === 'IMG' && img.dataset.missing) img.replaceWith(document.createTextNode(img.dataset.missing));
}, true);

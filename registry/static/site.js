// A form with data-confirm asks before it is sent (destructive actions: end an alert, retire a machine).
document.addEventListener('submit', function (event) {
  var form = event.target.closest('form[data-confirm]');
  if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
});

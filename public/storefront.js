// Storefront enhancements once the page has loaded (every page works without them): one
// submission per click, suggested amounts and a typed amount exclude each other, and a cart
// quantity saves itself when changed.
document.addEventListener('submit', (e) => {
  const form = e.target;
  if (form.dataset.sent) { e.preventDefault(); return; }
  form.dataset.sent = '1';
  form.querySelectorAll('button[type=submit]').forEach((b) => { b.setAttribute('aria-busy', 'true'); b.disabled = true; });
});
document.addEventListener('change', (e) => {
  const el = e.target;
  if (el.name === 'suggested') {
    const amount = el.form && el.form.querySelector('input[name=amount]');
    if (amount) amount.value = '';
  } else if (el.classList.contains('qty') && el.form) {
    el.form.requestSubmit();
  }
});
document.addEventListener('input', (e) => {
  const el = e.target;
  if (el.name === 'amount' && el.value && el.form) {
    el.form.querySelectorAll('input[name=suggested]').forEach((r) => { r.checked = false; });
  }
});
window.addEventListener('pageshow', (e) => {
  if (e.persisted) document.querySelectorAll('form[data-sent]').forEach((f) => {
    delete f.dataset.sent;
    f.querySelectorAll('button[type=submit]').forEach((b) => { b.disabled = false; b.removeAttribute('aria-busy'); });
  });
});

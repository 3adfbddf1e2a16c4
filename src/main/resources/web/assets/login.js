// The login form: POST /api/login, then on to the dashboard. The session cookie is HttpOnly.
const form = document.getElementById('login');
form.addEventListener('submit', async (e) => {
  e.preventDefault();
  const body = JSON.stringify({ user: form.user.value, password: form.password.value });
  const res = await fetch('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  if (res.ok) {
    location.href = '/';
  } else {
    const err = await res.json().catch(() => ({ error: { message: 'cannot log in' } }));
    document.getElementById('error').textContent = err.error.message;
  }
});

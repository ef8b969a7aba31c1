// The Cognito sign-in forms: sign in, create an account, confirm it with the mailed code,
// forgotten password (a code, then a new password). One form at a time; after a confirmation
// the page signs in by itself with the password just typed (kept in memory until then only).

import { $, show } from './dom.js';
import {
  confirmSignUp, forgotPassword, resendCode, resetPassword, signInCognito, signUp, wordsFor,
} from './identity.js';
import { enterLobby } from './session.js';

const pending = { email: '', password: '' };

function say(info, error) {
  $('sign-in-info').textContent = info || '';
  $('sign-in-error').textContent = error || '';
}

/** Shows one step's form and puts the cursor in its first empty field. */
export function goto(step, { info, error } = {}) {
  for (const form of document.querySelectorAll('#cognito form')) show(form, form.dataset.step === step);
  say(info, error);
  const form = document.querySelector(`#cognito form[data-step="${step}"]`);
  const field = [...form.querySelectorAll('input')].find((i) => !i.value) || form.querySelector('input');
  if (field) field.focus();
}

/** Runs `work` with the form's button disabled, saying what went wrong in words. */
function busy(form, work) {
  return async (event) => {
    event.preventDefault();
    const submit = form.querySelector('button[type=submit]');
    submit.disabled = true;
    say('', '');
    try {
      await work();
    } catch (e) {
      if (e && e.code === 'UserNotConfirmedException') {
        goto('confirm', { info: 'Confirm your email first: enter the code we mailed you (or ask for a new one).' });
      } else {
        say('', wordsFor(e));
      }
    } finally {
      submit.disabled = false;
    }
  };
}

async function signedIn() {
  pending.password = '';
  $('cg-password').value = '';
  await enterLobby({ focus: true });
}

export function wireSignIn() {
  for (const b of document.querySelectorAll('#cognito [data-goto]')) {
    b.addEventListener('click', () => goto(b.dataset.goto));
  }
  const signInForm = $('cg-sign-in');
  signInForm.addEventListener('submit', busy(signInForm, async () => {
    pending.email = $('cg-email').value.trim();
    pending.password = $('cg-password').value;
    await signInCognito(pending.email, pending.password);
    await signedIn();
  }));
  const signUpForm = $('cg-sign-up');
  signUpForm.addEventListener('submit', busy(signUpForm, async () => {
    pending.email = $('cg-new-email').value.trim();
    pending.password = $('cg-new-password').value;
    const result = await signUp($('cg-new-name').value, pending.email, pending.password);
    $('cg-new-password').value = '';
    const where = (result.codeDeliveryDetails && result.codeDeliveryDetails.Destination) || pending.email;
    $('cg-confirm-text').textContent = `We mailed a code to ${where}: enter it to confirm your account.`;
    goto('confirm');
  }));
  const confirmForm = $('cg-confirm');
  confirmForm.addEventListener('submit', busy(confirmForm, async () => {
    await confirmSignUp(pending.email || $('cg-email').value, $('cg-code').value);
    $('cg-code').value = '';
    if (pending.password) {
      await signInCognito(pending.email, pending.password);
      await signedIn();
    } else {
      $('cg-email').value = pending.email;
      goto('sign-in', { info: 'Your account is confirmed: sign in.' });
    }
  }));
  $('cg-resend').addEventListener('click', async () => {
    try {
      await resendCode(pending.email || $('cg-email').value);
      say('We mailed you a new code.');
    } catch (e) {
      say('', wordsFor(e));
    }
  });
  const forgotForm = $('cg-forgot');
  forgotForm.addEventListener('submit', busy(forgotForm, async () => {
    pending.email = $('cg-forgot-email').value.trim();
    await forgotPassword(pending.email);
    $('cg-reset-text').textContent = `If ${pending.email} has an account, we mailed it a code: enter it with a new password.`;
    goto('reset');
  }));
  const resetForm = $('cg-reset');
  resetForm.addEventListener('submit', busy(resetForm, async () => {
    const password = $('cg-reset-password').value;
    await resetPassword(pending.email, $('cg-reset-code').value, password);
    $('cg-reset-code').value = '';
    $('cg-reset-password').value = '';
    $('cg-email').value = pending.email;
    goto('sign-in', { info: 'Your password is changed: sign in with it.' });
  }));
  // Whenever the sign-in comes back (a sign-out, an ended session): the sign-in form first.
  document.addEventListener('chat:sign-in-shown', () => {
    if (!$('cognito').hidden) {
      const error = $('sign-in-error').textContent;
      goto('sign-in', { error });
    }
  });
}

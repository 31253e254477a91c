// Small DOM helpers. Text always goes in through textContent: names, captions and errors come from outside.
import { describeError } from './messages.js';

export function byId(id) {
  const element = document.getElementById(id);
  if (!element) throw new Error(`Missing #${id} in index.html`);
  return element;
}

export function setVisible(element, visible) {
  element.hidden = !visible;
}

export function create(tag, attributes = {}, text) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  if (text !== undefined) element.textContent = text;
  return element;
}

/** Writes an error (an ApiError, or any Error) into a role="alert" element, which screen readers announce. */
export function showError(element, error) {
  element.textContent = error && error.code ? describeError(error) : String((error && error.message) || error);
  element.hidden = false;
}

export function clearMessage(element) {
  element.textContent = '';
  element.hidden = true;
}

export function showMessage(element, text) {
  element.textContent = text;
  element.hidden = false;
}

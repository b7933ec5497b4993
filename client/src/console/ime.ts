/**
 * Japanese is typed through an IME: Enter confirms a conversion and Escape cancels it. Those keys
 * belong to the IME while it composes, never to the page. Safari sends the confirming Enter after
 * `compositionend` with isComposing false, but always with keyCode 229, hence both checks.
 */
export function isComposing(event: KeyboardEvent): boolean {
  return event.isComposing || event.keyCode === 229
}

/** A form's keydown: an Enter that confirms a conversion must never submit the form. */
export function guardImeEnter(event: KeyboardEvent): void {
  if (event.key === 'Enter' && isComposing(event)) event.preventDefault()
}

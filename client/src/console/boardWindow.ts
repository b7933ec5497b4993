/**
 * Open the board in its own window (not a tab), easy to drag onto the projector's screen and
 * to put in full screen; the same name reuses that window instead of opening another.
 */
export function openBoard(event: MouseEvent, url: string, sessionId: string): void {
  // Modified clicks (new tab, download…) keep the browser's own behaviour.
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
  const opened = window.open(url, `kurumaza-board-${sessionId}`, 'popup,width=1280,height=720')
  if (opened) event.preventDefault()
}

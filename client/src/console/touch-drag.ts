import type { GroupingBoard } from './grouping.svelte.ts'
import type { DragKind } from './drag.ts'

/**
 * Dragging by finger or pen, for a tablet at the front of the room or a touch projector:
 * HTML5 drag and drop never starts from a touch, so pointer events carry the same moves, and
 * the move itself goes through GroupingBoard like every other path. The mouse keeps HTML5
 * drag and drop (and the keyboard its selects), so each pointer has exactly one way.
 *
 * Used as a Svelte action on a handle (which has `touch-action: none`, so the page still
 * scrolls when touched anywhere else). Drop targets are marked in the page:
 * `[data-group-id]` (into that group), `[data-zone="ungrouped"]` (a note out of its group),
 * `[data-zone="groups"]` (a group to the top level).
 */
const START_PX = 8
/** Near the top or bottom edge the page scrolls, so a note can travel to a group out of view. */
const EDGE_PX = 64
const SCROLL_STEP_PX = 24

export interface TouchDragParams {
  kind: DragKind
  id: string
  grouping: GroupingBoard
}

export function touchDrag(handle: HTMLElement, params: TouchDragParams) {
  let current = params
  let start: { x: number; y: number; pointer: number } | null = null
  let ghost: HTMLElement | null = null
  let over: HTMLElement | null = null

  const targetAt = (x: number, y: number): HTMLElement | null => {
    const el = document.elementFromPoint(x, y)
    const zone = el?.closest<HTMLElement>('[data-group-id], [data-zone]') ?? null
    if (!zone) return null
    if (zone.dataset.groupId !== undefined) return zone.dataset.groupId === current.id && current.kind === 'group' ? null : zone
    if (zone.dataset.zone === 'ungrouped') return current.kind === 'note' ? zone : null
    return current.kind === 'group' ? zone : null
  }

  const mark = (next: HTMLElement | null) => {
    if (next === over) return
    over?.removeAttribute('data-touch-over')
    over = next
    over?.setAttribute('data-touch-over', '')
  }

  const cleanUp = () => {
    mark(null)
    ghost?.remove()
    ghost = null
    start = null
    handle.closest('[data-group-note-id], [data-group-id]')?.removeAttribute('data-dragging')
  }

  const onDown = (event: PointerEvent) => {
    if (event.pointerType === 'mouse' || !event.isPrimary) return
    start = { x: event.clientX, y: event.clientY, pointer: event.pointerId }
    handle.setPointerCapture(event.pointerId)
  }

  const onMove = (event: PointerEvent) => {
    if (!start || event.pointerId !== start.pointer) return
    if (!ghost) {
      if (Math.hypot(event.clientX - start.x, event.clientY - start.y) < START_PX) return
      const card = handle.closest<HTMLElement>('[data-group-note-id], [data-group-id]') ?? handle
      card.setAttribute('data-dragging', '')
      ghost = card.cloneNode(true) as HTMLElement
      ghost.removeAttribute('id')
      for (const el of ghost.querySelectorAll('[id]')) el.removeAttribute('id')
      ghost.setAttribute('aria-hidden', 'true')
      ghost.inert = true
      Object.assign(ghost.style, {
        position: 'fixed',
        left: '0',
        top: '0',
        width: `${card.getBoundingClientRect().width}px`,
        pointerEvents: 'none',
        opacity: '0.85',
        zIndex: '50',
        boxShadow: '0 8px 24px rgb(0 0 0 / 0.3)',
      })
      document.body.append(ghost)
    }
    event.preventDefault()
    if (event.clientY > window.innerHeight - EDGE_PX) window.scrollBy(0, SCROLL_STEP_PX)
    else if (event.clientY < EDGE_PX) window.scrollBy(0, -SCROLL_STEP_PX)
    ghost.style.transform = `translate(${event.clientX + 6}px, ${event.clientY + 6}px)`
    mark(targetAt(event.clientX, event.clientY))
  }

  const onUp = (event: PointerEvent) => {
    if (!start || event.pointerId !== start.pointer) return
    const target = ghost ? targetAt(event.clientX, event.clientY) : null
    cleanUp()
    if (!target) return
    const { kind, id, grouping } = current
    const groupId = target.dataset.groupId
    if (kind === 'note') grouping.move(id, groupId ?? null)
    else grouping.nest(id, groupId ?? null)
  }

  handle.addEventListener('pointerdown', onDown)
  handle.addEventListener('pointermove', onMove)
  handle.addEventListener('pointerup', onUp)
  handle.addEventListener('pointercancel', cleanUp)
  return {
    update(next: TouchDragParams) {
      current = next
    },
    destroy() {
      cleanUp()
      handle.removeEventListener('pointerdown', onDown)
      handle.removeEventListener('pointermove', onMove)
      handle.removeEventListener('pointerup', onUp)
      handle.removeEventListener('pointercancel', cleanUp)
    },
  }
}

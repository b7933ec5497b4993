/**
 * HTML5 drag and drop of notes and groups in the grouping view. The payload is only an id; the
 * move itself goes through GroupingBoard, exactly like the keyboard path.
 */
const TYPES = { note: 'application/x-kurumaza-note', group: 'application/x-kurumaza-group' } as const
export type DragKind = keyof typeof TYPES

export function startDrag(event: DragEvent, kind: DragKind, id: string): void {
  if (!event.dataTransfer) return
  event.stopPropagation()
  event.dataTransfer.setData(TYPES[kind], id)
  event.dataTransfer.effectAllowed = 'move'
}

/** What is being dragged over (during dragover only the types can be read, not the id). */
export function dragKind(event: DragEvent): DragKind | null {
  const types = event.dataTransfer?.types ?? []
  if (types.includes(TYPES.note)) return 'note'
  if (types.includes(TYPES.group)) return 'group'
  return null
}

export function dropped(event: DragEvent): { kind: DragKind; id: string } | null {
  const kind = dragKind(event)
  const id = kind ? event.dataTransfer?.getData(TYPES[kind]) : ''
  return kind && id ? { kind, id } : null
}

/** Accept a drag of one of `kinds` over a drop zone; true when it did. */
export function allowDrop(event: DragEvent, kinds: readonly DragKind[]): boolean {
  const kind = dragKind(event)
  if (!kind || !kinds.includes(kind)) return false
  event.preventDefault()
  event.stopPropagation()
  if (event.dataTransfer) event.dataTransfer.dropEffect = 'move'
  return true
}

/** A dragleave that really leaves the zone, not one of its children. */
export function leftZone(event: DragEvent): boolean {
  const to = event.relatedTarget
  return !(to instanceof Node && (event.currentTarget as Node).contains(to))
}

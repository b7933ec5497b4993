import type * as Y from 'yjs'
import { groupsMap, notesMap, readGroups, groupPath } from '../../../shared/board-doc.ts'
import { createGroup, deleteGroup, groupingUndoManager, isWithin, moveNote, nestGroup, renameGroup } from '../../../shared/grouping.ts'
import { newNoteId } from '../../../shared/ids.ts'
import { LIMITS } from '../../../shared/limits.ts'
import { checkLine } from '../../../shared/text.ts'
import { PATH_SEPARATOR } from '../lib/groups.ts'
import type { ConsoleKey, Params } from '../lib/i18n.ts'

/**
 * The console's KJ grouping: moves written straight into the facilitator's document (the
 * kiosk passes them on to the board), with undo and redo of this console's own moves only.
 * Dragging and the keyboard path both come through here, so both are announced alike.
 */
export interface GroupingAnnouncement {
  key: ConsoleKey
  params: Params
  /** a refusal rather than a done move */
  refused: boolean
  seq: number
}

const NOTE_SNIPPET = 24

export class GroupingBoard {
  readonly #doc: Y.Doc
  readonly #undo: Y.UndoManager
  canUndo = $state(false)
  canRedo = $state(false)
  /** what the live region says after the last move */
  announcement = $state.raw<GroupingAnnouncement | null>(null)
  #seq = 0

  constructor(doc: Y.Doc) {
    this.#doc = doc
    this.#undo = groupingUndoManager(doc)
    const refresh = (): void => {
      this.canUndo = this.#undo.canUndo()
      this.canRedo = this.#undo.canRedo()
    }
    this.#undo.on('stack-item-added', refresh)
    this.#undo.on('stack-item-popped', refresh)
    this.#undo.on('stack-cleared', refresh)
  }

  /** A group name as the kiosk would keep a title: one line, cleaned, at most 60 characters. */
  static cleanName(raw: string): string | undefined {
    const checked = checkLine(raw, LIMITS.maxGroupNameChars, false)
    return checked.ok ? checked.text : undefined
  }

  /** The new group's id, or undefined when the name is empty or too long. */
  create(rawName: string, parentId: string | null = null): string | undefined {
    const name = GroupingBoard.cleanName(rawName)
    if (name === undefined) {
      this.#say('group.badName', { max: LIMITS.maxGroupNameChars }, true)
      return undefined
    }
    const id = newNoteId()
    if (!createGroup(this.#doc, id, name, parentId)) return undefined
    this.#undo.stopCapturing()
    this.#say('group.created', { group: name })
    return id
  }

  rename(id: string, rawName: string): boolean {
    const name = GroupingBoard.cleanName(rawName)
    if (name === undefined) {
      this.#say('group.badName', { max: LIMITS.maxGroupNameChars }, true)
      return false
    }
    const before = this.#path(id)
    if (!renameGroup(this.#doc, id, name)) return false
    this.#undo.stopCapturing()
    this.#say('group.renamed', { from: before, to: name })
    return true
  }

  /** Put a note in a group (last in it), or back out of every group with null. */
  move(noteId: string, groupId: string | null): boolean {
    const note = this.#noteText(noteId)
    if (note === undefined) return false
    if (!moveNote(this.#doc, noteId, groupId, Date.now())) {
      this.#say('group.gone', {}, true)
      return false
    }
    this.#undo.stopCapturing()
    if (groupId === null) this.#say('group.movedOut', { note })
    else this.#say('group.moved', { note, group: this.#path(groupId) })
    return true
  }

  /** Nest a group inside another, or at the top with null; refused when it would sit in itself. */
  nest(id: string, parentId: string | null): boolean {
    const name = this.#path(id)
    if (parentId !== null && isWithin(this.#doc, parentId, id)) {
      this.#say(parentId === id ? 'group.nestSelf' : 'group.nestInside', { group: name, target: this.#path(parentId) }, true)
      return false
    }
    if (!nestGroup(this.#doc, id, parentId)) {
      this.#say('group.gone', {}, true)
      return false
    }
    this.#undo.stopCapturing()
    if (parentId === null) this.#say('group.toTop', { group: this.#path(id) })
    else this.#say('group.nested', { group: this.#name(id), target: this.#path(parentId) })
    return true
  }

  /** Dissolve a group: its notes and groups move up to its parent. */
  dissolve(id: string): boolean {
    const name = this.#path(id)
    if (!deleteGroup(this.#doc, id)) return false
    this.#undo.stopCapturing()
    this.#say('group.dissolved', { group: name })
    return true
  }

  undo(): void {
    if (!this.#undo.canUndo()) return
    this.#undo.undo()
    this.#say('group.undone', {})
  }

  redo(): void {
    if (!this.#undo.canRedo()) return
    this.#undo.redo()
    this.#say('group.redone', {})
  }

  destroy(): void {
    this.#undo.destroy()
  }

  #say(key: ConsoleKey, params: Params, refused = false): void {
    this.announcement = { key, params, refused, seq: ++this.#seq }
  }

  #name(id: string): string {
    const g = groupsMap(this.#doc).get(id)
    const name = g?.get('name')
    return typeof name === 'string' ? name : ''
  }

  #path(id: string): string {
    return groupPath(readGroups(this.#doc), id).join(PATH_SEPARATOR)
  }

  #noteText(noteId: string): string | undefined {
    const text = notesMap(this.#doc).get(noteId)?.get('text')
    if (typeof text !== 'string') return undefined
    const line = text.replace(/\s+/g, ' ').trim()
    const chars = Array.from(line)
    return chars.length > NOTE_SNIPPET ? `${chars.slice(0, NOTE_SNIPPET).join('')}…` : line
  }
}

import type { Group, Note, Prompt } from '../../../shared/board.ts'
import { byPlace, groupTree, PATH_SEPARATOR } from '../lib/groups.ts'

/**
 * What the projector shows as separate areas: the KJ groups (a nested group is its own area
 * headed "親 › 子"), or each prompt's notes when every prompt is shown. Pure functions,
 * tested in tests/unit/sections.test.ts.
 */
export type SectionKind = 'group' | 'ungrouped' | 'prompt' | 'all'

export interface Section {
  /** stable across changes, for keyed rendering */
  key: string
  kind: SectionKind
  /** the header: a group's path or a prompt's text; '' for 'ungrouped' and 'all' (the page words those) */
  label: string
  notes: Note[]
}

/** Every note in one untitled area: the board before anyone groups anything. */
export function allSection(notes: readonly Note[]): Section[] {
  return [{ key: 'all', kind: 'all', label: '', notes: [...notes] }]
}

/**
 * One area per group that holds notes itself (empty groups take no room on the projector),
 * depth first, then the notes not in a group. With no group holding a note: one plain area.
 */
export function groupSections(notes: readonly Note[], groups: readonly Group[]): Section[] {
  const tree = groupTree(groups, notes)
  const sections: Section[] = tree.all
    .filter((node) => node.notes.length > 0)
    .map((node) => ({ key: `g:${node.group.id}`, kind: 'group', label: node.path.join(PATH_SEPARATOR), notes: node.notes }))
  if (sections.length === 0) return allSection([...notes].sort(byPlace))
  if (tree.ungrouped.length > 0) sections.push({ key: 'ungrouped', kind: 'ungrouped', label: '', notes: tree.ungrouped })
  return sections
}

/**
 * One area per prompt with notes, in the prompts' order. Notes from before prompts existed, or
 * of a prompt since removed, go with the current prompt.
 */
export function promptSections(notes: readonly Note[], prompts: readonly Prompt[], currentPromptId: string): Section[] {
  const known = new Set(prompts.map((p) => p.id))
  const home = known.has(currentPromptId) ? currentPromptId : prompts[0]?.id
  if (home === undefined) return allSection(notes)
  const byPrompt = new Map<string, Note[]>()
  for (const n of notes) {
    const id = known.has(n.promptId) ? n.promptId : home
    byPrompt.set(id, [...(byPrompt.get(id) ?? []), n])
  }
  return prompts
    .filter((p) => byPrompt.has(p.id))
    .map((p) => ({ key: `p:${p.id}`, kind: 'prompt', label: p.text, notes: byPrompt.get(p.id)! }))
}

/**
 * Every prompt's notes with their KJ groups kept: within each prompt, one area per group
 * ("問い › グループ"), then the prompt's notes in no group under the prompt's own text.
 */
export function promptGroupSections(notes: readonly Note[], prompts: readonly Prompt[], currentPromptId: string, groups: readonly Group[]): Section[] {
  return promptSections(notes, prompts, currentPromptId).flatMap((p) => {
    const inner = groupSections(p.notes, groups)
    if (inner.length === 1 && inner[0]!.kind === 'all') return [p]
    return inner.map((s): Section =>
      s.kind === 'group'
        ? { ...s, key: `${p.key}:${s.key}`, label: `${p.label}${PATH_SEPARATOR}${s.label}` }
        : { ...s, key: `${p.key}:${s.key}`, kind: 'prompt', label: p.label },
    )
  })
}

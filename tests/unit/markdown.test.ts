import fc from 'fast-check'
import markdownIt, { type MarkdownIt, type Token } from 'markdown-it'
import { describe, expect, it } from 'vitest'
import type { SessionRecord } from '../../server/record/record.ts'
import { toMarkdown } from '../../server/record/markdown.ts'
import { cleanText } from '../../shared/text.ts'

/**
 * The Markdown record, read back by real CommonMark parsers (markdown-it's strict CommonMark
 * preset, and its default with GFM tables, strikethrough and raw HTML on, the most a reader's
 * tool may do): every user text must come out as exactly its own characters, in exactly one
 * list item or heading, whatever Markdown it holds.
 */
const PARSERS = { commonmark: markdownIt('commonmark'), gfm: markdownIt({ html: true }) }

const HOSTILE = [
  'line1\n===',
  'line1\n---',
  'line1\n= = =',
  '# 見出し',
  '###### six',
  'ふつう\n# 見出しのふり',
  '- リスト',
  '* star',
  '+ plus',
  '1. 番号',
  '2) paren',
  'ふつう\n1. 割り込み',
  '> 引用',
  '```\ncode\n```',
  '~~~ js\ncode',
  '    indented code',
  'para\n\n    indented after a blank line',
  '| a | b |\n| --- | --- |\n| 1 | 2 |',
  'a | b\n-|-',
  '<div>html block</div>',
  '<script>alert(1)</script>',
  '<!-- comment -->',
  '***',
  '___',
  '- - -',
  '[link](http://evil.example)',
  '![image](http://evil.example/x.png)',
  '[ref]: http://evil.example',
  '<http://evil.example>',
  '&amp; &#x3C; &copy;',
  'ends with a backslash\\',
  '\\',
  '`code` *em* _em_ **strong** ~~strike~~',
  'カンマ, と "引用符" と\n改行',
  '一行目\n\n三行目',
  '=SUM(A1:A2)',
  '紙の申請書が多すぎる📄',
]

const iso = '2026-11-26T10:00:00.000Z'

function record(notes: string[], extra: Partial<{ title: string; prompt: string; groups: string[] }> = {}): SessionRecord {
  const groups = (extra.groups ?? []).map((name, i) => ({ id: `g${i}`, name, parentId: null, path: [name], createdAt: iso }))
  return {
    version: 1,
    exportedAt: iso,
    session: {
      id: 'k3m9x2p7q4',
      title: extra.title ?? '研修',
      createdAt: iso,
      closed: false,
      settings: { locked: false, moderation: 'post', faceDown: false, showAllPrompts: false },
      currentPromptId: 'p1',
      prompt: extra.prompt ?? '問い',
    },
    prompts: [{ id: 'p1', text: extra.prompt ?? '問い', order: 0, createdAt: iso }],
    groups,
    notes: notes.map((text, i) => ({
      id: `n${i}`,
      text,
      status: 'visible',
      createdAt: iso,
      promptId: 'p1',
      groupId: groups.length > 0 ? groups[i % groups.length]!.id : null,
      votes: 0,
    })),
    vote: null,
    questions: [],
    questionMode: 'off',
    phases: [],
    counts: { notes: notes.length, visible: notes.length, pending: 0, hidden: 0, groups: groups.length, votes: 0, phones: 1, questions: 0, upvotes: 0 },
    includesHidden: false,
  }
}

/** The literal text of an inline token: escapes and entities resolved, hard breaks as line breaks. */
function inlineText(inline: Token): string {
  return (inline.children ?? [])
    .map((c) => {
      if (c.type === 'text' || c.type === 'text_special') return c.content
      if (c.type === 'hardbreak') return '\n'
      if (c.type === 'softbreak') return ' '
      throw new Error(`user text made a ${c.type} token`)
    })
    .join('')
}

/** Every list item and heading of the document, each checked to be one plain line of text. */
function read(markdown: string, parser: MarkdownIt): { items: string[]; headings: string[] } {
  const tokens = parser.parse(markdown, {})
  const items: string[] = []
  const headings: string[] = []
  for (const [i, t] of tokens.entries()) {
    expect(['code_block', 'fence', 'html_block', 'blockquote_open', 'hr', 'table_open']).not.toContain(t.type)
    if (t.type === 'list_item_open') {
      // exactly: list_item_open, paragraph_open, inline, paragraph_close, list_item_close
      expect(tokens.slice(i, i + 5).map((x) => x.type)).toEqual(['list_item_open', 'paragraph_open', 'inline', 'paragraph_close', 'list_item_close'])
      items.push(inlineText(tokens[i + 2]!))
    }
    if (t.type === 'heading_open') headings.push(inlineText(tokens[i + 1]!))
  }
  return { items, headings }
}

/** What a note should read as: its lines, each trimmed, one hard break between them. */
const literal = (text: string) =>
  text
    .trim()
    .split('\n')
    .map((l) => l.trim())
    .join('\n')

describe('the Markdown record read by a real CommonMark parser', () => {
  for (const [name, parser] of Object.entries(PARSERS)) {
    it(`shows each hostile note as one list item of its literal text (${name})`, () => {
      for (const note of HOSTILE) {
        const { items, headings } = read(toMarkdown(record([note])), parser)
        // the header list (date, notes, phones), then the note
        expect(items.slice(3), JSON.stringify(note)).toEqual([literal(note)])
        expect(headings, JSON.stringify(note)).toEqual(['研修', '問い: 問い'])
      }
    })

    it(`shows hostile titles, prompts and group names as one heading each (${name})`, () => {
      for (const text of [...HOSTILE, 'tab\tand\r===', 'cr\r# heading']) {
        const one = text.replace(/\r\n?|\n/g, ' ').replace(/\t/g, ' ').trim()
        const md = toMarkdown(record(['付箋'], { title: text, prompt: text, groups: [text] }))
        const { items, headings } = read(md, parser)
        expect(headings, JSON.stringify(text)).toEqual([one, `問い: ${one}`, one])
        expect(items.slice(3)).toEqual(['付箋'])
      }
    })

    it(`keeps any note that cleaning lets through in one list item (${name})`, () => {
      const markdownish = fc
        .array(fc.constantFrom('#', '=', '-', '*', '+', '>', '`', '~', '|', '<', '&', '[', ']', '(', ')', '!', '\\', '_', '1', '.', ' ', '    ', '\n', '\n\n', 'a', '漢', 'http://x'), {
          minLength: 1,
          maxLength: 40,
        })
        .map((parts) => cleanText(parts.join('')))
        .filter((text) => text !== '')
      fc.assert(
        fc.property(fc.array(markdownish, { minLength: 1, maxLength: 4 }), (notes) => {
          const { items } = read(toMarkdown(record(notes)), parser)
          expect(items.slice(3).sort()).toEqual(notes.map(literal).sort())
        }),
        { numRuns: 300 },
      )
    })
  }
})

import { WSSharedDoc, docs as yjsRooms } from '@y/websocket-server/utils'

/**
 * The one place that touches @y/websocket-server's global room map. The kiosk makes each
 * room's document itself (loaded from the store) and puts it here before any client connects,
 * so `setupWSConnection` finds it and never makes a room of its own.
 */
export type RoomDoc = WSSharedDoc

/** The y-websocket room name of a session's board projection (session ids never contain ':'). */
export const boardRoom = (id: string) => `${id}:board`

export const newRoomDoc = (name: string): RoomDoc => new WSSharedDoc(name)

/** Serve a session's documents: the facilitator's as room `<id>`, the board's as `<id>:board`. */
export function openRooms(id: string, doc: RoomDoc, board: RoomDoc): void {
  yjsRooms.set(id, doc)
  yjsRooms.set(boardRoom(id), board)
}

/** Stop serving a session's documents and cut off their connections (`terminate` when shutting down). */
export function closeRooms(id: string, doc: RoomDoc, board: RoomDoc, how: 'close' | 'terminate' = 'close'): void {
  if (yjsRooms.get(id) === doc) yjsRooms.delete(id)
  if (yjsRooms.get(boardRoom(id)) === board) yjsRooms.delete(boardRoom(id))
  for (const d of [doc, board]) {
    for (const conn of d.conns.keys()) (conn as { close?: () => void; terminate?: () => void })[how]?.()
    d.destroy()
  }
}

/** Connections to either of a session's rooms. */
export const roomConnections = (doc: RoomDoc, board: RoomDoc): number => doc.conns.size + board.conns.size

/** Publish the server's own awareness state in both rooms (ephemeral, never stored). */
export function setServerAwareness(doc: RoomDoc, board: RoomDoc, state: object): void {
  doc.awareness.setLocalState(state)
  board.awareness.setLocalState(state)
}

import net from 'node:net'

export interface RawExchange {
  /** everything the server sent */
  received: string
  /** whether the server closed (or reset) the connection before `waitMs` ran out */
  closed: boolean
}

/** Send raw bytes over a fresh TCP connection and see what the server does within `waitMs`. */
export function rawExchange(port: number, request: string, waitMs = 5_000): Promise<RawExchange> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1')
    let received = ''
    const done = (closed: boolean) => {
      clearTimeout(timer)
      socket.destroy()
      resolve({ received, closed })
    }
    const timer = setTimeout(() => done(false), waitMs)
    socket.on('data', (d) => (received += d.toString('latin1')))
    socket.on('error', () => {})
    socket.on('close', () => done(true))
    socket.write(request)
  })
}

/** A WebSocket upgrade request as a browser would send it, with headers to override. */
export function upgradeRequest(path: string, headers: Record<string, string> = {}, method = 'GET'): string {
  const all: Record<string, string> = {
    Host: 'kiosk.test',
    Connection: 'Upgrade',
    Upgrade: 'websocket',
    'Sec-WebSocket-Version': '13',
    'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
    ...headers,
  }
  return `${method} ${path} HTTP/1.1\r\n${Object.entries(all).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`
}

/** Open a raw TCP connection and keep it, for tests that need sockets left open. */
export function rawSocket(port: number, request = ''): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      if (request) socket.write(request)
      resolve(socket)
    })
    socket.on('error', (err) => reject(err))
  })
}

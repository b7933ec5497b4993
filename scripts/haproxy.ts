/**
 * The proxy in front of several nodes (HAProxy, from the system's package): routes every request
 * that names a session to one node by consistent hashing on the session id, so a session's
 * phones, board and console meet on the same node without sticky sessions, and a node that stops
 * answering /healthz (or refuses connections) loses only its own share of the sessions.
 */
export interface ProxyNode {
  name: string
  host: string
  port: number
}

/** The header the proxy hashes on: set from the request, never taken from the client. */
const KEY = 'X-Kurumaza-Session'

export function haproxyConfig(bind: { host: string; port: number }, nodes: ProxyNode[]): string {
  return `# Written by npm run cluster; regenerated at each start.
global
  # Each connection holds two file descriptors (client and node side): within a 20,000 ulimit.
  maxconn 9000

defaults
  mode http
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  # WebSocket connections (Socket.io, y-websocket) once upgraded
  timeout tunnel 1h
  timeout http-request 10s
  # A connection refused by a dead node is tried again on another one.
  retries 3
  option redispatch

frontend kurumaza
  bind ${bind.host}:${bind.port}
  # The phone's address for per-address limits (nodes trust it from this proxy only).
  option forwardfor
  http-request del-header ${KEY}
  # Socket.io: the session in the handshake URL (?session=); Yjs, pages and the API: in the path.
  http-request set-header ${KEY} %[url_param(session)] if { path_beg /socket.io/ } { url_param(session) -m found }
  http-request set-header ${KEY} %[path,field(3,/)] if { path_reg ^/(yjs|j|b|f)/[^/]+ }
  http-request set-header ${KEY} %[path,field(4,/)] if { path_reg ^/api/sessions/[^/]+ }
  default_backend nodes

backend nodes
  # Same session, same node; without a session (the session list, assets) any node will do.
  balance hdr(${KEY})
  hash-type consistent
  option httpchk GET /healthz
  http-check expect status 200
  # A node that refuses connections (dead) is down after three failed checks: the first within
  # a second, then two more 250 ms apart. A node merely slow to answer (a busy moment) has 3 s
  # per check before it counts as failed: marking it down would move its sessions for nothing
  # (and back when it is up again). Until it is down, a refused connection is tried on another
  # node (redispatch).
  timeout check 3s
  default-server check inter 1s fastinter 250ms fall 3 rise 3
${nodes.map((n) => `  server ${n.name} ${n.host}:${n.port}`).join('\n')}
`
}

// The one module that loads `ws` (style: each heavy dependency imported in exactly one place).
export { default as WebSocket, WebSocketServer } from 'ws';
